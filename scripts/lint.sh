#!/usr/bin/env bash
# Runs the pinned golangci-lint (see .golangci.yml). Extra arguments are passed
# on, e.g. scripts/lint.sh --fix
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lint="$("$root/scripts/tools.sh" golangci-lint)"
cd "$root"
# Wait for, rather than fail on, another golangci-lint run in this tree.
exec "$lint" run --allow-serial-runners "$@" ./...
