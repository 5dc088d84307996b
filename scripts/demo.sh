#!/usr/bin/env bash
# The demo: builds the provider and the ServiceStage emulator, starts the
# emulator on a free loopback port, and runs a real `terraform apply` of
# examples/demo against it with dev_overrides (no registry, no init).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tf="${TF:-$(scripts/tools.sh terraform)}"
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the provider and the emulator"
go build -o "$work/bin/terraform-provider-servicestage" .
go build -o "$work/servicestage-emulator" ./internal/emulator/cmd/servicestage-emulator

echo "==> starting the ServiceStage emulator"
"$work/servicestage-emulator" -listen 127.0.0.1:0 -url-file "$work/url" &
emulator_pid=$!
for _ in $(seq 100); do
  [[ -s "$work/url" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "the emulator exited early" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$work/url" ]] || { echo "the emulator did not start" >&2; exit 1; }

scripts/cliconfig.sh "$work/bin" "$work/cli.tfrc"
cp -R examples/demo "$work/config"

# The demo's credentials and project are the emulator's seeded ones.
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export HW_SERVICESTAGE_ENDPOINT="$(cat "$work/url")"
export HW_AUTH_TOKEN=demo-token
export HW_PROJECT_ID=0b8a4f6e2c7d4e1f9a3b5c6d7e8f9012
export TF_IN_AUTOMATION=1

echo "==> $("$tf" version | head -n1): apply -auto-approve examples/demo against $HW_SERVICESTAGE_ENDPOINT"
start=$SECONDS
"$tf" -chdir="$work/config" apply -auto-approve -input=false -no-color
echo "==> apply took $((SECONDS - start))s"

# Starting a release needs actions (Terraform >= 1.14); other CLIs are told how.
if scripts/has-actions.sh "$tf"; then
  cp -R examples/actions/servicestage_release_plan_execute/demo "$work/action"
  echo "==> starting a release with the action servicestage_release_plan_execute"
  "$tf" -chdir="$work/action" apply -auto-approve -input=false -no-color
else
  echo "==> $("$tf" version | head -n1) has no actions: with Terraform >= 1.14 (TF=/path/to/terraform make demo),"
  echo "    the demo also starts a release with the action servicestage_release_plan_execute"
  echo "    (examples/actions/servicestage_release_plan_execute/demo)."
fi
