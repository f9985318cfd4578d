#!/usr/bin/env bash
# Generates docs/ from the provider schema, templates/ and examples/ with
# tfplugindocs. docs/ is never edited by hand.
#
#   scripts/generate-docs.sh           regenerate docs/ in place (make generate)
#   scripts/generate-docs.sh --check   fail when docs/ is stale or invalid (make docs-check)
#
# tfplugindocs normally builds the provider and runs `terraform providers
# schema -json` itself, downloading Terraform when none is on PATH. That needs
# the internet, so the schema is produced here instead: the provider is built
# into a temp dir, a CLI config points dev_overrides at it, and `terraform
# providers schema -json` prints the schema without `init`. The CLI is
# Terraform 1.16 (.tools/bin/terraform-latest): OpenTofu and older Terraform
# releases leave list resources out of the schema, and with them their pages.
# tfplugindocs looks schemas up under registry.terraform.io/hashicorp/<name>,
# so the top-level key is renamed before the file is handed over with
# --providers-schema.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

provider_name=gitlabci
provider_source=gitlabci-provider/gitlabci

mode=generate
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  -h | --help)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac

log() { printf '==> %s\n' "$*" >&2; }

bash scripts/install-tools.sh tfplugindocs terraform-latest
terraform="$root/.tools/bin/terraform-latest"
tfplugindocs="$root/.tools/bin/tfplugindocs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "building the provider"
mkdir -p "$work/plugins"
go build -o "$work/plugins/terraform-provider-$provider_name" .

cat >"$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/$provider_source" = "$work/plugins"
  }
  direct {}
}
EOF
mkdir -p "$work/schema-module"
cat >"$work/schema-module/main.tf" <<EOF
terraform {
  required_providers {
    $provider_name = {
      source = "$provider_source"
    }
  }
}
EOF

log "reading the provider schema (terraform providers schema -json)"
(
  cd "$work/schema-module"
  TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 "$terraform" providers schema -json
) >"$work/schema.raw.json" 2>"$work/schema.stderr" || {
  cat "$work/schema.stderr" >&2
  echo "terraform providers schema -json failed" >&2
  exit 1
}

from_key="\"registry.terraform.io/$provider_source\""
to_key="\"registry.terraform.io/hashicorp/$provider_name\""
if [ "$(grep -F -o "$from_key" "$work/schema.raw.json" | wc -l)" -ne 1 ]; then
  echo "expected the key $from_key exactly once in the schema JSON" >&2
  exit 1
fi
sed "s|$from_key|$to_key|" "$work/schema.raw.json" >"$work/schema.json"

# generate DIR: render DIR/docs from DIR/templates and DIR/examples.
generate() {
  # With --providers-schema tfplugindocs neither builds the provider nor
  # looks for (or downloads) a terraform binary.
  (cd "$1" && CHECKPOINT_DISABLE=1 "$tfplugindocs" generate \
    --provider-dir "$1" \
    --provider-name "$provider_name" \
    --rendered-provider-name "GitLab CI" \
    --providers-schema "$work/schema.json" \
    --website-temp-dir "$work/tfplugindocs-tmp") >"$work/generate.log" 2>&1 || {
    cat "$work/generate.log" >&2
    echo "tfplugindocs generate failed" >&2
    exit 1
  }
}

validate() {
  (cd "$1" && CHECKPOINT_DISABLE=1 "$tfplugindocs" validate \
    --provider-dir "$1" \
    --provider-name "$provider_name" \
    --providers-schema "$work/schema.json") >"$work/validate.log" 2>&1 || {
    cat "$work/validate.log" >&2
    echo "tfplugindocs validate failed: fix the templates, examples or MarkdownDescriptions above, then run 'make generate'" >&2
    exit 1
  }
}

if [ "$mode" = generate ]; then
  log "rendering docs/ (tfplugindocs generate)"
  generate "$root"
  validate "$root"
  log "docs/ is up to date: $(find docs -name '*.md' | wc -l) pages"
  exit 0
fi

# --check: render into a scratch copy and compare, so the working tree is untouched.
log "rendering docs into a scratch copy to compare with docs/"
mkdir -p "$work/tree"
cp -R templates examples "$work/tree/"
[ -f terraform-registry-manifest.json ] && cp terraform-registry-manifest.json "$work/tree/"
generate "$work/tree"

if [ ! -d docs ]; then
  echo "docs/ does not exist: run 'make generate' and commit the result" >&2
  exit 1
fi
if ! diff -ru docs "$work/tree/docs" >"$work/docs.diff" 2>&1; then
  sed -e "s|$work/tree/docs|docs-as-generated|g" "$work/docs.diff" | head -n 200 >&2
  echo >&2
  echo "docs/ is stale: it differs from what the schema, templates/ and examples/ generate." >&2
  echo "Run 'make generate' and commit docs/." >&2
  exit 1
fi

log "validating docs/ (tfplugindocs validate)"
validate "$root"
log "docs/ is up to date and valid"
