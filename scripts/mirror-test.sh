#!/usr/bin/env bash
# `make test-mirror`: builds the mirror as `make mirror` does, then under each
# CLI (Terraform 1.16.0, Terraform 1.5.7, OpenTofu) checks, offline, that
#   - terraform init installs the provider from it under a version constraint
#     and writes .terraform.lock.hcl; `providers lock -fs-mirror` adds every
#     platform's hashes; a second init verifies against the lock file;
#   - the installed binary runs: validate and `providers schema` get its schema;
#   - init refuses a zip altered by one byte, and one with other content;
#   - the same tree served over HTTPS works as a network_mirror.
# Usage: scripts/mirror-test.sh [CLI...]   (default: terraform terraform-oldest tofu)
#   SUMMARY=FILE appends one line per CLI to FILE, as `make test`'s runs do.
#   KEEP=1 keeps the mirror, configurations and logs (the path is printed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clis=("$@")
[[ ${#clis[@]} -gt 0 ]] || clis=(terraform terraform-oldest tofu)
namespace_type=f6c119bb/servicestage

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "${KEEP:-}" ]]; then echo "mirror-test: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
# No checkpoint calls, no registry, no plugin cache: only the mirror.
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR

start=$SECONDS
scripts/mirror.sh "$work/mirror" >"$work/mirror.out"
version="$(sed -n 's/^==> Provider mirror of [^ ]* \([^ ]*\) in .*/\1/p' "$work/mirror.out")"
echo "mirror-test: built mirror of $version in $((SECONDS - start))s"
# A prerelease (0.0.0-dev, an untagged build) matches only an exact
# constraint in all three CLIs; a release, the ~> a user writes.
if [[ $version == *-* ]]; then constraint="$version"; else constraint="~> ${version%.*}"; fi
platform="$(go env GOOS)_$(go env GOARCH)"
zip_name="terraform-provider-servicestage_${version}_${platform}.zip"
# The h1: hash `make mirror` computed for this platform: the CLIs must agree.
h1="$(grep -o "\"$platform\":{[^}]*}" "$work/mirror/registry.terraform.io/$namespace_type/$version.json" |
  grep -o '"h1:[^"]*"')"

go build -o "$work/providermirror" ./scripts/providermirror
mkdir -p "$work/served"
"$work/providermirror" serve -dir "$work/mirror" -cert "$work/served/cert.pem" -url "$work/served/url" &
server_pid=$!
for _ in $(seq 100); do [[ -s "$work/served/url" ]] && break; sleep 0.1; done
mirror_url="$(cat "$work/served/url")"

# cliconfig FILE KIND LOCATION HOST: a CLI config that installs this provider
# from the mirror and nothing else (no direct block: no network at all).
cliconfig() {
  local location
  if [[ $2 == filesystem_mirror ]]; then location="path = \"$3\""; else location="url  = \"$3\""; fi
  cat >"$1" <<EOT
provider_installation {
  $2 {
    $location
    include = ["$4/$namespace_type"]
  }
}
EOT
}

# run NAME CMD...: run CMD into $work/NAME.log; print the log if it fails.
run() {
  local name=$1
  shift
  if ! "$@" >"$work/$name.log" 2>&1; then
    echo "FAIL $label: $name"
    sed 's/^/    /' "$work/$name.log"
    return 1
  fi
}

# refused NAME MIRROR PATTERN: init from MIRROR (a tampered copy) must fail
# with an error matching PATTERN; prints the CLI's message.
refused() {
  local name=$1 mirror=$2 pattern=$3 log="$work/$cli-$1.log"
  cliconfig "$cfg/$name.tfrc" filesystem_mirror "$mirror" "$host"
  rm -rf "$cfg/.terraform"
  if TF_CLI_CONFIG_FILE="$cfg/$name.tfrc" "$tf" -chdir="$cfg" init -input=false -no-color >"$log" 2>&1; then
    echo "FAIL $label: init accepted the $name zip"
    return 1
  fi
  if ! tr '\n' ' ' <"$log" | grep -q "$pattern"; then
    echo "FAIL $label: init failed on the $name zip, but not with \"$pattern\":"
    sed 's/^/    /' "$log"
    return 1
  fi
  echo "ok   $label: refused the $name zip:"
  sed -n '/^Error while installing/,/^$/{/^$/d;p;}' "$log" | sed "s#$mirror#MIRROR#; s/^/    /"
}

