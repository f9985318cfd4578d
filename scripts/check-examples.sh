#!/usr/bin/env bash
# Checks every example the docs and the demo are built from (make examples-check):
#
#   1. `tofu fmt -check -recursive examples`, and the same formatting check for the
#      HCL code blocks embedded in templates/ (guides, index);
#   2. `tofu validate` of every example directory (examples/provider,
#      examples/resources/*, examples/data-sources/*, examples/quickstart,
#      examples/guides/*) against the locally built provider through
#      dev_overrides, so an example that names a missing attribute fails here;
#   3. every import.sh is a shell script that imports into the resource type of
#      its directory, with an ID, and passes `bash -n`;
#   4. every resource and data source the provider registers has its example
#      (resource.tf / data-source.tf), every importable resource (one with an
#      identity schema) an import example, and every example directory names
#      a type the provider registers.
#
# Nothing touches the network: the only provider is the local build, and
# directories without a required_providers block get one injected in a copy.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

provider_name=gitlabci
provider_source=gitlabci-provider/gitlabci

bash scripts/install-tools.sh tofu
tofu="$root/.tools/bin/tofu"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}
log() { printf '==> %s\n' "$*" >&2; }

# An explicit, empty CLI config unless dev_overrides are wanted: a user's
# ~/.terraformrc (or a dangling TF_CLI_CONFIG_FILE) must not change the result.
: >"$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR

# ---------------------------------------------------------------- 1. formatting
log "tofu fmt -check -recursive examples"
if ! out="$("$tofu" fmt -check -recursive -diff examples 2>&1)"; then
  printf '%s\n' "$out" >&2
  fail "examples/ is not tofu fmt clean: run '.tools/bin/tofu fmt -recursive examples'"
fi

log "tofu fmt -check on the HCL blocks in templates/"
# Fenced ```terraform / ```hcl blocks in the guides are examples too.
mkdir -p "$work/blocks"
: >"$work/blocks/index"
while IFS= read -r -d '' tmpl; do
  awk -v dir="$work/blocks" -v tmpl="$tmpl" '
    BEGIN { while ((getline line < (dir "/index")) > 0) total++ }
    /^```(terraform|hcl|tf)[[:space:]]*$/ {
      n++; total++; inblock = 1
      file = sprintf("%s/%04d.tf", dir, total); printf "" > file
      printf "%04d %s, HCL block %d\n", total, tmpl, n >> (dir "/index")
      next
    }
    /^```/ && inblock { inblock = 0; close(file); next }
    inblock { print > file }
  ' "$tmpl"
done < <(find templates -name '*.tmpl' -print0 2>/dev/null | sort -z)
block_count=0
while read -r num where; do
  block_count=$((block_count + 1))
  if ! "$tofu" fmt -check -diff "$work/blocks/$num.tf" >"$work/fmt.out" 2>&1; then
    sed "s|[^ ]*blocks/$num.tf|$where|g" "$work/fmt.out" >&2
    fail "$where is not tofu fmt clean"
  fi
done <"$work/blocks/index"
log "$block_count HCL blocks in templates/ checked"

# ------------------------------------------------- 2. validate with the local build
log "building the provider"
mkdir -p "$work/plugins"
go build -o "$work/plugins/terraform-provider-$provider_name" .
cat >"$work/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.opentofu.org/$provider_source" = "$work/plugins"
  }
  direct {}
}
EOF

# Types the provider registers, from its schema.
mkdir -p "$work/schema-module"
printf 'terraform {\n  required_providers {\n    %s = {\n      source = "%s"\n    }\n  }\n}\n' \
  "$provider_name" "$provider_source" >"$work/schema-module/main.tf"
