#!/usr/bin/env bash
# End-to-end benchmark (issue 7, `make bench`): `terraform plan` of N copies
# of the deploy-info data source (count = N) against the local emulator, with
# password authentication and Terraform's default -parallelism of 10.
# Prints a markdown table: median wall time, the provider's peak RSS, and the
# TCP connections and IAM tokens the emulator saw; then the release-built
# binary's size. Installs nothing.
#
#   scripts/bench.sh                 N = 1, 100 and 500, five plans each
#   COUNTS="500" RUNS=3 scripts/bench.sh
#   TF=/path/to/terraform scripts/bench.sh
#   BENCH_RSS=proc scripts/bench.sh  measure RSS from /proc even if GNU time is there
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tf="${TF:-$(scripts/tools.sh terraform)}"
counts=(${COUNTS:-1 100 500})
runs="${RUNS:-5}"
work="$(mktemp -d)"
emulator_pid=""
stop_emulator() {
  if [[ -n "$emulator_pid" ]]; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=""
  fi
}
cleanup() {
  stop_emulator
  rm -rf "$work"
}
trap cleanup EXIT

# The emulator's seeded identities (internal/emulator/seed.go).
project=0b8a4f6e2c7d4e1f9a3b5c6d7e8f9012
tasks='"3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14", "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35", "716eda33-dbc6-47f3-953f-29119edd5e5c"'

echo "==> building the provider (release flags: -trimpath -ldflags \"-s -w\") and the emulator" >&2
mkdir -p "$work/real" "$work/bin"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/real/terraform-provider-servicestage" .
go build -o "$work/servicestage-emulator" ./internal/emulator/cmd/servicestage-emulator
binary_bytes=$(stat -c %s "$work/real/terraform-provider-servicestage")

# Terraform starts the provider itself, so dev_overrides points at a wrapper
# that records, for each provider process, its peak RSS (KiB) and CPU time
# (user, system seconds) in $BENCH_RSS_DIR. The go-plugin handshake runs over
# the provider's stdout, so nothing else may write there: GNU time reports to
# a file (-o). Without GNU time, a poller reads /proc for the wrapper's PID,
# which exec hands to the provider.
rss_method=proc
if [[ "${BENCH_RSS:-}" != proc ]] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
  rss_method=time
fi
{
  echo '#!/bin/sh'
  echo "real='$work/real/terraform-provider-servicestage'"
  echo 'out="$BENCH_RSS_DIR/rss.$$"'
  if [[ $rss_method == time ]]; then
    echo 'exec /usr/bin/time -f "%M %U %S" -o "$out" "$real" "$@"'
  else
    echo "tick=$(getconf CLK_TCK)"
    echo 'pid=$$'
    echo '( while [ -d "/proc/$pid" ]; do'
    echo '    hwm=$(sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$pid/status" 2>/dev/null)'
    echo '    cpu=$(awk -v t="$tick" "{print (\$14 + \$15) / t}" "/proc/$pid/stat" 2>/dev/null)'
    echo '    [ -n "$hwm" ] && [ -n "$cpu" ] && echo "$hwm $cpu 0" >"$out"'
    echo '    sleep 0.02'
    echo '  done ) </dev/null >/dev/null 2>&1 &'
    echo 'exec "$real" "$@"'
  fi
} >"$work/bin/terraform-provider-servicestage"
chmod +x "$work/bin/terraform-provider-servicestage"
scripts/cliconfig.sh "$work/bin" "$work/cli.tfrc"

# Only what this script sets may configure the provider.
while read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(HW_|OS_CACERT$|TF_LOG)' || true)
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export HW_USER_NAME=demo-user HW_PASSWORD=demo-password HW_DOMAIN_NAME=demo-domain HW_PROJECT_ID="$project"

start_emulator() {
  rm -f "$work/url" "$work/stats.json"
  "$work/servicestage-emulator" -listen 127.0.0.1:0 -url-file "$work/url" -stats-file "$work/stats.json" >"$work/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 100); do
    [[ -s "$work/url" ]] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; echo "the emulator exited early" >&2; exit 1; }
    sleep 0.05
  done
  [[ -s "$work/url" ]] || { echo "the emulator did not start" >&2; exit 1; }
  url="$(cat "$work/url")"
  export HW_SERVICESTAGE_ENDPOINT="$url" HW_AUTH_URL="$url/v3"
}

