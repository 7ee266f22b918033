#!/usr/bin/env bash
# chaos.sh — Kiln's chaos suite (`make chaos`; not part of `make test`). Loopback only.
#
# Part 1, dispatch under chaos: a throwaway PostgreSQL cluster, a private Pulp (its own
# PULP_ROOT and ports; the shared test Pulp is never touched), three `kiln serve` on that one
# database, and `kiln bench chaos` running 64 simulated build nodes (the real node's protocol)
# over 10,000 tasks, while this script SIGKILLs one server every few seconds and restarts it,
# restarts PostgreSQL once (immediate mode: a crash) and stops Pulp for 60 s. `kiln bench chaos`
# then compares the nodes' log with the database and prints tasks lost, claimed twice,
# finished twice, results dropped, stuck past the node timeout and 5xx seen (target 0 each).
#
# Part 2, apply under chaos: `kiln apply` of a desired state that changes rows and Pulp objects,
# SIGKILLed at a random point 50 times (alternating between two commits), then one clean apply.
# Checks: that apply succeeds, the plan after it is empty, its tables equal those of a fresh
# database given the same commit once, every Pulp repository/remote/distribution carries
# Kiln's label, no reconcile run is left `running`.
#
# Usage: bash scripts/chaos.sh            (full: ~15 min; at most ~20 when dispatch stalls)
#        CHAOS_QUICK=1 bash scripts/chaos.sh   (1,000 tasks, 16 nodes, 10 apply kills, 20 s Pulp stop)
#        CHAOS_PARTS=dispatch (or apply) bash scripts/chaos.sh   (one part only)
# Settings (environment): KILN (binary, default .build/debug/kiln), CHAOS_ROOT, CHAOS_TASKS,
# CHAOS_NODES, CHAOS_DEADLINE, CHAOS_PARTS, CHAOS_KILL_EVERY, CHAOS_APPLY_KILLS, CHAOS_PULP_DOWN,
# CHAOS_NODE_TIMEOUT, CHAOS_ARTIFACT_EVERY, PULP_ROOT/PG_PORT/API_PORT/CONTENT_PORT (private Pulp).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KILN=${KILN:-$ROOT/.build/debug/kiln}
CHAOS_ROOT=${CHAOS_ROOT:-/tmp/kiln-chaos}
QUICK=${CHAOS_QUICK:-0}
if [ "$QUICK" = 1 ]; then
  TASKS=${CHAOS_TASKS:-1000}; NODES=${CHAOS_NODES:-16}; APPLY_KILLS=${CHAOS_APPLY_KILLS:-10}
  PULP_DOWN=${CHAOS_PULP_DOWN:-20}; PG_RESTART_AT=${CHAOS_PG_RESTART_AT:-10}; PULP_STOP_AT=${CHAOS_PULP_STOP_AT:-20}
else
  TASKS=${CHAOS_TASKS:-10000}; NODES=${CHAOS_NODES:-64}; APPLY_KILLS=${CHAOS_APPLY_KILLS:-50}
  PULP_DOWN=${CHAOS_PULP_DOWN:-60}; PG_RESTART_AT=${CHAOS_PG_RESTART_AT:-45}; PULP_STOP_AT=${CHAOS_PULP_STOP_AT:-90}