(cd "$work/schema-module" && TF_CLI_CONFIG_FILE="$work/dev.tfrc" "$tofu" providers schema -json) \
  >"$work/schema.json" 2>"$work/schema.err" || {
  cat "$work/schema.err" >&2
  echo "tofu providers schema -json failed" >&2
  exit 1
}
# The names of resource_schemas / data_source_schemas in the schema JSON.
schema_types() { # resource_schemas|data_source_schemas
  # Run outside the module: types.go is a standalone, stdlib-only program.
  (cd "$work" && GOFLAGS= go run types.go schema.json "$1")
}
cat >"$work/types.go" <<'EOF'
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var doc struct {
		ProviderSchemas map[string]map[string]json.RawMessage `json:"provider_schemas"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(err)
	}
	var names []string
	for _, p := range doc.ProviderSchemas {
		var m map[string]json.RawMessage
		if b, ok := p[os.Args[2]]; ok {
			_ = json.Unmarshal(b, &m)
		}
		for k := range m {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Println(n)
	}
}
EOF
resources="$(schema_types resource_schemas)"
data_sources="$(schema_types data_source_schemas)"
identities="$(schema_types resource_identity_schemas)"
log "provider registers $(echo "$resources" | grep -c . || true) resources and $(echo "$data_sources" | grep -c . || true) data sources"

dirs=()
for d in examples/provider examples/quickstart examples/resources/* examples/data-sources/* examples/guides/*; do
  [ -d "$d" ] && dirs+=("$d")
done

# validate_dir DIR: copy DIR (only its .tf files: no state, no .terraform),
# add required_providers when missing, init against the dev override, validate.
validate_dir() {
  local src="$1" dst
  dst="$work/validate/$(echo "$src" | tr '/' '_')"
  mkdir -p "$dst"
  find "$src" -maxdepth 1 -type f \( -name '*.tf' -o -name '*.tfvars' -o -name '*.tftpl' -o -name '*.tpl' \) \
    -exec cp {} "$dst/" \;
  if ! grep -qs 'required_providers' "$dst"/*.tf; then
    printf 'terraform {\n  required_providers {\n    %s = {\n      source = "%s"\n    }\n  }\n}\n' \
      "$provider_name" "$provider_source" >"$dst/zz_required_providers_check.tf"
  fi
  # Any provider other than ours would need the network: refuse it clearly.
  local others
  others="$(grep -ho 'source *= *"[^"]*"' "$dst"/*.tf | sed 's/.*"\(.*\)"/\1/' | grep -v "^$provider_source\$" | sort -u || true)"
  others="$others$(grep -hoE '^[[:space:]]*(resource|data|ephemeral)[[:space:]]+"[a-z0-9_]+"' "$dst"/*.tf |
    sed -E 's/.*"([a-z0-9_]+)"/\1/' | grep -vE "^(${provider_name}_|terraform_data$)" | sort -u || true)"
  if [ -n "$others" ]; then
    fail "$src uses providers or types other than $provider_source's ($(echo $others)): examples must validate offline"
    return
  fi
  # No tofu init: with dev_overrides validate loads the provider straight
  # from the override directory, while init would still ask the registry.
  if ! (cd "$dst" && TF_CLI_CONFIG_FILE="$work/dev.tfrc" "$tofu" validate -no-color) >"$work/validate.out" 2>&1; then
    # Drop the dev_overrides warning tofu prints on every run; keep the errors.
    awk '/Warning: Provider development overrides are in effect/ { skip = 1 }
      skip && /^releases\.$/ { skip = 0; next }
      !skip' "$work/validate.out" | sed "s|$dst|$src|g" >&2
    fail "$src: tofu validate failed"
    return
  fi
  printf '    ok  %s\n' "$src" >&2
}

log "tofu validate of ${#dirs[@]} example directories against the local build"
for d in "${dirs[@]}"; do
  validate_dir "$d"
done

# ------------------------------------------------------------- 3. import.sh files
log "checking import.sh scripts"
while IFS= read -r -d '' f; do
  type="$(basename "$(dirname "$f")")"
  if ! bash -n "$f" 2>"$work/bashn.out"; then
    cat "$work/bashn.out" >&2
    fail "$f: not valid shell"
    continue
  fi
  # Lines like: terraform import gitlabci_runner.example 123
  cmds="$(grep -E '^[[:space:]]*(terraform|tofu)[[:space:]]+import[[:space:]]' "$f" || true)"
  if [ -z "$cmds" ]; then
    fail "$f: no 'terraform import $type.<name> <id>' command"
    continue
  fi
  while IFS= read -r line; do
    # shellcheck disable=SC2086
    set -- $line
    addr="${3:-}" id="${4:-}"
    case "$addr" in
      "$type".* | module.*."$type".*) ;;
      *) fail "$f: imports into '$addr', expected $type.<name>" ;;
    esac
    [ -n "$id" ] || fail "$f: '$line' has no import ID"
  done <<<"$cmds"
done < <(find examples -name 'import.sh' -print0)

# An import block in an example must target the resource type of its directory.
while IFS= read -r -d '' f; do
  type="$(basename "$(dirname "$f")")"
  grep -Eo 'to[[:space:]]*=[[:space:]]*[A-Za-z0-9_.]+' "$f" | sed 's/.*=[[:space:]]*//' | while read -r addr; do
    case "$addr" in
      "$type".*) ;;
      *) echo "$f: import block targets '$addr', expected $type.<name>" ;;
    esac
  done >>"$work/importblocks.out"
done < <(find examples/resources -name 'import*.tf' -print0 2>/dev/null)
if [ -s "$work/importblocks.out" ]; then
  while IFS= read -r line; do fail "$line"; done <"$work/importblocks.out"
fi

# ------------------------------------------------------------------- 4. coverage
log "checking that every registered type has an example and vice versa"
for r in $resources; do
  [ -f "examples/resources/$r/resource.tf" ] || fail "resource $r has no examples/resources/$r/resource.tf"
  if [ ! -f "examples/resources/$r/import.sh" ] && ! ls "examples/resources/$r"/import*.tf >/dev/null 2>&1; then
    # A resource with an identity schema is importable; others (token
    # resets) cannot be imported, so they need no import example.
    if grep -qx "$r" <<<"$identities"; then
      fail "resource $r is importable but has no examples/resources/$r/import.sh (or import-by-string-id.tf)"
    fi
  fi
done
for ds in $data_sources; do
  [ -f "examples/data-sources/$ds/data-source.tf" ] || fail "data source $ds has no examples/data-sources/$ds/data-source.tf"
done
for d in examples/resources/*; do
  [ -d "$d" ] || continue
  grep -qx "$(basename "$d")" <<<"$resources" || fail "$d: the provider registers no resource named $(basename "$d")"
done
for d in examples/data-sources/*; do
  [ -d "$d" ] || continue
  grep -qx "$(basename "$d")" <<<"$data_sources" || fail "$d: the provider registers no data source named $(basename "$d")"
done

if [ "$failures" -gt 0 ]; then
  echo "examples-check: $failures problem(s)" >&2
  exit 1
fi
log "examples-check: all examples are formatted and valid"
