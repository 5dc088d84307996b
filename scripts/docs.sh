#!/usr/bin/env bash
# Generates docs/ from templates/ and examples/ with tfplugindocs (the `tool`
# in go.mod), offline: the provider schema comes from the provider built from
# this tree, loaded through dev_overrides, so neither tfplugindocs nor
# Terraform downloads anything.
#
# Usage: scripts/docs.sh [generate]   write docs/ (running it again changes nothing)
#        scripts/docs.sh validate     tfplugindocs validate: docs/ has the registry's layout
#        scripts/docs.sh check        validate, and fail if docs/ is not what generate writes
# TF=/path/to/terraform chooses the CLI (one with actions); otherwise
# scripts/tools.sh terraform.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=${1:-generate}
case "$mode" in
generate | validate | check) ;;
*)
  echo "usage: $0 [generate|validate|check]" >&2
  exit 2
  ;;
esac

TF="${TF:-$("$root/scripts/tools.sh" terraform)}"

# The action pages need the action schemas, which only a CLI with actions prints.
if ! "$root/scripts/has-actions.sh" "$TF"; then
  echo "docs.sh: $("$TF" version | head -n1) has no actions, so it cannot print their schemas: set TF to Terraform >= 1.14" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The provider's schema, as `terraform providers schema -json` prints it.
# tfplugindocs looks the schema up as "registry.terraform.io/hashicorp/servicestage"
# (or plain "servicestage"), never under our own namespace, so the throwaway
# configuration names no source: Terraform then reads it as hashicorp/servicestage,
# which the CLI configuration maps to the binary built here. No init is needed.
go build -o "$work/terraform-provider-servicestage" .
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/servicestage"  = "$work"
    "registry.opentofu.org/hashicorp/servicestage" = "$work"
  }
  direct {}
}
EOF
mkdir "$work/config"
echo 'provider "servicestage" {}' >"$work/config/main.tf"
if ! TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_DATA_DIR="$work/tfdata" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
  "$TF" -chdir="$work/config" providers schema -json >"$work/raw.json" 2>"$work/stderr"; then
  echo "docs.sh: '$TF providers schema -json' failed:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
# OpenTofu names its own registry; tfplugindocs only knows Terraform's.
sed 's#"registry\.opentofu\.org/hashicorp/servicestage"#"registry.terraform.io/hashicorp/servicestage"#' \
  "$work/raw.json" >"$work/schema.json"

tfplugindocs() { go tool tfplugindocs "$@"; }

validate() {
  tfplugindocs validate --provider-name servicestage --providers-schema "$work/schema.json"
}

# generate_into DIR: render DIR/docs from DIR/templates and DIR/examples.
generate_into() {
  tfplugindocs generate --provider-dir "$1" --provider-name servicestage \
    --providers-schema "$work/schema.json" --website-temp-dir "$work/website"
}

case "$mode" in
generate)
  generate_into "$root"
  ;;
validate)
  validate
  ;;
check)
  validate
  # Render a copy and compare, so a stale docs/ fails without touching the tree.
  mkdir "$work/copy"
  cp -R templates examples "$work/copy/"
  if [[ -d docs ]]; then cp -R docs "$work/copy/"; fi
  generate_into "$work/copy" >/dev/null
  if ! diff -ru docs "$work/copy/docs"; then
    echo "docs.sh: docs/ is out of date: run scripts/docs.sh (make docs) and commit the result" >&2
    exit 1
  fi
  echo "docs.sh: docs/ is up to date"
  ;;
esac
