#!/usr/bin/env bash
# Record the SPAN port of the mailtap lab while scenarios run.
#
#   lab/record.sh OUT.pcap SCENARIO[:ARG[:ARG]]...
#   e.g. lab/record.sh /tmp/x.pcap legit_submission null_sender_burst:5 auth_failures
#
# Brings the lab up if it is not (and down again afterwards), captures span0 in
# mt-sensor with tcpdump, runs the scenarios in order (waiting for the Postfix
# queue to drain after each), waits for every SMTP connection to close, stops
# tcpdump. Namespaces and processes are cleaned up on any failure (trap).
set -euo pipefail

REC_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=netlab.sh
source "$REC_HERE/netlab.sh"
# shellcheck source=scenarios.sh
source "$REC_HERE/scenarios.sh"

usage() { echo "usage: $0 OUT.pcap SCENARIO[:ARG...]...  (scenarios: ${LAB_SCENARIOS[*]})" >&2; exit 2; }
[[ $EUID == 0 ]] || { echo "record.sh: must run as root" >&2; exit 1; }
(($# >= 2)) || usage
out=$(realpath -m "$1"); shift
for spec in "$@"; do
  lab_is_scenario "${spec%%:*}" || { echo "unknown scenario: $spec" >&2; usage; }
done
mkdir -p "$(dirname "$out")"


_rec_stop_tcpdump() {
  local pid=$1
  if _pid_alive "$pid"; then kill -INT "$pid"; wait "$pid" 2>/dev/null || true; fi
}

t_start=$(date +%s)
started=0
if ! lab_is_up; then
  lab_cleanup_push lab_down
  lab_up
  started=1
fi

partial="$out.partial"
rm -f "$partial"
: >"$LAB_RUN/tcpdump.err"
# --immediate-mode: with TPACKET_V3 a short capture can otherwise still sit in an
# unretired ring block when SIGINT arrives, and tcpdump exits having written nothing.
ip netns exec mt-sensor tcpdump -i span0 -n -U --immediate-mode -Z root -s 0 -w "$partial" 2>"$LAB_RUN/tcpdump.err" &
tcpdump_pid=$!
lab_cleanup_push "_rec_stop_tcpdump $tcpdump_pid; rm -f '$partial'"
for ((i = 0; i < 50; i++)); do
  grep -q 'listening on' "$LAB_RUN/tcpdump.err" && break
  _pid_alive "$tcpdump_pid" || { cat "$LAB_RUN/tcpdump.err" >&2; exit 1; }
  sleep 0.1
done
sleep 0.2

for spec in "$@"; do
  lab_run_scenario "$spec"
done
lab_wait_idle 15 || true  # continue: the capture still ends cleanly
sleep 1

_rec_stop_tcpdump "$tcpdump_pid"
grep -E 'captured|dropped' "$LAB_RUN/tcpdump.err" | sed 's/^/[tcpdump] /' >&2 || true
npkt=$(tcpdump -r "$partial" 2>/dev/null | wc -l)
if ((npkt == 0)); then
  lab_log "capture is empty: span0 saw nothing"; exit 1
fi
lab_cleanup_pop
mv "$partial" "$out"

if ((started)); then
  lab_cleanup_pop
  lab_down
fi
lab_log "wrote $out ($(stat -c %s "$out") bytes) in $(($(date +%s) - t_start))s"
