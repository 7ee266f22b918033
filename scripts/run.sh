#!/usr/bin/env bash
# run.sh — `make run`: Kiln on the embedded default. Starts (or reuses) Kiln's private Pulp with
# scripts/pulp-local.sh (installed on first use, loopback only, its own PULP_ROOT and ports), points
# Kiln at it (KILN_PULP_URL/USER/PASSWORD), prints what a build node needs, then runs
# `kiln serve` in the foreground with the embedded PostgreSQL. SIGINT/SIGTERM stop Kiln (and its
# PostgreSQL); Pulp keeps running for the next `make run` until `make stop` (scripts/stop.sh).
#
# Environment (the Makefile passes its variables): KILN_HOME, PULP_ROOT, PG_PORT, API_PORT,
# CONTENT_PORT, SERVE_HOST, SERVE_PORT, KILN (the binary). KILN_PULP_URL set by the caller: that
# Pulp is used and none is started.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${KILN_HOME:=$PWD/.kiln}" "${KILN:=./.build/debug/kiln}" "${SERVE_HOST:=127.0.0.1}" "${SERVE_PORT:=8080}"
: "${PULP_ROOT:=$KILN_HOME/pulp}" "${PG_PORT:=55442}" "${API_PORT:=24827}" "${CONTENT_PORT:=24826}"
export KILN_HOME PULP_ROOT PG_PORT API_PORT CONTENT_PORT
log() { printf '[run] %s\n' "$*" >&2; }
pulp() { bash scripts/pulp-local.sh "$@"; }

if [ -z "${KILN_PULP_URL:-}" ]; then
  # One admin password per PULP_ROOT, made with its setup (mode 0600, next to Pulp's settings).
  pw_file=$PULP_ROOT/etc/admin-password
  if [ -f "$pw_file" ]; then export PULP_ADMIN_PASSWORD=$(cat "$pw_file"); fi
  if pulp running 2>/dev/null; then
    log "reusing the Pulp already answering on 127.0.0.1:$API_PORT"
  else
    pulp install
    if [ ! -f "$pw_file" ] || [ ! -f "$PULP_ROOT/etc/settings.py" ]; then
      export PULP_ADMIN_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
      pulp setup
      (umask 077; printf '%s\n' "$PULP_ADMIN_PASSWORD" > "$pw_file")
    fi
    pulp start
  fi
  eval "$(pulp env)"
  export KILN_PULP_URL=$PULP_API_URL KILN_PULP_USER=$PULP_USERNAME KILN_PULP_PASSWORD=$PULP_PASSWORD
fi

token=$("$KILN" token create --node build-node-1)
cat >&2 <<INFO

  Kiln        http://$SERVE_HOST:$SERVE_PORT/api/v1/
  Pulp        $KILN_PULP_URL   user $KILN_PULP_USER   password $KILN_PULP_PASSWORD
  A build node (albs-node ~/.config/castor/build_node.yml, see README "Build nodes"):
    master_url:    http://$SERVE_HOST:$SERVE_PORT/api/v1/
    jwt_token:     $token
    pulp_host:     $KILN_PULP_URL
    pulp_user:     $KILN_PULP_USER
    pulp_password: $KILN_PULP_PASSWORD
  More tokens: KILN_HOME=$KILN_HOME $KILN token create --node NAME
  Stop Kiln: Ctrl-C (Pulp keeps running); stop everything: make stop

INFO

"$KILN" serve --host "$SERVE_HOST" --port "$SERVE_PORT" --repo . --path examples &
kiln=$!
mkdir -p "$KILN_HOME"; echo "$kiln" > "$KILN_HOME/kiln.pid"
stop_kiln() { kill -TERM "$kiln" 2>/dev/null || true; }
trap stop_kiln INT TERM HUP
rc=0
while kill -0 "$kiln" 2>/dev/null; do wait "$kiln" || rc=$?; done
rm -f "$KILN_HOME/kiln.pid"
exit "$rc"
