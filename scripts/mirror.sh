#!/usr/bin/env bash
# `make mirror`: the release archives, built by goreleaser from .goreleaser.yml
# for the six platforms people run Terraform on, laid out as a provider mirror
# that `terraform init` installs from, with no registry:
#   DIR/registry.terraform.io/f6c119bb/servicestage/terraform-provider-servicestage_V_OS_ARCH.zip
#   DIR/registry.opentofu.org/...   the same, for OpenTofu
# beside index.json and V.json (the provider network mirror protocol), so the
# same tree served over HTTPS is a network_mirror too. Prints the CLI config.
# Usage: scripts/mirror.sh [DIR]          (default: dist/mirror)
# V is the latest git tag reachable from HEAD without its "v", or 0.0.0-dev
# with no tag; MIRROR_VERSION=1.2.3 chooses another.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-dist/mirror}"
targets=linux_amd64,linux_arm64,darwin_amd64,darwin_arm64,windows_amd64,windows_arm64
hosts=(registry.terraform.io registry.opentofu.org)

version="${MIRROR_VERSION:-}"
if [[ -z "$version" ]]; then
  tag="$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || true)"
  version="${tag#v}"
  # Not goreleaser's 0.0.1-SNAPSHOT-abc1234: a version to write in a constraint.
  version="${version:-0.0.0-dev}"
fi
goreleaser="$(scripts/tools.sh goreleaser)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/providermirror" ./scripts/providermirror
# The release configuration with only the targets and the version changed,
# read by goreleaser from stdin: nothing to keep in step by hand.
"$work/providermirror" config -version "$version" -dist "$work/dist" -targets "$targets" \
  <.goreleaser.yml >"$work/goreleaser.yml"

echo "mirror.sh: building terraform-provider-servicestage $version for ${targets//,/ }" >&2
start=$SECONDS
# --snapshot: no clean tree or tag needed, nothing published; sign needs a GPG key.
"$goreleaser" release --snapshot --clean --skip=sign,publish -f - <"$work/goreleaser.yml" \
  >"$work/goreleaser.log" 2>&1 || {
  cat "$work/goreleaser.log" >&2
  echo "mirror.sh: goreleaser failed" >&2
  exit 1
}
echo "mirror.sh: goreleaser built $(find "$work/dist" -maxdepth 1 -name '*.zip' | wc -l) zips in $((SECONDS - start))s" >&2

# A mirror holds what this build made: no zip of an older version lingers.
for host in "${hosts[@]}"; do
  rm -rf "${out:?}/$host/f6c119bb/servicestage"
done
"$work/providermirror" layout -version "$version" -from "$work/dist" -to "$out" "${hosts[@]}"
mkdir -p "$out" && out="$(cd "$out" && pwd)"

# A prerelease matches only an exact constraint (all three CLIs), so say so.
if [[ $version == *-* ]]; then
  constraint="$version"
  note=$'\n(a prerelease: no ~> or >= constraint selects it; tag a release, e.g. git tag v0.1.0, for "~> 0.1")'
else
  constraint="~> ${version%.*}"
  note=""
fi
cat <<EOT
==> Provider mirror of f6c119bb/servicestage $version in $out
In the CLI configuration (TF_CLI_CONFIG_FILE, or ~/.terraformrc; OpenTofu: ~/.tofurc):

provider_installation {
  filesystem_mirror {
    path    = "$out"
    include = ["registry.terraform.io/f6c119bb/servicestage", "registry.opentofu.org/f6c119bb/servicestage"]
  }
  direct {
    exclude = ["registry.terraform.io/f6c119bb/servicestage", "registry.opentofu.org/f6c119bb/servicestage"]
  }
}

and in required_providers: source = "f6c119bb/servicestage", version = "$constraint"$note
Then terraform init (it writes .terraform.lock.hcl); for every platform's hashes in it:
  terraform providers lock -fs-mirror=$out -platform=linux_amd64 -platform=darwin_arm64 ...
Served over HTTPS, the same tree is a network_mirror { url = "https://HOST/PATH/" }.
EOT