# check_cli CLI: every check under one CLI; returns the number that failed.
check_cli() {
  local failed=0 n=0
  cfg="$work/$1/config"
  mkdir -p "$cfg"
  cat >"$cfg/main.tf" <<EOT
terraform {
  required_providers {
    servicestage = {
      source  = "$namespace_type"
      version = "$constraint"
    }
  }
}

provider "servicestage" {
  region     = "ap-southeast-3"
  project_id = "0b8a4f6e2c7d4e1f9a3b5c6d7e8f9012"
}

data "servicestage_release_plans" "all" {}
EOT
  cliconfig "$cfg/fs.tfrc" filesystem_mirror "$work/mirror" "$host"
  export TF_CLI_CONFIG_FILE="$cfg/fs.tfrc"

  n=$((n + 1))
  if run "$1-init" "$tf" -chdir="$cfg" init -input=false -no-color &&
    grep -q "Installed $namespace_type v$version" "$work/$1-init.log" &&
    grep -qF "$h1" "$cfg/.terraform.lock.hcl"; then
    echo "ok   $label: init installed v$version ($constraint) and locked the h1: hash make mirror computed"
  else
    [[ -s "$cfg/.terraform.lock.hcl" ]] && sed 's/^/    /' "$cfg/.terraform.lock.hcl"
    echo "FAIL $label: init from the filesystem mirror"
    failed=$((failed + 1))
  fi

  n=$((n + 1))
  if run "$1-lock" "$tf" -chdir="$cfg" providers lock -no-color -fs-mirror="$work/mirror" \
    -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_amd64 \
    -platform=darwin_arm64 -platform=windows_amd64 -platform=windows_arm64 &&
    [[ "$(grep -c '"h1:' "$cfg/.terraform.lock.hcl")" -ge 6 ]]; then
    echo "ok   $label: providers lock -fs-mirror recorded $(grep -c '"h1:' "$cfg/.terraform.lock.hcl") h1: and $(grep -c '"zh:' "$cfg/.terraform.lock.hcl") zh: hashes"
  else
    echo "FAIL $label: providers lock -fs-mirror"
    failed=$((failed + 1))
  fi

  n=$((n + 1))
  rm -rf "$cfg/.terraform"
  if run "$1-reinit" "$tf" -chdir="$cfg" init -input=false -no-color &&
    grep -qi "lock file" "$work/$1-reinit.log"; then
    echo "ok   $label: init again installed v$version as the lock file says"
  else
    echo "FAIL $label: init against the lock file"
    failed=$((failed + 1))
  fi

  n=$((n + 1))
  if run "$1-validate" "$tf" -chdir="$cfg" validate -no-color &&
    run "$1-schema" "$tf" -chdir="$cfg" providers schema -json &&
    grep -q '"servicestage_release_plans"' "$work/$1-schema.log"; then
    echo "ok   $label: the installed provider runs (validate, providers schema)"
  else
    echo "FAIL $label: the installed provider"
    failed=$((failed + 1))
  fi

  # Tampered copies, checked against the lock file the mirror's zips wrote.
  n=$((n + 1))
  cp -R "$work/mirror" "$work/$1/altered"
  local zip="$work/$1/altered/$host/$namespace_type/$zip_name" offset
  offset=$(($(stat -c %s "$zip") / 2))
  # Flip one byte in the middle of the compressed binary: the zip no longer
  # unpacks, so the CLI cannot even hash it.
  if [[ "$(dd if="$zip" bs=1 skip="$offset" count=1 status=none | od -An -tx1 | tr -d ' ')" == 00 ]]; then
    printf '\001' | dd of="$zip" bs=1 seek="$offset" conv=notrunc status=none
  else
    printf '\000' | dd of="$zip" bs=1 seek="$offset" conv=notrunc status=none
  fi
  refused altered "$work/$1/altered" "failed to calculate checksum" || failed=$((failed + 1))

  n=$((n + 1))
  cp -R "$work/mirror" "$work/$1/other"
  # A well-formed zip of other content. (Another platform's zip under this
  # one's name would pass: a lock file's hashes are per version, any platform.)
  "$work/providermirror" rezip "$work/$1/other/$host/$namespace_type/$zip_name"
  refused other "$work/$1/other" "doesn.t match any of the checksums previously recorded in the dependency lock file" || failed=$((failed + 1))

  # network_mirror needs https: the helper's certificate, through SSL_CERT_FILE.
  n=$((n + 1))
  rm -rf "$cfg/.terraform" "$cfg/.terraform.lock.hcl"
  cliconfig "$cfg/net.tfrc" network_mirror "$mirror_url" "$host"
  if run "$1-net" env TF_CLI_CONFIG_FILE="$cfg/net.tfrc" SSL_CERT_FILE="$work/served/cert.pem" \
    "$tf" -chdir="$cfg" init -input=false -no-color &&
    grep -q "Installed $namespace_type v$version (verified checksum)" "$work/$1-net.log" &&
    grep -qF "$h1" "$cfg/.terraform.lock.hcl"; then
    echo "ok   $label: init from the network mirror at $mirror_url verified and locked the h1: hash"
  else
    echo "FAIL $label: init from the network mirror"
    failed=$((failed + 1))
  fi

  summary "$n" "$failed"
  return "$failed"
}

# summary TOTAL FAILED: the line `make test` prints per test run.
summary() {
  local line
  line="$(printf '%-34s %d passed, %d failed, %d skipped' "$label (mirror):" $(($1 - $2)) "$2" 0)"
  echo "$line"
  if [[ -n "${SUMMARY:-}" ]]; then echo "$line" >>"$SUMMARY"; fi
}

status=0
for cli in "${clis[@]}"; do
  tf="$(scripts/tools.sh "$cli")"
  host=registry.terraform.io
  # OpenTofu's default registry, so its address of the provider, is its own.
  [[ $cli == tofu ]] && host=registry.opentofu.org
  label="$(basename "$tf") $(TF_CLI_CONFIG_FILE=/dev/null "$tf" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
  check_cli "$cli" || status=1
done
echo "mirror-test: done in $((SECONDS - start))s"
exit "$status"
