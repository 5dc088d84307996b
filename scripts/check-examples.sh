#!/usr/bin/env bash
# Checks every example under examples/: `terraform fmt`, and `terraform validate`
# against the provider built from this tree (via dev_overrides, no registry).
# Usage: scripts/check-examples.sh        (TF=/path/to/terraform-or-tofu to choose the CLI)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
TF="${TF:-$("$root/scripts/tools.sh" terraform)}"

dirs=()
while IFS= read -r dir; do dirs+=("$dir"); done < <(
  find examples -name .terraform -prune -o -name '*.tf' -print 2>/dev/null | sed 's#/[^/]*$##' | sort -u)
if [[ ${#dirs[@]} -eq 0 ]]; then
  echo "check-examples: no .tf files under examples/, nothing to check" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/terraform-provider-servicestage" .
# Documentation snippets (examples/data-sources/...) carry no required_providers
# block, so Terraform reads them as hashicorp/servicestage: map that to our binary too.
"$root/scripts/cliconfig.sh" "$work" "$work/cli.tfrc" \
  registry.terraform.io/hashicorp/servicestage registry.opentofu.org/hashicorp/servicestage
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# Examples under examples/actions/ need a CLI with actions (Terraform >= 1.14;
# OpenTofu has none): older CLIs check their formatting only.
actions=0
if "$root/scripts/has-actions.sh" "$TF"; then actions=1; fi

failed=0
echo "check-examples: $("$TF" version | head -n1)"
if ! "$TF" fmt -check -recursive -diff -no-color examples; then
  echo "FAIL fmt: run '$TF fmt -recursive examples'"
  failed=1
fi

for i in "${!dirs[@]}"; do
  dir=${dirs[$i]}
  if [[ $actions == 0 && $dir == examples/actions/* ]]; then
    echo "skip $dir (actions need Terraform >= 1.14)"
    continue
  fi
  # Keep .terraform out of the source tree.
  export TF_DATA_DIR="$work/data/$i"
  out="$work/out"
  : >"$out"
  ok=1
  # Local modules must be installed before validate; `get` installs modules
  # only (`init` would also ask the registry about providers, and fails offline).
  if grep -Eqs '^[[:space:]]*module[[:space:]]+"' "$dir"/*.tf; then
    "$TF" -chdir="$dir" get -no-color >>"$out" 2>&1 || ok=0
  fi
  if [[ $ok == 1 ]]; then
    "$TF" -chdir="$dir" validate -no-color >>"$out" 2>&1 || ok=0
  fi
  if [[ $ok == 1 ]]; then
    echo "ok   $dir"
  else
    echo "FAIL $dir"
    sed 's/^/    /' "$out"
    failed=1
  fi
done
exit "$failed"
