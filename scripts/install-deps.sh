#!/usr/bin/env bash
# Installs the system packages Kiln needs to build, run and test, only when missing.
set -euo pipefail
need=()
# createrepo-c: the local artifact store's repository metadata; dnf: the test that installs from it
for p in libgit2-dev pkg-config zlib1g-dev postgresql git rpm createrepo-c dnf; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "[deps] installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "[deps] swift (6.3) is not on PATH" >&2; exit 1; }