stat_of() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$work/stats.json"; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
max() { sort -g | tail -n 1; }

echo "==> $("$tf" version | head -n 1), $runs plan(s) per N, peak RSS via $rss_method" >&2
rows=()
for n in "${counts[@]}"; do
  config="$work/n$n"
  mkdir -p "$config"
  cat >"$config/main.tf" <<EOF
terraform {
  required_providers {
    servicestage = { source = "f6c119bb/servicestage" }
  }
}

provider "servicestage" {}

locals {
  tasks = [$tasks]
}

data "servicestage_release_plan_deploy_info" "bench" {
  count           = $n
  release_plan_id = local.tasks[count.index % length(local.tasks)]
}

output "components" {
  value = sum([for d in data.servicestage_release_plan_deploy_info.bench : length(d.components)])
}
EOF
  walls=() rss=() cpus=() conns=() tokens=() requests=() launches=()
  for run in $(seq "$runs"); do
    export BENCH_RSS_DIR="$work/rss-$n-$run"
    mkdir -p "$BENCH_RSS_DIR"
    start_emulator
    t0=$EPOCHREALTIME
    if ! "$tf" -chdir="$config" plan -input=false -no-color -lock=false >"$work/plan.log" 2>&1; then
      tail -n 40 "$work/plan.log" >&2
      echo "terraform plan failed for N=$n" >&2
      exit 1
    fi
    t1=$EPOCHREALTIME
    stop_emulator
    [[ -s "$work/stats.json" ]] || { echo "the emulator wrote no stats" >&2; exit 1; }
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')")
    # GNU time may put "Command exited with non-zero status" first: keep the numbers.
    cat "$BENCH_RSS_DIR"/rss.* 2>/dev/null | grep -E '^[0-9]+ [0-9.]+ [0-9.]+$' >"$BENCH_RSS_DIR/all" || true
    rss+=("$(awk '$1 > m {m = $1} END {print m + 0}' "$BENCH_RSS_DIR/all")")
    cpus+=("$(awk '{s += $2 + $3} END {printf "%.2f", s}' "$BENCH_RSS_DIR/all")")
    launches+=("$(wc -l <"$BENCH_RSS_DIR/all")")
    conns+=("$(stat_of connections)")
    tokens+=("$(stat_of tokens_issued)")
    requests+=("$(stat_of requests)")
    echo "    N=$n run $run: ${walls[-1]} s, provider peak RSS ${rss[-1]} KiB and ${cpus[-1]} s CPU over ${launches[-1]} launch(es)," \
      "${conns[-1]} connections, ${tokens[-1]} token(s), ${requests[-1]} requests" >&2
  done
  wall_median=$(printf '%s\n' "${walls[@]}" | median)
  wall_min=$(printf '%s\n' "${walls[@]}" | sort -g | head -n 1)
  wall_max=$(printf '%s\n' "${walls[@]}" | max)
  rss_max=$(printf '%s\n' "${rss[@]}" | max)
  cpu_median=$(printf '%s\n' "${cpus[@]}" | median)
  rows+=("$(printf '| %s | %.2f s | %.2f–%.2f s | %.2f s | %.1f MiB | %s | %s | %s |' \
    "$n" "$wall_median" "$wall_min" "$wall_max" "$cpu_median" "$(awk -v k="$rss_max" 'BEGIN {print k / 1024}')" \
    "$(printf '%s\n' "${conns[@]}" | max)" "$(printf '%s\n' "${tokens[@]}" | max)" "$(printf '%s\n' "${requests[@]}" | max)")")
done

echo
echo "| N data sources | median wall time | min–max | provider CPU (median) | provider peak RSS (max) | TCP connections (max) | IAM tokens (max) | requests |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
printf 'Provider binary (-trimpath -ldflags "-s -w", %s/%s): %s bytes (%.1f MiB)\n' \
  "$(go env GOOS)" "$(go env GOARCH)" "$binary_bytes" "$(awk -v b="$binary_bytes" 'BEGIN {print b / 1048576}')"
