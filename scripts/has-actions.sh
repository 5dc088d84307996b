#!/usr/bin/env bash
# Exits 0 when the CLI given has actions (Terraform 1.14 or later), else 1
# (older Terraform, OpenTofu). Usage: scripts/has-actions.sh /path/to/terraform
set -euo pipefail
# The whole output, not `| head`: an early-closed pipe would fail the CLI.
out="$("$1" version)"
line="${out%%$'\n'*}"
[[ $line =~ ^Terraform\ v([0-9]+)\.([0-9]+) ]] &&
  ((BASH_REMATCH[1] > 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] >= 14)))
