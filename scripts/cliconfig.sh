#!/usr/bin/env bash
# Writes a Terraform/OpenTofu CLI config that loads the provider from a local
# directory (dev_overrides), so no registry or `terraform init` is needed.
# Usage: scripts/cliconfig.sh PROVIDER_DIR OUTPUT_FILE [EXTRA_SOURCE_ADDRESS...]
#   then: TF_CLI_CONFIG_FILE=OUTPUT_FILE terraform validate|plan|apply
# EXTRA_SOURCE_ADDRESS (e.g. registry.terraform.io/hashicorp/servicestage) maps
# more addresses to the same binary.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 PROVIDER_DIR OUTPUT_FILE [EXTRA_SOURCE_ADDRESS...]" >&2
  exit 2
fi
dir="$(cd "$1" && pwd)"
if [[ ! -x "$dir/terraform-provider-servicestage" ]]; then
  echo "cliconfig.sh: warning: $dir has no terraform-provider-servicestage binary yet" >&2
fi
out=$2
shift 2
dir=${dir//\\/\\\\} # escape for an HCL string
dir=${dir//\"/\\\"}
mkdir -p "$(dirname "$out")"
{
  echo 'provider_installation {'
  echo '  dev_overrides {'
  for addr in registry.terraform.io/f6c119bb/servicestage registry.opentofu.org/f6c119bb/servicestage "$@"; do
    echo "    \"$addr\" = \"$dir\""
  done
  echo '  }'
  echo '  # Every other provider installs the normal way.'
  echo '  direct {}'
  echo '}'
} >"$out"
