#!/usr/bin/env bash
# Installs every tool the build, tests and demo need into ./.tools (gitignored).
# Only the Go module proxy is used: OpenTofu is built from its module source,
# Terraform 1.8.5 is the newest release `go install` can build (later go.mod
# files carry replace directives), and Terraform 1.16.4 (`terraform query`,
# list resources, actions) is built from its module source after a small patch,
# as `terraform-latest`. Reruns are instant: each tool is skipped when
# the pinned version is already there. goreleaser stays at v2.16.0: v2.17.0
# needs a module (go-msix, via nfpm v2.47) that the Go module proxy refuses.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${TOOLS_DIR:-$root/.tools}"
bin="$tools/bin"
mkdir -p "$bin"

TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
TERRAFORM_VERSION="${TERRAFORM_VERSION:-v1.8.5}"
TERRAFORM_LATEST_VERSION="${TERRAFORM_LATEST_VERSION:-v1.16.4}"
TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-v0.25.0}"
GOLANGCI_LINT_VERSION="${GOLANGCI_LINT_VERSION:-v2.15.0}"
GORELEASER_VERSION="${GORELEASER_VERSION:-v2.16.0}"
GOTESTSUM_VERSION="${GOTESTSUM_VERSION:-v1.13.0}"

export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

log() { printf '==> %s\n' "$*" >&2; }

# stamp NAME VERSION: true when bin/NAME was built for VERSION.
have() { [ -x "$bin/$1" ] && [ "$(cat "$bin/.$1.version" 2>/dev/null)" = "$2" ]; }
mark() { echo "$2" >"$bin/.$1.version"; }

install_tofu() {
  have tofu "$TOFU_VERSION" && return 0
  log "building OpenTofu $TOFU_VERSION from its Go module (a few minutes, once)"
  local dir src
  dir="$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { echo "could not download github.com/opentofu/opentofu@$TOFU_VERSION" >&2; return 1; }
  src="$tools/src/opentofu-$TOFU_VERSION"
  rm -rf "$src"; mkdir -p "$tools/src"
  cp -r "$dir" "$src"; chmod -R u+w "$src"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin/tofu" ./cmd/tofu)
  rm -rf "$src"
  mark tofu "$TOFU_VERSION"
}

# drop_line FILE TEXT: deletes the one line of FILE containing TEXT (a fixed
# string); fails when TEXT matches no line or several, so a new upstream layout
# stops the build instead of silently building something else.
drop_line() {
  local n
  n="$(grep -cF -- "$2" "$1" || true)"
  if [ "$n" != 1 ]; then
    echo "patch: expected exactly one line containing '$2' in $1, found $n" >&2
    exit 1
  fi
  grep -vF -- "$2" "$1" >"$1.tmp"
  mv "$1.tmp" "$1"
}

# Terraform's module zip on the proxy leaves out its nested modules (the
# remote-state backends below and internal/legacy), which go.mod pulls in
# through `replace => ./...` directives, so neither `go install` nor a plain
# build works. Only internal/backend/init imports those backends; dropping
# them keeps local state, the http and inmem backends and every CLI command.
# The binary reports itself as "<version>-dev".
install_terraform_latest() {
  have terraform-latest "$TERRAFORM_LATEST_VERSION" && return 0
  log "building Terraform $TERRAFORM_LATEST_VERSION from its Go module (several minutes, once)"
  local dir src b alias mod="github.com/hashicorp/terraform"
  dir="$(go mod download -json "$mod@$TERRAFORM_LATEST_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { echo "could not download $mod@$TERRAFORM_LATEST_VERSION" >&2; return 1; }
  src="$tools/src/terraform-$TERRAFORM_LATEST_VERSION"
  rm -rf "$src"; mkdir -p "$tools/src"
  cp -r "$dir" "$src"; chmod -R u+w "$src"
  # backend package : import alias in internal/backend/init/init.go
  for b in azure:backendAzure consul:backendConsul cos:backendCos gcs:backendGCS \
    kubernetes:backendKubernetes oci:backendOCI oss:backendOSS pg:backendPg s3:backendS3; do
    alias="${b#*:}"; b="${b%%:*}"
    drop_line "$src/internal/backend/init/init.go" "\"$mod/internal/backend/remote-state/$b\""
    drop_line "$src/internal/backend/init/init.go" "return $alias.New()"
    drop_line "$src/go.mod" "	$mod/internal/backend/remote-state/$b v"
    drop_line "$src/go.mod" "replace $mod/internal/backend/remote-state/$b =>"
  done
  drop_line "$src/go.mod" "	$mod/internal/legacy v"
  drop_line "$src/go.mod" "replace $mod/internal/legacy =>"
  (cd "$src" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" \
    go build -trimpath -ldflags "-s -w" -o "$bin/terraform-latest" .)
  rm -rf "$src"
  mark terraform-latest "$TERRAFORM_LATEST_VERSION"
}

install_go_tool() { # name version package
  have "$1" "$2" && return 0
  log "installing $1 $2"
  GOBIN="$bin" CGO_ENABLED=0 go install "$3@$2"
  mark "$1" "$2"
}

want="${*:-tofu terraform terraform-latest tfplugindocs golangci-lint gotestsum}"
for t in $want; do
  case "$t" in
    tofu) install_tofu ;;
    terraform) install_go_tool terraform "$TERRAFORM_VERSION" github.com/hashicorp/terraform ;;
    terraform-latest) install_terraform_latest ;;
    tfplugindocs) install_go_tool tfplugindocs "$TFPLUGINDOCS_VERSION" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs ;;
    golangci-lint) install_go_tool golangci-lint "$GOLANGCI_LINT_VERSION" github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
    gotestsum) install_go_tool gotestsum "$GOTESTSUM_VERSION" gotest.tools/gotestsum ;;
    goreleaser) install_go_tool goreleaser "$GORELEASER_VERSION" github.com/goreleaser/goreleaser/v2 ;;
    *) echo "unknown tool: $t" >&2; exit 2 ;;
  esac
done
