#!/usr/bin/env bash
# Exits 0 when the CLI given has actions (Terraform 1.14 or later), else 1
# (older Terraform, OpenTofu). Usage: scripts/has-actions.sh /path/to/terraform
set -euo pipefail
line="$("$1" version | head -n1)"
[[ $line =~ ^Terraform\ v([0-9]+)\.([0-9]+) ]] &&
  ((BASH_REMATCH[1] > 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] >= 14)))
