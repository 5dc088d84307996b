#!/usr/bin/env bash
# End-to-end benchmark (`make bench`): `terraform plan` of N copies of the
# deploy-info data source (count = N) against the local emulator, with
# password authentication and Terraform's default -parallelism of 10.
# Prints a markdown table: median wall time, the provider's peak RSS, and the
# TCP connections and IAM tokens the emulator saw; then the release-built
# binary's size. Installs nothing.
#
#   scripts/bench.sh                        N = 1, 100 and 500, five plans each
#   COUNTS="500" RUNS=3 scripts/bench.sh
#   BASELINE=<git rev> scripts/bench.sh     also the provider built from <rev>, plans
#                                           alternating with this tree's, one row each
#   TASK_COMPONENTS=100 scripts/bench.sh    every read gets a task of 100 components
#   TF=/path/to/terraform scripts/bench.sh
#   BENCH_RSS=proc scripts/bench.sh         measure RSS from /proc even if GNU time is there
#   AUTHS="token aksk password oidc agency metadata koocli" COUNTS=500 RUNS=1 scripts/bench.sh
#                                           each way of authenticating in turn (default: password),
#                                           with the IAM and metadata requests each plan made
#   COUNTS="200 pipeline:200" scripts/bench.sh
#                                           pipeline:N is N servicestage_pipeline reads in a
#                                           project of PIPELINES (1000) new-edition tasks,
#                                           side by side with N deploy-info reads
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tf="${TF:-$(scripts/tools.sh terraform)}"
counts=(${COUNTS:-1 100 500})
runs="${RUNS:-5}"
work="$(mktemp -d)"
# The environment may name a CLI config that does not exist; every plan sets its own.
: >"$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc"
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
  [[ -d "$work/baseline-src" ]] && git worktree remove --force "$work/baseline-src" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The emulator's seeded identities (internal/emulator/seed.go, and the
# large task of its -large-task-components flag).
project=0b8a4f6e2c7d4e1f9a3b5c6d7e8f9012
tasks='"3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14", "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35", "716eda33-dbc6-47f3-953f-29119edd5e5c"'
emulator_args=()
if [[ -n "${TASK_COMPONENTS:-}" ]]; then
  tasks='"b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"'
  emulator_args=(-large-task-components "$TASK_COMPONENTS")
fi

if [[ " ${counts[*]}" == *" pipeline:"* ]]; then
  emulator_args+=(-pipelines "${PIPELINES:-1000}")
fi

builds=(current)
echo "==> building the provider (release flags: -trimpath -ldflags \"-s -w\") and the emulator" >&2
mkdir -p "$work/current/real"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/current/real/terraform-provider-servicestage" .
go build -o "$work/servicestage-emulator" ./internal/emulator/cmd/servicestage-emulator
binary_bytes=$(stat -c %s "$work/current/real/terraform-provider-servicestage")
if [[ -n "${BASELINE:-}" ]]; then
  echo "==> building the provider at $BASELINE" >&2
  git worktree add --detach --quiet "$work/baseline-src" "$BASELINE"
  mkdir -p "$work/baseline/real"
  (cd "$work/baseline-src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/baseline/real/terraform-provider-servicestage" .)
  builds+=(baseline)
fi

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
for build in "${builds[@]}"; do
  mkdir -p "$work/$build/bin"
  {
    echo '#!/bin/sh'
    echo "real='$work/$build/real/terraform-provider-servicestage'"
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
  } >"$work/$build/bin/terraform-provider-servicestage"
  chmod +x "$work/$build/bin/terraform-provider-servicestage"
  scripts/cliconfig.sh "$work/$build/bin" "$work/$build/cli.tfrc"
done

# Only what this script sets may configure the provider.
while read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(HW_|OS_CACERT$|TF_LOG)' || true)
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export HW_PROJECT_ID="$project"
ways=(${AUTHS:-password})

# use_way WAY: the environment of one way of authenticating, with the
# emulator's seeded credentials (internal/emulator/seed.go); run after
# start_emulator, which knows where the metadata service is.
use_way() {
  unset HW_AUTH_TOKEN HW_ACCESS_KEY HW_SECRET_KEY HW_USER_NAME HW_PASSWORD HW_DOMAIN_NAME HW_IDP_ID HW_ID_TOKEN_FILE \
    HW_SHARED_CONFIG_FILE HW_ASSUME_ROLE_AGENCY_NAME HW_ASSUME_ROLE_DOMAIN_NAME
  export HW_METADATA_ENDPOINT="$(cat "$work/metadata-url")"
  local ak=DEMOACCESSKEY0000001 sk=demo-secret-key-0000000000000000000000001
  case $1 in
  token) export HW_AUTH_TOKEN=demo-token ;;
  aksk) export HW_ACCESS_KEY=$ak HW_SECRET_KEY=$sk ;;
  password) export HW_USER_NAME=demo-user HW_PASSWORD=demo-password HW_DOMAIN_NAME=demo-domain ;;
  oidc) export HW_IDP_ID=demo-ci HW_ID_TOKEN_FILE="$work/id-token" ;;
  agency) export HW_ACCESS_KEY=$ak HW_SECRET_KEY=$sk HW_ASSUME_ROLE_AGENCY_NAME=servicestage-deployer \
    HW_ASSUME_ROLE_DOMAIN_NAME=demo-release-account ;;
  metadata) ;;
  koocli)
    printf '{"current":"bench","profiles":[{"name":"bench","mode":"AKSK","accessKeyId":"%s","secretAccessKey":"%s"}]}\n' \
      "$ak" "$sk" >"$work/hcloud.json"
    export HW_SHARED_CONFIG_FILE="$work/hcloud.json" ;;
  *) echo "unknown way $1 in AUTHS (token aksk password oidc agency metadata koocli)" >&2; exit 2 ;;
  esac
}

