#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL (a private cluster the tests start)
# and a real Pulp (started here, stopped on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
