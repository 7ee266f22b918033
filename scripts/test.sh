#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL (a private cluster the tests start)
# and a real Pulp (started here, stopped on exit). Works as root on a fresh Debian 12, no input.
#
# Pulp: scripts/pulp-local.sh installs pulpcore + pulp_rpm into a venv (idempotent), sets up
# its own PostgreSQL under $PULP_ROOT (default /tmp/pulp-local) and starts it on loopback.
# A Pulp already answering on that port is reused and left running. The tests read:
#   KILN_TEST_PULP_URL       Pulp API origin, e.g. http://127.0.0.1:24817
#   KILN_TEST_PULP_USER      admin user (admin)
#   KILN_TEST_PULP_PASSWORD  its password
# Without KILN_TEST_PULP_URL the Pulp tests FAIL; KILN_SKIP_PULP=1 (local quick runs only)
# starts no Pulp and skips them, loudly.
# After the Swift tests, scripts/openapi-check.sh runs schemathesis against a `kiln serve` it starts
# (GET /openapi.json, a token of every scope; a venv under /tmp/kiln-openapi-venv, reused).
set -euo pipefail
cd "$(dirname "$0")/.."

# --- Pulp -------------------------------------------------------------------------------
pulp_started_here=0
stop_pulp() {
  if [ "$pulp_started_here" = 1 ]; then
    echo "[test] stopping the Pulp this run started" >&2
    bash scripts/pulp-local.sh stop || true
  fi
}
trap stop_pulp EXIT INT TERM

if [ "${KILN_SKIP_PULP:-}" = 1 ]; then
  echo "[test] *** KILN_SKIP_PULP=1: NO Pulp is started and the Pulp tests are SKIPPED (not for CI) ***" >&2
else
  if bash scripts/pulp-local.sh running 2>/dev/null; then
    echo "[test] reusing the Pulp already running" >&2
  else
    bash scripts/pulp-local.sh install
    PULP_ROOT_DIR=${PULP_ROOT:-/tmp/pulp-local}
    if [ ! -f "$PULP_ROOT_DIR/etc/settings.py" ] || [ ! -f "$PULP_ROOT_DIR/pg/data/PG_VERSION" ]; then
      bash scripts/pulp-local.sh setup
    fi
    pulp_started_here=1
    bash scripts/pulp-local.sh start
  fi
  eval "$(bash scripts/pulp-local.sh env)"
  export KILN_TEST_PULP_URL=$PULP_API_URL
  export KILN_TEST_PULP_USER=$PULP_USERNAME
  export KILN_TEST_PULP_PASSWORD=$PULP_PASSWORD
  echo "[test] Pulp at $KILN_TEST_PULP_URL" >&2
fi

# --- format, build and test -------------------------------------------------------------
# .swift-format is the style; a file that does not follow it fails the run (fix: swift format
# --in-place --recursive Sources Tests Package.swift).
swift format lint --strict --recursive --parallel Sources Tests Package.swift
swift build --build-tests
# KILN_TEST_PARALLEL=1 (not the default, not yet green): the XCTest and the Swift Testing tests
# side by side, as two processes of the test binary (`swift test` twice would serialise on the
# .build lock), each with its own throwaway PostgreSQL cluster. The tests that reconcile into the
# shared Pulp take turns through PulpReconcileLock (a reconcile prunes the other's empty
# desired-state repositories). Its first run failed on timing under load and on an unlocked
# Pulp reconcile test (since wrapped); the default stays one `swift test`.
if [ "${KILN_TEST_PARALLEL:-}" != 1 ]; then
  swift test --skip-build
else
  tests_bin="$(swift build --show-bin-path)/KilnPackageTests.xctest"
  logs=$(mktemp -d /tmp/kiln-test-logs.XXXXXX)
  "$tests_bin" > "$logs/xctest.log" 2>&1 &
  xctest_pid=$!
  "$tests_bin" --testing-library swift-testing > "$logs/swift-testing.log" 2>&1 &
  testing_pid=$!
  xctest_status=0; testing_status=0
  wait "$xctest_pid" || xctest_status=$?
  wait "$testing_pid" || testing_status=$?
  echo "===== XCTest (exit $xctest_status) ====="
  cat "$logs/xctest.log"
  echo "===== Swift Testing (exit $testing_status) ====="
  cat "$logs/swift-testing.log"
  rm -rf "$logs"
  if [ "$xctest_status" != 0 ] || [ "$testing_status" != 0 ]; then
    echo "[test] FAILED: XCTest exit $xctest_status, Swift Testing exit $testing_status" >&2
    exit 1
  fi
fi

# --- the OpenAPI contract against a running kiln (schemathesis; a few minutes) -----------------
bash scripts/openapi-check.sh