start_emulator() {
  rm -f "$work/url" "$work/metadata-url" "$work/stats.json"
  "$work/servicestage-emulator" -listen 127.0.0.1:0 -url-file "$work/url" -stats-file "$work/stats.json" \
    -metadata-url-file "$work/metadata-url" -id-token-file "$work/id-token" "${emulator_args[@]}" >"$work/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 100); do
    [[ -s "$work/url" && -s "$work/metadata-url" ]] && break
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
for n in "${counts[@]}"; do
  config="$work/n${n/:/-}"
  mkdir -p "$config"
  if [[ $n == pipeline:* ]]; then
    # Reads spread over the project's tasks; the emulator's IDs end in the task's number.
    cat >"$config/main.tf" <<EOF
terraform {
  required_providers {
    servicestage = { source = "f6c119bb/servicestage" }
  }
}

provider "servicestage" {}

data "servicestage_pipeline" "bench" {
  count       = ${n#pipeline:}
  pipeline_id = format("00000000-0000-4000-8000-%012d", (count.index * 7) % ${PIPELINES:-1000})
}

output "succeeded" {
  value = length([for p in data.servicestage_pipeline.bench : p if p.succeeded])
}
EOF
  else
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
  fi
done

# Every N (and way) in each run, so that a change in the machine's load meets them all.
for run in $(seq "$runs"); do
  for n in "${counts[@]}"; do
   for way in "${ways[@]}"; do
    config="$work/n${n/:/-}"
    # Alternate which build goes first, so neither always meets a cold cache.
    order=("${builds[@]}")
    (( run % 2 == 0 )) && order=($(printf '%s\n' "${builds[@]}" | tac))
    for build in "${order[@]}"; do
      export BENCH_RSS_DIR="$work/rss-$build-${n/:/-}-$way-$run" TF_CLI_CONFIG_FILE="$work/$build/cli.tfrc"
      mkdir -p "$BENCH_RSS_DIR"
      start_emulator
      use_way "$way"
      t0=$EPOCHREALTIME
      if ! "$tf" -chdir="$config" plan -input=false -no-color -lock=false >"$work/plan.log" 2>&1; then
        tail -n 40 "$work/plan.log" >&2
        echo "terraform plan failed for N=$n ($build, $way)" >&2
        exit 1
      fi
      t1=$EPOCHREALTIME
      stop_emulator
      [[ -s "$work/stats.json" ]] || { echo "the emulator wrote no stats" >&2; exit 1; }
      # GNU time may put "Command exited with non-zero status" first: keep the numbers.
      cat "$BENCH_RSS_DIR"/rss.* 2>/dev/null | grep -E '^[0-9]+ [0-9.]+ [0-9.]+$' >"$BENCH_RSS_DIR/all" || true
      wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
      rss=$(awk '$1 > m {m = $1} END {print m + 0}' "$BENCH_RSS_DIR/all")
      cpu=$(awk '{s += $2 + $3} END {printf "%.2f", s}' "$BENCH_RSS_DIR/all")
      echo "$build $n@$way $wall $rss $cpu $(stat_of connections) $(stat_of tokens_issued) $(stat_of requests)" \
        "$(stat_of pipeline_list_requests) $(stat_of iam_requests) $(stat_of metadata_requests)" >>"$work/results"
      echo "    N=$n $way $build run $run: $wall s, provider peak RSS $rss KiB and $cpu s CPU," \
        "$(stat_of connections) connections, $(stat_of tokens_issued) token(s), $(stat_of requests) requests," \
        "$(stat_of iam_requests) IAM and $(stat_of metadata_requests) metadata requests" >&2
    done
   done
  done
done

# column BUILD N K: the K-th field of every result of one build and N.
column() { awk -v b="$1" -v n="$2" -v k="$3" '$1 == b && $2 == n {print $k}' "$work/results"; }

echo
echo "| build | N data sources | way | median wall time | min–max | provider CPU (median) | provider peak RSS (max) | TCP connections (max) | IAM tokens (max) | requests | new-edition list requests | IAM requests | metadata requests |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
  for way in "${ways[@]}"; do
    key="$n@$way"
    for build in "${builds[@]}"; do
      label=$build
      [[ $build == baseline ]] && label="baseline ($BASELINE)"
      printf '| %s | %s | %s | %.2f s | %.2f–%.2f s | %.2f s | %.1f MiB | %s | %s | %s | %s | %s | %s |\n' "$label" "$n" "$way" \
        "$(column "$build" "$key" 3 | median)" "$(column "$build" "$key" 3 | sort -g | head -n 1)" "$(column "$build" "$key" 3 | max)" \
        "$(column "$build" "$key" 5 | median)" "$(awk -v k="$(column "$build" "$key" 4 | max)" 'BEGIN {print k / 1024}')" \
        "$(column "$build" "$key" 6 | max)" "$(column "$build" "$key" 7 | max)" "$(column "$build" "$key" 8 | max)" \
        "$(column "$build" "$key" 9 | max)" "$(column "$build" "$key" 10 | max)" "$(column "$build" "$key" 11 | max)"
    done
  done
done
echo
printf 'Provider binary (-trimpath -ldflags "-s -w", %s/%s): %s bytes (%.1f MiB)\n' \
  "$(go env GOOS)" "$(go env GOARCH)" "$binary_bytes" "$(awk -v b="$binary_bytes" 'BEGIN {print b / 1048576}')"