fi
PARTS=${CHAOS_PARTS:-all}                 # all | dispatch | apply
DEADLINE=${CHAOS_DEADLINE:-720}           # the dispatch part gives up after this many seconds
KILL_EVERY=${CHAOS_KILL_EVERY:-4}         # seconds between server kills
NODE_TIMEOUT=${CHAOS_NODE_TIMEOUT:-20}    # KILN_NODE_TIMEOUT of the servers
# every Nth task reports a log to import into Pulp: 40 imports in the full run (the private Pulp's
# one worker on this 2-core machine cannot keep up with 200 under the kills; docs/RELIABILITY.md)
if [ "$QUICK" = 1 ]; then ARTIFACT_EVERY=${CHAOS_ARTIFACT_EVERY:-50}; else ARTIFACT_EVERY=${CHAOS_ARTIFACT_EVERY:-250}; fi
SERVER_PORTS=(18181 18182 18183)
DB_PORT=${CHAOS_PG_PORT:-56432}
export PULP_ROOT=${PULP_ROOT:-/tmp/pulp-chaos} PG_PORT=${PG_PORT:-55532}
export API_PORT=${API_PORT:-24917} CONTENT_PORT=${CONTENT_PORT:-24916}
[ "$PULP_ROOT" != /tmp/pulp-local ] && [ "$API_PORT" != 24817 ] || { echo "chaos: refusing the shared Pulp" >&2; exit 2; }
PULP_API=http://127.0.0.1:$API_PORT
PULP=(bash "$ROOT/scripts/pulp-local.sh")

