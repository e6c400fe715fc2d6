#!/usr/bin/env bash
# Checks systemd/mailtap.service with `systemd-analyze verify`; CI can call it (no systemd needs to
# be running, no root, nothing installed).
#
# verify exits 0 on mere warnings such as an unknown or misspelt key, so any message about the unit
# fails this script too. verify also insists that the binaries of ExecStart and ExecReload exist: /usr/bin/java does
# wherever Debian's JDK is installed; where it does not, a copy of the unit with ExecStart pointing
# at `command -v java` is verified instead. The jar and the config file are arguments, not checked.
#
# Exit status: 0 the unit is clean; 1 it is not (messages on stderr); 77 systemd-analyze is missing
# (on Debian: apt-get install systemd), which a test harness should report as skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
unit="$here/mailtap.service"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify.sh: systemd-analyze not found (Debian: apt-get install systemd); not verified" >&2
  exit 77
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$unit" "$tmp/mailtap.service"
if [ ! -x /usr/bin/java ]; then
  java="$(command -v java || true)"
  if [ -z "$java" ]; then
    echo "verify.sh: no java on this machine, and ExecStart needs one" >&2
    exit 1
  fi
  sed -i "s|^\(ExecStart\|ExecReload\)=/usr/bin/java |\1=$java |" "$tmp/mailtap.service"
fi

status=0
out="$(cd "$tmp" && SYSTEMD_LOG_LEVEL=info systemd-analyze verify ./mailtap.service 2>&1)" || status=$?
if [ "$status" -ne 0 ] || grep -q 'mailtap\.service' <<<"$out"; then
  echo "verify.sh: systemd-analyze verify found problems in $unit:" >&2
  printf '%s\n' "$out" >&2
  exit 1
fi
echo "verify.sh: $unit is clean (systemd $(systemd-analyze --version | head -n1 | awk '{print $2}'))"
