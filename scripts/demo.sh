#!/usr/bin/env bash
# The demo: builds the provider and the ServiceStage emulator into .demo/,
# starts the emulator on a free loopback port, runs a real `terraform apply`
# of examples/demo against it with dev_overrides (no registry, no init), and
# stops the emulator again. It ends by printing how to do the same by hand
# with what it left in .demo/, and what to try next.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tf="${TF:-$(scripts/tools.sh terraform)}"
demo="$root/.demo"
# A fresh copy of the configuration and state on every run.
rm -rf "$demo/config" "$demo/url" "$demo/metadata-url"
mkdir -p "$demo/bin"
emulator_pid=""
# The emulator runs only while the demo does; the builds stay in .demo/.
cleanup() {
  if [[ -n "$emulator_pid" ]]; then
    kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  fi
  rm -f "$demo/url" "$demo/metadata-url"
}
trap cleanup EXIT

echo "==> building the provider and the emulator into .demo/"
go build -o "$demo/bin/terraform-provider-servicestage" .
go build -o "$demo/servicestage-emulator" ./internal/emulator/cmd/servicestage-emulator

echo "==> starting the ServiceStage emulator"
"$demo/servicestage-emulator" -listen 127.0.0.1:0 -url-file "$demo/url" -metadata-url-file "$demo/metadata-url" \
  -id-token-file "$demo/id-token" &
emulator_pid=$!
for _ in $(seq 100); do
  [[ -s "$demo/url" && -s "$demo/metadata-url" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "the emulator exited early" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$demo/url" ]] || { echo "the emulator did not start" >&2; exit 1; }

scripts/cliconfig.sh "$demo/bin" "$demo/cli.tfrc"
cp -R examples/demo "$demo/config"

# No credentials at all, as on an ECS with an agency: the provider reads
# temporary ones from the emulator's ECS metadata service. The project is the
# emulator's seeded one.
export TF_CLI_CONFIG_FILE="$demo/cli.tfrc"
export HW_SERVICESTAGE_ENDPOINT="$(cat "$demo/url")"
export HW_METADATA_ENDPOINT="$(cat "$demo/metadata-url")"
export HW_PROJECT_ID=0b8a4f6e2c7d4e1f9a3b5c6d7e8f9012
export TF_IN_AUTOMATION=1

echo "==> $("$tf" version | head -n1): apply -auto-approve examples/demo against $HW_SERVICESTAGE_ENDPOINT,"
echo "    with no stored secret: credentials from the ECS metadata service at $HW_METADATA_ENDPOINT"
start=$SECONDS
"$tf" -chdir="$demo/config" apply -auto-approve -input=false -no-color
echo "==> apply took $((SECONDS - start))s"

# Starting a release needs actions (Terraform >= 1.14); other CLIs are told how.
rm -rf "$demo/action"
if scripts/has-actions.sh "$tf"; then
  cp -R examples/actions/servicestage_release_plan_execute/demo "$demo/action"
  echo "==> starting a release of each edition with the actions servicestage_release_plan_execute and servicestage_pipeline_start"
  "$tf" -chdir="$demo/action" apply -auto-approve -input=false -no-color
else
  echo "==> $("$tf" version | head -n1) has no actions: with Terraform >= 1.14 (TF=/path/to/terraform make demo),"
  echo "    the demo also starts a release of each edition with the actions servicestage_release_plan_execute"
  echo "    and servicestage_pipeline_start"
  echo "    (examples/actions/servicestage_release_plan_execute/demo)."
fi
echo "==> stopping the emulator"
cleanup
emulator_pid=""

cat <<EOT

==> Do it again by hand: the builds, the CLI config and a copy of examples/demo are in .demo/
  # 1. In another terminal, start the emulator (its banner lists the credentials and tasks):
  .demo/servicestage-emulator -listen 127.0.0.1:8080 -metadata-url-file .demo/metadata-url -id-token-file .demo/id-token
  # 2. Load the provider from .demo/bin (dev_overrides: no registry, no terraform init) and
  #    point it at the emulator and its ECS metadata service:
  export TF_CLI_CONFIG_FILE="\$PWD/.demo/cli.tfrc"
  export HW_SERVICESTAGE_ENDPOINT=http://127.0.0.1:8080 HW_METADATA_ENDPOINT=\$(cat .demo/metadata-url)
  export HW_PROJECT_ID=$HW_PROJECT_ID
  # 3. Plan or apply the demo's configuration, and (Terraform >= 1.14) start a release:
  $tf -chdir=.demo/config apply
  $tf -chdir=.demo/action apply

==> Then try, in .demo/config/main.tf or the environment:
  - name_regex = "^billing-" in data "servicestage_release_plans" "orders": the postcondition's message;
  - status = "success" in data "servicestage_release_plans" "all": a warning that the status is SUCCESS;
  - CI's way, an OpenID Connect ID token: export HW_AUTH_URL=http://127.0.0.1:8080/v3 HW_IDP_ID=demo-ci
    HW_ID_TOKEN_FILE=\$PWD/.demo/id-token (the emulator keeps that file fresh);
  - across accounts: export HW_AUTH_URL=http://127.0.0.1:8080/v3 HW_ASSUME_ROLE_AGENCY_NAME=servicestage-deployer
    HW_ASSUME_ROLE_DOMAIN_NAME=demo-release-account, on top of any way;
  - a stored secret after all: export HW_ACCESS_KEY=DEMOACCESSKEY0000001 HW_SECRET_KEY=... (the banner
    prints it): it comes before the metadata service, which is then not asked; then a wrong
    HW_SECRET_KEY to see the error;
  - your own configuration: every data source, with examples, is in docs/ (start at docs/index.md).
  For a local build of your own, see "Use a local build" in README.md.

==> Instead of dev_overrides, as a pipeline would: terraform init from a provider mirror
  make mirror          # the release zips in dist/mirror; prints the CLI config to use
  # then, with that config and version = "<the version it built>" in required_providers:
  $tf -chdir=.demo/config init   # installs from the mirror, writes .terraform.lock.hcl
EOT
