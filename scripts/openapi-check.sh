#!/usr/bin/env bash
# Checks Kiln's OpenAPI contract against a running server (issue 8, item 6):
#   1. starts the built debug binary (`kiln serve`, .build/debug/kiln) on the embedded default:
#      a temporary KILN_HOME (private PostgreSQL, local artifact store), examples/ as desired
#      state, a free loopback port;
#   2. mints a token of every scope (node, user, admin) with `kiln token create`;
#   3. validates GET /openapi.json with openapi-spec-validator;
#   4. runs schemathesis against it once per token and once without one, checking: no 5xx,
#      every status documented, every answer valid against its schema (body, content type,
#      headers), auth enforced, and every 4xx/5xx a JSON `{"detail": ...}`
#      (scripts/openapi/kiln_checks.py).
# Stops the kiln it started on exit and fails on any finding. Called by scripts/test.sh after
# the Swift tests; runs by hand too: `bash scripts/openapi-check.sh` (builds kiln when missing).
#
# Knobs (environment): KILN_OPENAPI_VENV (default /tmp/kiln-openapi-venv, reused),
# KILN_OPENAPI_EXAMPLES (test cases per operation and phase, default 50), KILN_OPENAPI_SEED
# (default 3: the same inputs every run; it reaches the NUL-byte 500s of issue 8),
# KILN_OPENAPI_RUN_TIMEOUT (seconds per schemathesis run, default 300), KILN_BIN (the kiln
# binary), KILN_OPENAPI_KEEP (a folder to copy the logs, the JUnit reports and the document into).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv=${KILN_OPENAPI_VENV:-/tmp/kiln-openapi-venv}
examples=${KILN_OPENAPI_EXAMPLES:-50}
seed=${KILN_OPENAPI_SEED:-3}
run_timeout=${KILN_OPENAPI_RUN_TIMEOUT:-300}
kiln=${KILN_BIN:-$root/.build/debug/kiln}
# Pinned: versions known to install and run here (Python 3.11).
requirements=(openapi-spec-validator==0.9.0 schemathesis==4.32.5)
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
checks+=,response_schema_conformance,ignored_auth,error_has_detail

log() { echo "[openapi] $*" >&2; }
started=$(date +%s)

# --- tools ------------------------------------------------------------------------------
# A fresh Debian 12 may lack curl or python3's venv module (ensurepip lives in python3-venv).
need=()
command -v curl >/dev/null || need+=(curl)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3 python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root for apt-get install ${need[*]}"; exit 1; }
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -x "$venv/bin/python" ]; then
  log "creating $venv"
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}"
if [ ! -x "$kiln" ]; then
  log "building kiln"
  swift build --product kiln
fi

