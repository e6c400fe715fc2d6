#!/usr/bin/env bash
# Live capture benchmark: tcpreplay pushes a capture into one end of a veth pair inside a network
# namespace this script creates, `mailtap run` captures the other end, at stepped rates. For each
# rate it reports what mailtap's own stop line says: packets received and dropped by the kernel,
# the interface and the worker rings (the sensor's one drop point).
#
#   bench/live.sh [--file PCAP] [--rates "100000 200000 300000 topspeed"] [--packets N]
#                 [--threads N] [--workers W] [--sender tcpreplay|afpacket]
#
# --threads sets capture.threads (PACKET_FANOUT handles), --workers capture.workers (default 2,
# a multiple of threads). --sender afpacket (the default when tcpreplay is missing) uses
# bench/afpacket_send.c, compiled on first use: sendmmsg on a packet socket, paced. MTBENCH_NS
# names the namespace (default mtbench).
#
# "topspeed" is as fast as tcpreplay can send (one core on a 2-core machine, where mailtap has the
# other): above that rate nothing more is offered, whatever is asked.
#
# Needs root, iproute2, ethtool, tcpreplay or a C compiler. Everything stays inside the namespace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

file="" rates="100000 200000 300000 400000 topspeed" packets=600000 threads=1 workers=2 sender=""
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --packets) packets="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --sender) sender="$2"; shift 2 ;;
    *) echo "usage: bench/live.sh [--file PCAP] [--rates \"R1 R2 ...\"] [--packets N] [--threads N] [--workers W] [--sender tcpreplay|afpacket]" >&2; exit 2 ;;
  esac
done
[ -n "$sender" ] || { command -v tcpreplay >/dev/null && sender=tcpreplay || sender=afpacket; }
for tool in ip ethtool $([ "$sender" = tcpreplay ] && echo tcpreplay || echo cc); do
  command -v "$tool" >/dev/null || { echo "bench/live.sh: $tool is not installed" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "bench/live.sh: needs root (network namespaces)" >&2; exit 77; }

work=bench/work/live
mkdir -p "$work"
if [ "$sender" = afpacket ] && [ ! "$work/afpacket_send" -nt bench/afpacket_send.c ]; then
  cc -O2 -Wall -o "$work/afpacket_send" bench/afpacket_send.c
fi
if [ -z "$file" ]; then
  file="$work/mix-$packets.pcap"
  [ -f "$file" ] || ./mailtap bench-gen --out "$file" --packets "$packets" --seed 3 >/dev/null
fi

ns=${MTBENCH_NS:-mtbench}
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link add vsend type veth peer name vcap
for dev in vsend vcap; do
  ip -n "$ns" link set "$dev" mtu 9000 up   # room for VLAN-tagged full-size frames
  # no offloads: the capture must see frames as sent, not coalesced super-frames
  ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
done
ip -n "$ns" link set lo up

cfg="$work/live.yml"
cat >"$cfg" <<YAML
capture:
  interface: vcap
  filter: "ip or ip6 or vlan"   # every packet of the mix, not only SMTP: the sensor sees the whole load
  threads: $threads
  workers: $workers
output:
  dir: $work/out
metrics:
  listen: "127.0.0.1:9726"
YAML

echo "capture.threads $threads, capture.workers $workers, sender $sender"
echo "| asked packets/s | achieved packets/s ($sender) | sent | received | kernel drops | interface drops | ring drops | lost % |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for rate in $rates; do
  rm -rf "$work/out"
  ip netns exec "$ns" ./mailtap run --config "$cfg" 2>"$work/run-$rate.err" &
  pid=$!
  for _ in $(seq 100); do grep -q "running:" "$work/run-$rate.err" 2>/dev/null && break; sleep 0.1; done
  if [ "$sender" = tcpreplay ]; then
    if [ "$rate" = topspeed ]; then speed=(--topspeed); else speed=(--pps="$rate"); fi
    speed+=(--preload-pcap)   # from memory: the disk is not what limits the rate
    out=$(ip netns exec "$ns" tcpreplay -i vsend "${speed[@]}" "$file" 2>&1)
    sent=$(awk '/Successful packets:/ {print $3}' <<<"$out")
    achieved=$(awk '/Rated:/ {for (i = 1; i <= NF; i++) if ($i ~ /^pps/) print int($(i-1))}' <<<"$out" | head -1)
  else
    out=$(ip netns exec "$ns" "$work/afpacket_send" vsend "$file" "$([ "$rate" = topspeed ] && echo 0 || echo "$rate")")
    sent=$(awk '{print $2}' <<<"$out")
    achieved=$(awk '{print $6}' <<<"$out")
  fi
  sleep 2
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  line=$(grep -o "stopped: .*" "$work/run-$rate.err" | tail -1)
  recv=$(sed -E 's/.*stopped: ([0-9]+) packets received.*/\1/' <<<"$line")
  kern=$(sed -E 's/.*dropped ([0-9]+) by the kernel.*/\1/' <<<"$line")
  ifd=$(sed -E 's/.*, ([0-9]+) by the interface.*/\1/' <<<"$line")
  ring=$(sed -E 's/.*, ([0-9]+) at the rings.*/\1/' <<<"$line")
  lost=$(awk -v s="$sent" -v r="$recv" -v k="$kern" -v i="$ifd" -v g="$ring" 'BEGIN { if (s > 0) printf "%.2f", 100 * (k + i + g + (s > r + k ? s - r - k : 0)) / s; else print "-" }')
  echo "| $rate | ${achieved:-?} | $sent | $recv | $kern | $ifd | $ring | $lost |"
done
