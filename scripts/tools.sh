#!/usr/bin/env bash
# Installs pinned build tools once into .tools/ and prints the absolute path
# of the one asked for. Usage:
#   scripts/tools.sh terraform|terraform-oldest|tofu|golangci-lint|goreleaser
# `terraform` is the newest Terraform (actions need >= 1.14), built from its
# module source, never whatever is on PATH: every machine tests the same three
# CLIs (that one, terraform-oldest and tofu).
# Builds log to stderr; stdout carries only the path, so callers can do
#   TF=$(scripts/tools.sh terraform)
# SERVICESTAGE_TOOLS_DIR (default: .tools in the repo) lets clones share one build.
set -euo pipefail

TERRAFORM_VERSION=1.5.7 # oldest Terraform the provider supports (contract.md)
TERRAFORM_NEWEST_VERSION=1.16.0 # newest the Go module proxy serves; actions need >= 1.14
TOFU_VERSION=1.12.6
GOLANGCI_LINT_VERSION=2.15.0
GORELEASER_VERSION=2.15.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${SERVICESTAGE_TOOLS_DIR:-$root/.tools}"
mkdir -p "$tools" && tools="$(cd "$tools" && pwd)" # absolute, whatever was given
bin="$tools/bin"

log() { echo "tools.sh: $*" >&2; }

# new_tmp: make a scratch dir under .tools (same filesystem, so mv is a rename),
# removed on exit even when a build fails.
new_tmp() {
  tmp="$(mktemp -d "$tools/tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
}

# Builds must not see the project's module or a go.work, and must not switch toolchains.
export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-buildvcs=false

# lock NAME: hold an exclusive lock for the rest of this process, so two
# callers never build the same tool at once (the second waits, then reuses).
lock() {
  mkdir -p "$tools/locks"
  exec 9>"$tools/locks/$1.lock"
  if command -v flock >/dev/null; then
    flock 9
  fi
}

# installed NAME VERSION: true if .tools/bin/NAME was built at VERSION.
installed() {
  [[ -x "$bin/$1" && "$(cat "$bin/.$1.version" 2>/dev/null)" == "$2" ]]
}

# go_install NAME VERSION PACKAGE@VERSION: go install into .tools/bin via a
# temp dir, then rename, so a reader never sees a half-written binary.
go_install() {
  local name=$1 version=$2 pkg=$3 start
  lock "$name"
  if ! installed "$name" "$version"; then
    log "building $name $version (takes minutes, once)..."
    start=$SECONDS
    mkdir -p "$bin"
    new_tmp
    GOBIN="$tmp" go install "$pkg" >&2
    mv -f "$tmp/$name" "$bin/$name"
    echo "$version" >"$bin/.$name.version"
    log "built $name $version in $((SECONDS - start))s"
  fi
  echo "$bin/$name"
}

terraform_oldest() {
  local dir="$tools/terraform-$TERRAFORM_VERSION" start
  lock terraform-oldest
  if [[ ! -x "$dir/terraform" ]]; then
    log "building terraform $TERRAFORM_VERSION from source (~3 min on 2 idle cores, once)..."
    start=$SECONDS
    new_tmp
    GOBIN="$tmp" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" >&2
    mkdir -p "$dir"
    mv -f "$tmp/terraform" "$dir/terraform"
    log "built terraform $TERRAFORM_VERSION in $((SECONDS - start))s"
  fi
  echo "$dir/terraform"
}

# Terraform >= 1.14 keeps its remote-state backends and internal/legacy in
# nested modules that its module zip lacks; `go install` then fails. Build
# from a writable copy with those modules dropped: no test uses a remote backend.
terraform_newest() {
  local dir="$tools/terraform-$TERRAFORM_NEWEST_VERSION" src start m
  local dropped=(azure consul cos gcs kubernetes oci oss pg s3)
  lock terraform-newest
  if [[ ! -x "$dir/terraform" ]]; then
    log "building terraform $TERRAFORM_NEWEST_VERSION from source (~5 min on 2 idle cores, once)..."
    start=$SECONDS
    new_tmp
    src="$(cd "$tmp" && go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_NEWEST_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": *"\([^"]*\)".*/\1/p')"
    cp -R "$src" "$tmp/src"
    chmod -R u+w "$tmp/src"
    for m in "${dropped[@]}"; do
      sed -i "\\#internal/backend/remote-state/$m[ /]#d" "$tmp/src/go.mod"
      sed -i "\\#internal/backend/remote-state/$m\"#d; /\"$m\(rm\)\?\": *func()/d" "$tmp/src/internal/backend/init/init.go"
    done
    sed -i '\#internal/legacy[ /]#d' "$tmp/src/go.mod"
    # dev=no drops the "-dev" suffix, as HashiCorp's release build does.
    (cd "$tmp/src" && go build -trimpath \
      -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
      -o "$tmp/terraform" .) >&2
    mkdir -p "$dir"
    mv -f "$tmp/terraform" "$dir/terraform"
    log "built terraform $TERRAFORM_NEWEST_VERSION in $((SECONDS - start))s"
  fi
  echo "$dir/terraform"
}

# OpenTofu's go.mod has replace directives, which `go install pkg@version`
# refuses, so build from a writable copy of the downloaded module source.
tofu() {
  local src start
  lock tofu
  if ! installed tofu "$TOFU_VERSION"; then
    log "building tofu $TOFU_VERSION from source (minutes, once)..."
    start=$SECONDS
    mkdir -p "$bin"
    new_tmp
    src="$(cd "$tmp" && go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": *"\([^"]*\)".*/\1/p')"
    cp -R "$src" "$tmp/src"
    chmod -R u+w "$tmp/src"
    # version.dev=no drops the "-dev" suffix, as OpenTofu's own release build does.
    (cd "$tmp/src" && go build -trimpath \
      -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
      -o "$tmp/tofu" ./cmd/tofu) >&2
    mv -f "$tmp/tofu" "$bin/tofu"
    echo "$TOFU_VERSION" >"$bin/.tofu.version"
    log "built tofu $TOFU_VERSION in $((SECONDS - start))s"
  fi
  echo "$bin/tofu"
}

case "${1:-}" in
terraform)
  if [[ "${TERRAFORM_OLDEST:-}" == 1 ]]; then terraform_oldest; else terraform_newest; fi
  ;;
terraform-oldest) terraform_oldest ;;
tofu) tofu ;;
golangci-lint)
  go_install golangci-lint "$GOLANGCI_LINT_VERSION" \
    "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION"
  ;;
goreleaser)
  go_install goreleaser "$GORELEASER_VERSION" \
    "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
  ;;
*)
  echo "usage: $0 terraform|terraform-oldest|tofu|golangci-lint|goreleaser" >&2
  exit 2
  ;;
esac