RUN=$CHAOS_ROOT/run; LOGS=$CHAOS_ROOT/logs; PGDIR=$CHAOS_ROOT/pg
log() { printf '[chaos %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
pg_bin() { local b; for b in /usr/lib/postgresql/*/bin; do [ -x "$b/pg_ctl" ] && { echo "$b"; return; }; done; dirname "$(command -v pg_ctl)"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGB=$(pg_bin)
DB_PASSWORD=chaos-$RANDOM$RANDOM
db_url() { echo "postgres://kiln:$DB_PASSWORD@127.0.0.1:$DB_PORT/$1?sslmode=disable"; }
psql_db() { PGPASSWORD=$DB_PASSWORD psql -X -q -At -h 127.0.0.1 -p "$DB_PORT" -U kiln -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }

[ -x "$KILN" ] || die "no kiln binary at $KILN (swift build --product kiln)"

# --- processes -------------------------------------------------------------------------------
cleanup() {
  local i
  for i in 0 1 2; do [ -f "$RUN/serve-$i.pid" ] && kill -KILL "$(cat "$RUN/serve-$i.pid")" 2>/dev/null || true; done
  [ -f "$RUN/driver.pid" ] && kill -TERM "$(cat "$RUN/driver.pid")" 2>/dev/null || true
  [ -f "$RUN/events.pid" ] && kill -TERM "$(cat "$RUN/events.pid")" 2>/dev/null || true
  [ -f "$PGDIR/data/postmaster.pid" ] && as_pg "$PGB/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  "${PULP[@]}" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

pg_start() {
  as_pg "$PGB/pg_ctl" -D "$PGDIR/data" -l "$LOGS/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $DB_PORT -k $PGDIR -c fsync=off -c max_connections=400" start >/dev/null
}

start_server() {  # $1: index
  local i=$1
  KILN_DATABASE_URL=$(db_url kiln_chaos) "$KILN" serve --host 127.0.0.1 --port "${SERVER_PORTS[$i]}" \
    --log-level warning >>"$LOGS/serve-$i.log" 2>&1 &
  echo $! >"$RUN/serve-$i.pid"
}

wait_health() {  # $1: port
  local n; for n in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$1/health" && return 0; sleep 0.1; done
  return 1
}

rm -rf "$CHAOS_ROOT"; mkdir -p "$RUN" "$LOGS" "$PGDIR" "$CHAOS_ROOT/home"
chmod 755 "$CHAOS_ROOT"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR" "$LOGS"
T0=$(date +%s)

log "private Pulp at $PULP_API (PULP_ROOT=$PULP_ROOT)"
[ -f "$PULP_ROOT/etc/settings.py" ] || "${PULP[@]}" setup >"$LOGS/pulp-setup.log" 2>&1
"${PULP[@]}" running 2>/dev/null || "${PULP[@]}" start >"$LOGS/pulp-start.log" 2>&1 || die "Pulp did not start ($LOGS/pulp-start.log)"

log "PostgreSQL on 127.0.0.1:$DB_PORT ($PGDIR)"
printf '%s\n' "$DB_PASSWORD" >"$PGDIR/pwfile"; [ "$(id -u)" = 0 ] && chown postgres "$PGDIR/pwfile"
as_pg "$PGB/initdb" -D "$PGDIR/data" -U kiln --pwfile="$PGDIR/pwfile" -A scram-sha-256 >"$LOGS/initdb.log"
rm -f "$PGDIR/pwfile"
pg_start
for db in kiln_chaos kiln_apply kiln_apply_ref; do psql_db postgres -c "CREATE DATABASE $db"; done

export KILN_HOME=$CHAOS_ROOT/home KILN_PULP_URL=$PULP_API KILN_PULP_USER=admin KILN_PULP_PASSWORD=admin
export KILN_JWT_SECRET=chaos-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export KILN_NODE_TIMEOUT=$NODE_TIMEOUT KILN_BUILD_REPOSITORY_PREFIX=kiln-chaos
# Every kill of a server can cost a task one attempt (a claim whose answer was lost): allow many.
export KILN_MAX_TASK_ATTEMPTS=1000

# ============ part 1: dispatch under chaos ===================================================
KILLS=0; DISPATCH_RC=0; D0=$(date +%s); D1=$D0
if [ "$PARTS" != apply ]; then
log "3 kiln servers on ports ${SERVER_PORTS[*]}"
# The first applies the migrations alone; the others start on a migrated database.
start_server 0; wait_health "${SERVER_PORTS[0]}" || die "server 0 did not start ($LOGS/serve-0.log)"
for i in 1 2; do start_server "$i"; done
for i in 1 2; do wait_health "${SERVER_PORTS[$i]}" || die "server $i did not start"; done

SERVERS=$(printf 'http://127.0.0.1:%s,' "${SERVER_PORTS[@]}"); SERVERS=${SERVERS%,}
KILN_DATABASE_URL=$(db_url kiln_chaos) "$KILN" bench chaos --servers "$SERVERS" --tasks "$TASKS" \
  --nodes "$NODES" --deadline "$DEADLINE" --artifact-every "$ARTIFACT_EVERY" --log "$LOGS/nodes.jsonl" \
  --format json >"$LOGS/dispatch.json" 2> >(tee "$LOGS/dispatch.err" >&2) &
DRIVER=$!; echo $DRIVER >"$RUN/driver.pid"
D0=$(date +%s)

# PostgreSQL restarted once and Pulp stopped for PULP_DOWN seconds, on their own timelines.
(
  sleep "$PG_RESTART_AT"
  log "PostgreSQL: restart (immediate: a crash)"
  as_pg "$PGB/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null
  sleep 2
  pg_start; log "PostgreSQL: back"
  sleep $((PULP_STOP_AT > PG_RESTART_AT + 2 ? PULP_STOP_AT - PG_RESTART_AT - 2 : 0))
  log "Pulp: stop for $PULP_DOWN s"
  "${PULP[@]}" stop >>"$LOGS/pulp-start.log" 2>&1
  sleep "$PULP_DOWN"
  "${PULP[@]}" start >>"$LOGS/pulp-start.log" 2>&1 && log "Pulp: back"
) &
echo $! >"$RUN/events.pid"; EVENTS=$!

while kill -0 "$DRIVER" 2>/dev/null; do
  sleep "$KILL_EVERY"
  kill -0 "$DRIVER" 2>/dev/null || break
  i=$((RANDOM % 3))
  kill -KILL "$(cat "$RUN/serve-$i.pid")" 2>/dev/null || true
  wait "$(cat "$RUN/serve-$i.pid")" 2>/dev/null || true
  KILLS=$((KILLS + 1))
  sleep 0.5
  start_server "$i"
done
wait "$DRIVER" || DISPATCH_RC=$?
D1=$(date +%s)
wait "$EVENTS" || true; rm -f "$RUN/events.pid"
log "dispatch part done in $((D1 - D0)) s: $KILLS servers SIGKILLed and restarted (rc $DISPATCH_RC)"
for i in 0 1 2; do kill -KILL "$(cat "$RUN/serve-$i.pid")" 2>/dev/null || true; done
"${PULP[@]}" running 2>/dev/null || "${PULP[@]}" start >>"$LOGS/pulp-start.log" 2>&1
fi

# ============ part 2: apply under chaos ======================================================
FINAL_RC=0; PLAN_RC=0; TABLE_DIFF=0; ROWS=0; RUNNING=0; DANGLING=0; UNLABELLED=0; PULP_OBJECTS=0; KILLED=0; FINISHED=0; SPAN=0
if [ "$PARTS" != dispatch ]; then
STATE=$CHAOS_ROOT/state
mkdir -p "$STATE/platforms"
platform() {  # $1 name, $2 url suffix
  cat <<EOF
name: $1
type: rpm
distr_type: rhel
distr_version: '9'
test_dist_name: almalinux
arch_list: [x86_64, aarch64]
data:
  mock_dist: el9
repos:
EOF
  local arch repo
  for arch in x86_64 aarch64; do for repo in baseos appstream; do
    printf '  - name: %s\n    arch: %s\n    url: https://repo.example.org/%s/%s/%s/%s\n    type: rpm\n    production: false\n' \
      "$1-$repo" "$arch" "$1" "$repo" "$arch" "$2"
  done; done
}
git -C "$STATE" init -q -b a
for p in 1 2; do platform "chaos-$p" os/ >"$STATE/platforms/chaos-$p.yml"; done
git -C "$STATE" add -A; git -C "$STATE" -c user.name=chaos -c user.email=chaos@localhost commit -qm "state a"
git -C "$STATE" checkout -q -b b
rm "$STATE/platforms/chaos-1.yml"
platform chaos-2 v2/os/ >"$STATE/platforms/chaos-2.yml"
platform chaos-3 os/ >"$STATE/platforms/chaos-3.yml"
git -C "$STATE" add -A; git -C "$STATE" -c user.name=chaos -c user.email=chaos@localhost commit -qm "state b"

apply() {  # $1 ref, $2 database; output to $LOGS/apply.log
  "$KILN" apply --repo "$STATE" --ref "$1" --database-url "$(db_url "$2")" >>"$LOGS/apply.log" 2>&1
}
A0=$(date +%s%N)
apply a kiln_apply || die "the first apply failed ($LOGS/apply.log)"
FULL_MS=$(( ($(date +%s%N) - A0) / 1000000 ))
A1=$(date +%s%N)
apply b kiln_apply || die "the apply a -> b failed"
apply a kiln_apply || die "the apply b -> a failed"
SWITCH_MS=$(( ($(date +%s%N) - A1) / 2000000 ))
# The kills alternate a <-> b: random points over one switch (capped at 12 s to keep the run bounded).
SPAN=$(( SWITCH_MS > 12000 ? 12000 : SWITCH_MS + 300 ))
log "apply: a from empty $FULL_MS ms, a <-> b $SWITCH_MS ms on average; now $APPLY_KILLS applies killed at random points in 0-$SPAN ms"
KILLED=0; FINISHED=0; refs=(a b)
for n in $(seq 1 "$APPLY_KILLS"); do
  ref=${refs[$((n % 2))]}
  "$KILN" apply --repo "$STATE" --ref "$ref" --database-url "$(db_url kiln_apply)" >>"$LOGS/apply.log" 2>&1 &
  pid=$!
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % SPAN ))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then KILLED=$((KILLED + 1)); else FINISHED=$((FINISHED + 1)); fi
  wait "$pid" 2>/dev/null || true
  echo "apply $n: ref $ref, SIGKILL after $delay_ms ms" >>"$LOGS/apply-kills.log"
done
log "apply: $KILLED killed mid-run, $FINISHED finished before their kill"
FINAL_RC=0; apply b kiln_apply || FINAL_RC=$?
PLAN_RC=0
"$KILN" plan --repo "$STATE" --ref b --database-url "$(db_url kiln_apply)" --detailed-exitcode \
  >"$LOGS/plan-after.txt" 2>&1 || PLAN_RC=$?
apply b kiln_apply_ref || die "the reference apply failed"

tables() {  # desired-state tables of $1 without ids, timestamps and commit SHAs, foreign keys as names
  psql_db "$1" <<'SQL'
SELECT 'repository ' || (to_jsonb(r) - '{id,created_at,updated_at,commit_sha}'::text[])::text FROM repositories r
UNION ALL
SELECT 'platform ' || ((to_jsonb(p) - '{id,created_at,updated_at,commit_sha}'::text[]) || jsonb_build_object('repos',
  (SELECT coalesce(jsonb_agg(r.name || '/' || r.arch || '/' || r.debug ORDER BY r.name, r.arch, r.debug), '[]')
   FROM platform_repositories x JOIN repositories r ON r.id = x.repository_id WHERE x.platform_id = p.id)))::text
FROM platforms p
UNION ALL
SELECT 'distribution ' || ((to_jsonb(d) - '{id,created_at,updated_at,commit_sha}'::text[]) || jsonb_build_object('platforms',
  (SELECT coalesce(jsonb_agg(p.name ORDER BY p.name), '[]') FROM distribution_platforms x JOIN platforms p ON p.id = x.platform_id
   WHERE x.distribution_id = d.id)))::text FROM distributions d
UNION ALL
SELECT 'sign_key ' || (to_jsonb(k) - '{id,inserted,updated_at,commit_sha}'::text[])::text FROM sign_keys k
UNION ALL
SELECT 'release ' || (to_jsonb(r) - '{id,created_at,updated_at,commit_sha,platform_id,reference_platform_id,created_by}'::text[])::text
FROM releases r
UNION ALL
SELECT 'orphan repository link ' || x.repository_id FROM platform_repositories x
WHERE NOT EXISTS (SELECT 1 FROM platforms p WHERE p.id = x.platform_id)
ORDER BY 1
SQL
}
tables kiln_apply >"$LOGS/tables-chaos.txt"; tables kiln_apply_ref >"$LOGS/tables-ref.txt"
TABLE_DIFF=0; diff -u "$LOGS/tables-ref.txt" "$LOGS/tables-chaos.txt" >"$LOGS/tables.diff" || TABLE_DIFF=$(grep -c '^[-+][^-+]' "$LOGS/tables.diff" || true)
ROWS=$(wc -l <"$LOGS/tables-chaos.txt")
RUNNING=$(psql_db kiln_apply -c "SELECT count(*) FROM reconcile_runs WHERE result = 'running'")
# Repository rows pointing at a Pulp object that does not exist.
DANGLING=0
while read -r href; do
  [ -n "$href" ] || continue
  curl -sf -o /dev/null -u admin:admin "$PULP_API$href" || DANGLING=$((DANGLING + 1))
done < <(psql_db kiln_apply -c "SELECT pulp_href FROM repositories WHERE pulp_href IS NOT NULL")
UNLABELLED=0; PULP_OBJECTS=0
for kind in repositories remotes distributions; do
  page=$(curl -sf -u admin:admin "$PULP_API/pulp/api/v3/$kind/?limit=5000&fields=pulp_href,name,pulp_labels") || die "Pulp listing $kind failed"
  PULP_OBJECTS=$((PULP_OBJECTS + $(jq '.results | length' <<<"$page")))
  # Pulp's own artifact distribution (core/artifacts, one per Pulp, created by pulpcore) is not Kiln's.
  mine='[.results[] | select(.pulp_href | contains("/distributions/core/artifacts/") | not)]'
  PULP_OBJECTS=$((PULP_OBJECTS - $(jq '.results | length' <<<"$page") + $(jq "$mine | length" <<<"$page")))
  UNLABELLED=$((UNLABELLED + $(jq "$mine"' | map(select((.pulp_labels["managed-by"] // "") != "kiln")) | length' <<<"$page")))
  jq -r "$mine"'[] | select((.pulp_labels["managed-by"] // "") != "kiln") | "unlabelled: \(.name) \(.pulp_href)"' <<<"$page" >>"$LOGS/pulp-unlabelled.txt"
done
fi
T1=$(date +%s)

# ============ report =========================================================================
echo
echo "Kiln chaos suite — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), total $((T1 - T0)) s"
if [ "$PARTS" = apply ]; then
  echo "dispatch: (skipped: CHAOS_PARTS=apply)"
else
  echo "dispatch: $TASKS tasks, $NODES nodes, 3 servers on one PostgreSQL, $KILLS SIGKILLs (one every ${KILL_EVERY} s),"
  echo "          PostgreSQL restarted once at ${PG_RESTART_AT} s, Pulp stopped ${PULP_DOWN} s at ${PULP_STOP_AT} s, $((D1 - D0)) s"
fi
if [ "$PARTS" = apply ]; then
  :
elif [ -s "$LOGS/dispatch.json" ]; then
  jq -r '"  tasks lost               \(.tasks_lost)  (unfinished \(.unfinished_at_end), finished by no node \(.finished_by_no_node))",
         "  claimed twice            \(.claimed_twice)",
         "  finished twice           \(.finished_twice)",
         "  results dropped          \(.results_dropped)",
         "  results refused (4xx)    \(.results_refused)",
         "  stuck past node timeout  \(.stuck_past_node_timeout)  (threshold \(.stuck_threshold_s * 10 | round / 10) s, longest lease \(.longest_lease_s * 10 | round / 10) s)",
         "  5xx seen                 \(.server_errors_5xx)  \(.server_errors_by_route)",
         "  503 with Retry-After     \(.outage_503_with_retry_after // 0)  (the designed answer while PostgreSQL is away; retried)",
         "  imports pending at end   \(.imports_pending_at_end // 0)  (result recorded, artifact import still queued: not drained)",
         "  context: \(.requeued_tasks) requeued, \(.artifacts_reported) artifacts imported, \(.connection_errors) connection errors (\(.hung_calls_5s) hung 5 s or more), \(.artifact_upload_retries) upload retries, all finished: \(.drained), \(.seconds | round) s"' \
    "$LOGS/dispatch.json"
  jq -r '.examples[]? | "  - \(.)"' "$LOGS/dispatch.json"
else
  echo "  no figures: see $LOGS/dispatch.err"; tail -5 "$LOGS/dispatch.err"
fi
[ "$PARTS" = dispatch ] && echo "apply: (skipped: CHAOS_PARTS=dispatch)" || {
echo "apply: $APPLY_KILLS runs SIGKILLed at random points in 0-$SPAN ms ($KILLED mid-run, $FINISHED already done)"
echo "  final apply exit          $FINAL_RC"
echo "  plan after it             $([ "$PLAN_RC" = 0 ] && echo empty || echo "NOT empty (exit $PLAN_RC, $LOGS/plan-after.txt)")"
echo "  tables vs fresh apply     $TABLE_DIFF rows differ ($ROWS rows compared)"
echo "  rows -> missing Pulp obj  $DANGLING"
echo "  unlabelled Pulp objects   $UNLABELLED (of $PULP_OBJECTS repositories, remotes, distributions)"
echo "  runs left 'running'       $RUNNING"
}
echo "logs: $LOGS"
FAIL=0
[ "$DISPATCH_RC" = 0 ] || FAIL=1
[ "$FINAL_RC" = 0 ] && [ "$PLAN_RC" = 0 ] && [ "$TABLE_DIFF" = 0 ] && [ "$DANGLING" = 0 ] && [ "$UNLABELLED" = 0 ] && [ "$RUNNING" = 0 ] || FAIL=1
[ "$FAIL" = 0 ] && echo "PASS" || echo "FAIL"
exit "$FAIL"
