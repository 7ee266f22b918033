#!/usr/bin/env bash
# stop.sh — `make stop`: stops what `make run` started: the `kiln serve` it recorded in
# $KILN_HOME/kiln.pid (SIGTERM; its embedded PostgreSQL stops with it) and Kiln's private Pulp
# (scripts/pulp-local.sh stop with the same PULP_ROOT and ports). Never another Pulp: only the
# processes whose PIDs that PULP_ROOT recorded.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${KILN_HOME:=$PWD/.kiln}"
: "${PULP_ROOT:=$KILN_HOME/pulp}" "${PG_PORT:=55442}" "${API_PORT:=24827}" "${CONTENT_PORT:=24826}"
export KILN_HOME PULP_ROOT PG_PORT API_PORT CONTENT_PORT
if [ -f "$KILN_HOME/kiln.pid" ]; then
  pid=$(cat "$KILN_HOME/kiln.pid")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "[stop] kiln ($pid) still alive after 30 s, SIGKILL" >&2; kill -KILL "$pid" || true; fi
    echo "[stop] stopped kiln (pid $pid)" >&2
  fi
  rm -f "$KILN_HOME/kiln.pid"
fi
if [ -f "$PULP_ROOT/etc/settings.py" ]; then bash scripts/pulp-local.sh stop; fi
