#!/usr/bin/env bash
# make demo: the quick start, end to end, on any machine with Go.
#
# Builds OpenTofu (once, into .tools/bin), the provider and the GitLab
# simulator; starts the simulator; creates a group and two projects through
# GitLab's REST API; runs `tofu apply` on a copy of examples/quickstart;
# lets two "machines" authenticate with the runner token and run jobs;
# rotates the token with a second apply; shows what the data sources see;
# then destroys everything and stops the simulator.
#
# Environment: DEMO_KEEP=1 keeps the work directory (state, logs) for a look.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

start_time=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/gitlabci-demo.XXXXXX")"
sim_pid=""

# ------------------------------------------------------------------ presentation
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  bold=$'\e[1m' dim=$'\e[2m' green=$'\e[32m' cyan=$'\e[36m' red=$'\e[31m' reset=$'\e[0m'
else
  bold="" dim="" green="" cyan="" red="" reset=""
fi
step_no=0
step() { # title, then one-line explanations
  step_no=$((step_no + 1))
  printf '\n%s━━ %d. %s%s\n' "$bold$cyan" "$step_no" "$1" "$reset"
  shift
  local line
  for line in "$@"; do printf '%s%s%s\n' "$dim" "$line" "$reset"; done
}
say() { printf '   %s\n' "$*"; }
ok() { printf '   %s✓%s %s\n' "$green" "$reset" "$*"; }
show_cmd() { printf '   %s$ %s%s\n' "$bold" "$*" "$reset"; }
# mask TOKEN: enough to recognise a token (its type prefix), never enough to use it.
mask() {
  local t="$1"
  if [ ${#t} -le 12 ]; then printf '%s' "${t:0:4}…"; else printf '%s' "${t:0:12}…(${#t} chars)"; fi
}
indent() { sed 's/^/   │ /'; }
# list OUTPUT: a list-of-strings output, one item per line.
list() {
  local out
  out="$(tfout "$1")"
  if [ "$out" = "[]" ]; then
    printf '   │ (none)\n'
    return
  fi
  printf '%s\n' "$out" | sed -e '/^\[$/d' -e '/^\]$/d' -e 's/^  "//' -e 's/",$//' -e 's/\\"/"/g' | indent
}
# tfout ARGS: tofu output in the quick-start directory.
tfout() { (cd "$work/quickstart" && "$tofu" output -no-color "$@" 2>>"$work/tofu-stderr.log"); }

# tf ARGS: tofu in the quick-start directory, stderr merged (callers keep a log
# and show the lines that tell the story, or all of it on failure).
tf() { (cd "$work/quickstart" && "$tofu" "$@" -no-color 2>&1); }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  if [ "${DEMO_KEEP:-}" = 1 ]; then
    printf '\nwork directory kept: %s\n' "$work"
  else
    rm -rf "$work"
  fi
  if [ "$rc" -ne 0 ]; then
    printf '\n%sdemo failed (exit %d)%s\n' "$red" "$rc" "$reset" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%sterraform-provider-gitlabci: quick start%s\n' "$bold" "$reset"
printf 'OpenTofu manages GitLab CI runners with the gitlabci provider, against a local GitLab simulator.\n'

# An explicit CLI config: a user's ~/.terraformrc (or a dangling
# TF_CLI_CONFIG_FILE) must not change what the demo does.
cat >"$work/tofurc" <<EOF
provider_installation {
  dev_overrides {
    "registry.opentofu.org/gitlabci-provider/gitlabci" = "$work/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/tofurc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR

# ---------------------------------------------------------------------- tools
step "Tools" "OpenTofu is built from its Go module into .tools/bin the first time (a few minutes, once)."
bash scripts/install-tools.sh tofu
tofu="$root/.tools/bin/tofu"
ok "$("$tofu" version 2>/dev/null | head -n 1)"

step "Build" "The provider under test, the GitLab simulator, and a tiny HTTP client for the REST calls."
mkdir -p "$work/plugins" "$work/bin"
go build -o "$work/plugins/terraform-provider-gitlabci" .
ok "provider  → terraform-provider-gitlabci"
go build -o "$work/bin/gitlabsim" ./internal/gitlabsim/cmd/gitlabsim
ok "simulator → gitlabsim"
# A minimal curl (a fresh machine may not have one), scripts/apicall.
go build -o "$work/bin/apicall" ./scripts/apicall
ok "client    → apicall (scripts/apicall)"
apicall="$work/bin/apicall"

# ------------------------------------------------------------------ simulator
step "Start GitLab" "The simulator answers GitLab 18.x's REST API (/api/v4) like a real instance: same status codes," \
  "errors, pagination, token formats. It starts empty, with one administrator, root."
"$work/bin/gitlabsim" -listen 127.0.0.1:0 -quiet >"$work/sim.out" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q '^GITLAB_TOKEN=' "$work/sim.out" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; echo "the simulator exited" >&2; exit 1; }
  sleep 0.1
done
GITLAB_BASE_URL="$(sed -n 's/^GITLAB_BASE_URL=//p' "$work/sim.out")"
GITLAB_TOKEN="$(sed -n 's/^GITLAB_TOKEN=//p' "$work/sim.out")"
[ -n "$GITLAB_BASE_URL" ] && [ -n "$GITLAB_TOKEN" ] || { cat "$work/sim.out" "$work/sim.log" >&2; exit 1; }
export GITLAB_BASE_URL GITLAB_TOKEN
api="$GITLAB_BASE_URL/api/v4"
ok "GitLab at $GITLAB_BASE_URL (pid $sim_pid)"
ok "GITLAB_TOKEN=$(mask "$GITLAB_TOKEN") (root's personal access token, scope api)"

step "Groups and projects" "Runners belong to groups and projects, which the provider does not manage: create them" \
  "with GitLab's API, as they would already exist on your instance."
group_id="$("$apicall" -token "$GITLAB_TOKEN" -field id POST "$api/groups" '{"name":"Platform","path":"platform"}')"
ok "group   platform      id $group_id   (POST /api/v4/groups)"
api_project_id="$("$apicall" -token "$GITLAB_TOKEN" -field id POST "$api/projects" \
  "{\"name\":\"api\",\"path\":\"api\",\"namespace_id\":$group_id}")"
ok "project platform/api  id $api_project_id   (POST /api/v4/projects)"
web_project_id="$("$apicall" -token "$GITLAB_TOKEN" -field id POST "$api/projects" \
  "{\"name\":\"web\",\"path\":\"web\",\"namespace_id\":$group_id}")"
ok "project platform/web  id $web_project_id"

# ------------------------------------------------------------------ first apply
mkdir -p "$work/quickstart"
cp examples/quickstart/*.tf "$work/quickstart/"
cat >"$work/quickstart/terraform.tfvars" <<EOF
group_id       = $group_id
project_id     = $api_project_id
second_project = "platform/web"
EOF

step "tofu apply" "examples/quickstart: a project runner for platform/api shared with platform/web, a group runner" \
  "for the whole group, and a fresh token for the project runner. (dev_overrides point OpenTofu at the local" \
  "build, so there is no tofu init and no registry download.)"
show_cmd "tofu apply -auto-approve    # in a copy of examples/quickstart"
tf apply -auto-approve -compact-warnings >"$work/apply1.log" || { indent <"$work/apply1.log"; exit 1; }
grep -E '(: Creation complete|: Reading complete|^Apply complete)' "$work/apply1.log" | indent

token1="$(tfout -raw api_runner_token)"
group_token="$(tfout -raw group_runner_token)"
api_runner_id="$(tfout -json api_runner | sed -n 's/.*"id":"\{0,1\}\([0-9]*\)"\{0,1\}.*/\1/p')"
printf '\n'
say "What was created (tofu output):"
tfout api_runner | indent
tfout group_runner | indent
say "Authentication tokens (sensitive outputs; masked here):"
say "  api runner   $(mask "$token1")"
say "  group runner $(mask "$group_token")"
say "Machines that used the api runner's token so far (gitlabci_runner_managers):"
list api_runner_managers

# ------------------------------------------------------------- machines connect
step "Machines connect" "Two machines start gitlab-runner with the api runner's token. Each one verifies the token" \
  "(POST /api/v4/runners/verify, as gitlab-runner does at start-up) and becomes a runner manager."
for machine in "s_9f2c41d07a1b linux amd64" "s_3be8a7c4e210 linux arm64"; do
  set -- $machine
  "$apicall" POST "$api/runners/verify" \
    "{\"token\":\"$token1\",\"system_id\":\"$1\",\"info\":{\"name\":\"build-$1\",\"version\":\"18.5.0\",\"revision\":\"bda2d0ad\",\"platform\":\"$2\",\"architecture\":\"$3\"}}" \
    >/dev/null
  ok "$1 ($2/$3) verified the token"
done
say "They pick up jobs (only real pipelines create jobs, so the simulator's admin API records them):"
seed_job() { # project-id project-path status stage name ref system_id
  "$apicall" -field id POST "$GITLAB_BASE_URL/-/sim/runners/$api_runner_id/jobs" \
    "{\"project_id\":$1,\"status\":\"$3\",\"stage\":\"$4\",\"name\":\"$5\",\"ref\":\"$6\",\"system_id\":\"$7\"}" >/dev/null
  ok "$2 $6: $4/$5 on $7 → $3"
}
seed_job "$api_project_id" platform/api success build docker-build main s_9f2c41d07a1b
seed_job "$api_project_id" platform/api success test unit-tests main s_9f2c41d07a1b
seed_job "$web_project_id" platform/web failed test e2e feature/login s_3be8a7c4e210
seed_job "$web_project_id" platform/web running build bundle main s_3be8a7c4e210

# ------------------------------------------------------------------- rotation
step "Rotate the token" "Bump var.rotation: gitlabci_runner_token_reset is replaced, which calls" \
  "POST /runners/:id/reset_authentication_token. The data sources are read again and now see the machines and jobs."
show_cmd "tofu apply -auto-approve -var rotation=2"
tf apply -auto-approve -compact-warnings -var rotation=2 >"$work/apply2.log" || { indent <"$work/apply2.log"; exit 1; }
grep -E '(: Destruction complete|: Creation complete|^Apply complete)' "$work/apply2.log" | indent
token2="$(tfout -raw api_runner_token)"
printf '\n'
say "api runner token before: $(mask "$token1")"
say "api runner token now:    $(mask "$token2")"
[ "$token1" != "$token2" ] || { echo "the token did not change" >&2; exit 1; }
old_status="$("$apicall" -field status -expect 403 POST "$api/runners/verify" \
  "{\"token\":\"$token1\",\"system_id\":\"s_9f2c41d07a1b\"}")"
ok "the old token is refused now (POST /runners/verify → $old_status): the machines need the new one"
new_status="$("$apicall" -field status -expect 200 POST "$api/runners/verify" \
  "{\"token\":\"$token2\",\"system_id\":\"s_9f2c41d07a1b\"}")"
ok "the new token works (POST /runners/verify → $new_status)"

step "What GitLab knows" "The data sources: every runner tagged quickstart (gitlabci_runners), the api runner's" \
  "managers (gitlabci_runner_managers) and recent jobs (gitlabci_runner_jobs)."
say "Runners tagged quickstart (gitlabci_runners):"
list quickstart_runners
say "Machines using the api runner (gitlabci_runner_managers):"
list api_runner_managers
say "Its latest jobs (gitlabci_runner_jobs):"
list api_runner_recent_jobs

step "Nothing drifts" "A plan right after apply is empty: no perpetual diffs."
show_cmd "tofu plan -detailed-exitcode -var rotation=2"
set +e
tf plan -detailed-exitcode -compact-warnings -var rotation=2 >"$work/plan.log"
plan_rc=$?
set -e
case "$plan_rc" in
  0) grep -E '^No changes' "$work/plan.log" | indent ;;
  *)
    indent <"$work/plan.log"
    echo "expected an empty plan (exit code 0), got $plan_rc" >&2
    exit 1
    ;;
esac

# ------------------------------------------------------------------- teardown
step "tofu destroy" "Deletes both runners and the assignment; the token reset is only forgotten (nothing to undo in GitLab)."
show_cmd "tofu destroy -auto-approve -var rotation=2"
tf destroy -auto-approve -compact-warnings -var rotation=2 >"$work/destroy.log" || { indent <"$work/destroy.log"; exit 1; }
grep -E '(: Destruction complete|^Destroy complete)' "$work/destroy.log" | indent
left="$("$apicall" -token "$GITLAB_TOKEN" GET "$api/runners/all")"
[ "$left" = "[]" ] || { echo "runners left in GitLab after destroy: $left" >&2; exit 1; }
ok "GET /api/v4/runners/all → [] : no runner left"

calls="$("$apicall" -field requests GET "$GITLAB_BASE_URL/-/sim/stats")"
step "Done" "Stopping the simulator."
[ -n "$calls" ] && ok "the simulator answered $calls API requests"
ok "finished in $((SECONDS - start_time))s"