# --- kiln serve on the embedded default ---------------------------------------------------
work=$(mktemp -d /tmp/kiln-openapi.XXXXXX)
chmod 755 "$work" # the postgres user keeps the embedded cluster inside the home
home=$work/home
kiln_pid=""
stop_kiln() {
  local status=$?
  if [ -n "$kiln_pid" ] && kill -0 "$kiln_pid" 2>/dev/null; then
    log "stopping kiln (pid $kiln_pid)"
    kill -TERM "$kiln_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$kiln_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$kiln_pid" 2>/dev/null || true
  fi
  # A cluster left behind by a killed kiln.
  for data in "$home"/postgres/data; do
    if [ -f "$data/postmaster.pid" ]; then
      pid=$(head -1 "$data/postmaster.pid")
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  if [ "$status" != 0 ] && [ -f "$work/serve.log" ]; then
    log "kiln serve log (last 40 lines):"
    tail -40 "$work/serve.log" >&2 || true
  fi
  if [ -n "${KILN_OPENAPI_KEEP:-}" ]; then
    mkdir -p "$KILN_OPENAPI_KEEP" && cp "$work"/*.log "$work"/*.xml "$work"/openapi.json "$KILN_OPENAPI_KEEP"/ 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop_kiln EXIT
trap 'exit 130' INT TERM

export KILN_HOME=$home
unset KILN_DATABASE_URL KILN_PULP_URL KILN_JWT_SECRET
export KILN_WEBHOOK_SECRET="openapi-check-$RANDOM-$RANDOM"
"$kiln" serve --host 127.0.0.1 --port 0 --repo "$root" --path examples >"$work/serve.log" 2>&1 &
kiln_pid=$!
base=""
for _ in $(seq 1 600); do
  kill -0 "$kiln_pid" 2>/dev/null || { log "kiln serve exited"; exit 1; }
  base=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1 | sed 's/listening on //' || true)
  if [ -n "$base" ] && curl -fsS "$base/health" >/dev/null 2>&1; then break; fi
  base=""
  sleep 0.2
done
[ -n "$base" ] || { log "kiln serve did not come up in 120 s"; exit 1; }
log "kiln serve at $base (KILN_HOME $home)"

# --- tokens of every scope ---------------------------------------------------------------
token() { "$kiln" token create "$@" 2>>"$work/token.log" | tail -1; }
declare -A tokens
tokens[node]=$(token --node openapi-node)
tokens[user]=$(token --user openapi-user --email openapi-user@example.org)
tokens[admin]=$(token --user openapi-admin --email openapi-admin@example.org --admin)
for scope in node user admin; do
  [ -n "${tokens[$scope]}" ] || { log "no $scope token"; cat "$work/token.log" >&2; exit 1; }
done

# --- the document -----------------------------------------------------------------------
curl -fsS "$base/openapi.json" -o "$work/openapi.json"
if "$venv/bin/openapi-spec-validator" "$work/openapi.json" >"$work/validator.log" 2>&1; then
  validator=ok
else
  validator=FAILED
  cat "$work/validator.log" >&2
fi
log "openapi-spec-validator: $validator"

# --- schemathesis, once per scope and once without a token -------------------------------
# Logout is left out: it would revoke the run's own token half-way (its tests are in Swift).
# The user goes first: the document's examples create a build (AlmaLinux-9 from examples/) that
# the node then claims (`get_task`) and fails (`build_done`), and the admin restarts and reads.
declare -A results
failed=0
[ "$validator" = ok ] || failed=1
for scope in user node admin none; do
  headers=()
  [ "$scope" = none ] || headers=(-H "Authorization: Bearer ${tokens[$scope]}")
  log "schemathesis, token: ${scope} ($examples examples per operation, seed $seed)"
  set +e
  # From $work: schemathesis and hypothesis keep their files in the working directory.
  (cd "$work" && SCHEMATHESIS_HOOKS=kiln_checks PYTHONPATH="$root/scripts/openapi" \
    timeout --signal=INT --kill-after=15 "$run_timeout" \
    "$venv/bin/st" run "$base/openapi.json" "${headers[@]}" \
    --checks "$checks" --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$seed" \
    --exclude-path /api/v1/auth/logout \
    --workers 1 --generation-database none --request-timeout 30 \
    --no-color --report junit --report-junit-path "$work/junit-$scope.xml") \
    >"$work/st-$scope.log" 2>&1
  status=$?
  set -e
  summary=$(grep -A1 '^Test cases:' "$work/st-$scope.log" | tail -1 | sed 's/^ *//' || true)
  if [ "$status" = 0 ]; then
    results[$scope]="ok $summary"
  else
    results[$scope]="FAILED (exit $status) $summary"
    failed=1
    # The findings: the part of the report after the first "FAILURES" heading.
    sed -n '/FAILURES\|ERRORS/,$p' "$work/st-$scope.log" >&2 || true
    [ -n "$(sed -n '/FAILURES\|ERRORS/,$p' "$work/st-$scope.log")" ] || tail -60 "$work/st-$scope.log" >&2
  fi
done

alive=ok
curl -fsS "$base/health" >/dev/null 2>&1 || { alive="DOWN"; failed=1; }

echo "== OpenAPI contract check ($(($(date +%s) - started)) s) =="
echo "document:               $(wc -c <"$work/openapi.json") bytes, openapi-spec-validator $validator"
for scope in user node admin none; do printf 'schemathesis %-9s %s\n' "$scope:" "${results[$scope]}"; done
echo "kiln after the run:     $alive"
exit "$failed"
