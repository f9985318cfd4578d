#!/usr/bin/env bash
# Runs the acceptance suite in its real-GitLab mode, with the standalone
# simulator in a separate process standing in for the GitLab instance. The
# harness then knows nothing but GITLAB_BASE_URL and GITLAB_TOKEN, exactly as
# against gitlab.com or a self-managed GitLab: tests that need the simulator's
# seeding, clock or faults skip themselves, and every other test proves it
# works through the public API alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-tools.sh tofu

work="$(mktemp -d)"
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/gitlabsim" ./internal/gitlabsim/cmd/gitlabsim
"$work/gitlabsim" -listen 127.0.0.1:0 -quiet >"$work/sim.out" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q '^GITLAB_TOKEN=' "$work/sim.out" 2>/dev/null && break
  sleep 0.1
done
base_url="$(sed -n 's/^GITLAB_BASE_URL=//p' "$work/sim.out")"
token="$(sed -n 's/^GITLAB_TOKEN=//p' "$work/sim.out")"
if [ -z "$base_url" ] || [ -z "$token" ]; then
  echo "the simulator did not start:" >&2
  cat "$work/sim.out" "$work/sim.log" >&2
  exit 1
fi
echo "external GitLab stand-in: $base_url"

TF_ACC=1 GITLAB_BASE_URL="$base_url" GITLAB_TOKEN="$token" \
TF_ACC_TERRAFORM_PATH="$root/.tools/bin/tofu" TF_ACC_PROVIDER_HOST=registry.opentofu.org \
TF_ACC_PROVIDER_NAMESPACE=gitlabci-provider \
  bash scripts/gotest.sh acceptance-external -count=1 -timeout "${ACC_TIMEOUT:-40m}" -parallel "${ACC_PARALLEL:-4}" \
  ${TESTARGS:-} ./internal/provider/...
