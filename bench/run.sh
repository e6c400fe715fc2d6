#!/usr/bin/env bash
# Whole-process read benchmark on one seeded capture: how fast each reader gets through the same
# file, against the C limit of reading it.
#
#   bench/run.sh [--quick] [--runs N] [--packets N] [--seed N] [--tshark-slice N]
#
# Rows: (1) bench/pcap_count.c  pcap_next_ex counting only: the physical limit
#       (2) bench/pcap_decode.c + Ethernet/VLAN/IP/TCP decode and a flow-table lookup
#       (3) tcpdump -r FILE -w /dev/null
#       (4) tshark with SMTP field extraction, on the first --tshark-slice packets (default 300000;
#           0 = the whole file; tshark is ~100x slower and its RSS grows with the file)
#       (5) dsniff's mailsnarf -p FILE (C, libnids: the messages it extracts are counted)
#       (6) nDPI's ndpiReader -i FILE -q (C, DPI over every flow)
#       (7) ./mailtap replay --out DIR FILE, end to end, GC pauses summed from -Xlog:gc, on the
#           default JDK; again with --threads 2 when the replay has it; again on JDK 25
#           (MAILTAP_JAVA25, default the newest /usr/lib/jvm/*-25*), plain and with an AOT cache
#           trained by one untimed replay of the same file (-XX:AOTCacheOutput, then -XX:AOTCache)
# Each is run --runs times (default 5); the table shows medians. Wall time is measured around
# the process (startup included); CPU (user + system) and peak RSS come from GNU time. --quick: 1 run on a ~200k-packet
# capture (CI smoke). The capture is generated once per seed and size under bench/work/
# (gitignored) and reused. Results go to stdout and bench/work/results.md.
#
# MAILTAP_BIN overrides the launcher (default: ./mailtap of this checkout); MAILTAP_JAVA_OPTS is
# passed through (unset: the launcher's replay defaults -XX:TieredStopAtLevel=1 -XX:+UseSerialGC),
# with -Xlog:gc added.
# Needs: java (JDK, to compile the generator), gcc + libpcap0.8-dev for rows 1-2, tcpdump,
# tshark, GNU time (Debian package 'time') for RSS. A missing tool skips its row with a message.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$here/work"

runs=5
packets=3000000
seed=1
slice=300000

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=1; packets=200000; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --packets) packets="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --tshark-slice) slice="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for v in "$runs" "$packets" "$seed" "$slice"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "run.sh: '$v' is not a whole number" >&2; exit 2; }
done
[ "$runs" -ge 1 ] || { echo "run.sh: --runs must be at least 1" >&2; exit 2; }

mkdir -p "$work/bin" "$work/logs"
log() { echo "run.sh: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

gnu_time=""
if [ -x /usr/bin/time ] && /usr/bin/time -f '%M' true >/dev/null 2>&1; then
  gnu_time=/usr/bin/time
else
  log "GNU time not found: no peak RSS (Debian: apt-get install time)"
fi

# ---- the generator: `mailtap bench-gen` (the launcher builds the jar first when needed) ----
gen_src="$root/src/bench/java/io/mailtap/bench"
gen_bin="${MAILTAP_BIN:-$root/mailtap}"

# keyed by seed, size and the generator's source, so a changed generator never reuses an old file
gen_hash=$(cat "$gen_src"/*.java | sha256sum | cut -c1-8)
capture="$work/mix-s${seed}-p${packets}-g${gen_hash}.pcap"
if [ ! -f "$capture" ] || [ ! -f "$capture.txt" ]; then
  rm -f "$work/mix-s${seed}-p${packets}"-g*.pcap*   # older generator versions, same key
  log "generating $capture"
  "$gen_bin" bench-gen --variant mix --seed "$seed" --packets "$packets" \
    --out "$capture" | tee "$capture.txt" >&2
fi
file_packets=$(sed -n 's/.* packets=\([0-9]*\) .*/\1/p' "$capture.txt")
gen_mail=$(sed -n 's/.* mail=\([0-9]*\) .*/\1/p' "$capture.txt")
file_bytes=$(stat -c %s "$capture")
cat "$capture" >/dev/null   # into the page cache: every reader starts warm

# ---- C readers ----
c_ok=0
if have gcc && { [ -f /usr/include/pcap.h ] || [ -f /usr/include/pcap/pcap.h ]; }; then
  for prog in pcap_count pcap_decode; do
    if [ ! -x "$work/bin/$prog" ] || [ "$here/$prog.c" -nt "$work/bin/$prog" ]; then
      gcc -O2 -Wall -o "$work/bin/$prog" "$here/$prog.c" -lpcap
    fi
  done
  c_ok=1
else
  log "gcc or libpcap headers missing: skipping the C rows (Debian: apt-get install gcc libpcap0.8-dev)"
fi

# ---- measuring ----
# measure NAME RUN CMD...: runs CMD once; appends "ms rss_kb cpu_ms" to $work/logs/NAME.times and
# leaves its stdout in $work/logs/NAME.out (stderr in .err). A failing command aborts the row.
measure() {
  local name="$1" run="$2"; shift 2
  local t0 t1 rss="" cpu="" status=0
  t0=$(date +%s%N)
  if [ -n "$gnu_time" ]; then
    "$gnu_time" -f '%M %U %S' -o "$work/logs/$name.rss" "$@" >"$work/logs/$name.out" 2>"$work/logs/$name.err" || status=$?
    read -r rss u sys < <(tail -n 1 "$work/logs/$name.rss")
    cpu=$(awk -v u="$u" -v s="$sys" 'BEGIN { printf "%.0f", (u + s) * 1000 }')
  else
    "$@" >"$work/logs/$name.out" 2>"$work/logs/$name.err" || status=$?
  fi
  t1=$(date +%s%N)
  if [ "$status" -ne 0 ]; then
    log "$name run $run failed (exit $status); see $work/logs/$name.err"
    tail -n 5 "$work/logs/$name.err" >&2 || true
    return 1
  fi
  echo "$(( (t1 - t0) / 1000000 )) ${rss:-0} ${cpu:-0}" >>"$work/logs/$name.times"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) exit; if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

rows=()          # "label|packets|median_ms|median_rss_kb|gc_ms|median_cpu_ms"
c_pps=""
tshark_pps=""
mailtap_pps=""
skipped=()

last_pps=""
row() {   # row LABEL PACKETS NAME [GC_MS]: adds a table row; sets last_pps
  local label="$1" pkts="$2" name="$3" gc="${4:-}"
  local ms rss cpu
  ms=$(awk '{print $1}' "$work/logs/$name.times" | median)
  rss=$(awk '{print $2}' "$work/logs/$name.times" | median)
  cpu=$(awk '{print $3}' "$work/logs/$name.times" | median)
  rows+=("$label|$pkts|$ms|$rss|$gc|$cpu")
  last_pps=$(awk -v p="$pkts" -v ms="$ms" 'BEGIN { if (ms > 0) printf "%.0f", p * 1000 / ms; else print 0 }')
}

run_row() {   # run_row NAME CMD...: N timed runs; 0 when all succeeded
  local name="$1"; shift
  rm -f "$work/logs/$name.times"
  local i
  for i in $(seq 1 "$runs"); do
    measure "$name" "$i" "$@" || return 1
  done
}

if [ "$c_ok" = 1 ]; then
  if run_row pcap_count "$work/bin/pcap_count" "$capture"; then
    n=$(sed -n 's/^packets=\([0-9]*\) .*/\1/p' "$work/logs/pcap_count.out")
    [ "$n" = "$file_packets" ] || log "pcap_count read $n packets, the generator wrote $file_packets"
    row "C pcap_next_ex, counting (the limit)" "$n" pcap_count
    c_pps="$last_pps"
  fi
  if run_row pcap_decode "$work/bin/pcap_decode" "$capture"; then
    n=$(sed -n 's/^packets=\([0-9]*\) .*/\1/p' "$work/logs/pcap_decode.out")
    row "C + decode + flow lookup" "$n" pcap_decode
  fi
fi

if have tcpdump; then
  if run_row tcpdump tcpdump -r "$capture" -w /dev/null; then
    row "tcpdump -r FILE -w /dev/null" "$file_packets" tcpdump
  fi
else
  skipped+=("tcpdump: not installed")
fi

tshark_label=""
tshark_mail=""
if have tshark; then
  tshark_file="$capture"
  tshark_packets="$file_packets"
  tshark_label="tshark SMTP fields"
  if [ "$slice" -gt 0 ] && [ "$file_packets" -gt "$slice" ]; then
    tshark_file="${capture%.pcap}.first${slice}.pcap"
    if [ ! -f "$tshark_file" ]; then
      log "cutting the first $slice packets for tshark"
      tcpdump -r "$capture" -c "$slice" -w "$tshark_file.part" 2>/dev/null
      mv "$tshark_file.part" "$tshark_file"
    fi
    tshark_packets="$slice"
    tshark_label="tshark SMTP fields (first $slice packets)"
  fi
  if run_row tshark tshark -r "$tshark_file" -T fields -e smtp.req.command -e smtp.req.parameter -e smtp.response.code; then
    row "$tshark_label" "$tshark_packets" tshark
    tshark_pps="$last_pps"
    if [ "$tshark_file" = "$capture" ]; then
      tshark_mail=$(cut -f1 "$work/logs/tshark.out" | tr ',' '\n' | grep -c '^MAIL$' || true)
    fi
  fi
else
  skipped+=("tshark: not installed")
fi

# ---- C peers that extract or classify SMTP ----
mailsnarf_msgs=""
if have mailsnarf; then
  if run_row mailsnarf mailsnarf -p "$capture"; then
    row "dsniff mailsnarf -p FILE" "$file_packets" mailsnarf
    # mbox output: one "From " separator line per message it extracted
    mailsnarf_msgs=$(grep -c '^From ' "$work/logs/mailsnarf.out" || true)
  fi
else
  skipped+=("mailsnarf: not installed (Debian: apt-get install dsniff)")
fi
if have ndpiReader; then
  if run_row ndpireader ndpiReader -i "$capture" -q; then
    row "nDPI ndpiReader -i FILE -q" "$file_packets" ndpireader
  fi
else
  skipped+=("ndpiReader: not installed (Debian: apt-get install libndpi-bin)")
fi

# ---- mailtap: only when this checkout has the replay command and builds ----
mailtap_note=""
mailtap_bin="${MAILTAP_BIN:-$root/mailtap}"
mailtap_msgs=""

# mailtap_row NAME LABEL ARGS...: --runs timed replays of the capture with the GC log on; the
# environment the caller exported (MAILTAP_JAVA, MAILTAP_JAVA_OPTS) picks the JVM and flags.
# ARGS go to `replay` before the file.
mailtap_row() {
  local name="$1" label="$2"; shift 2
  rm -f "$work/logs/$name.times" "$work/logs/$name.gcms"
  local ok=1 i out_dir gc_log saved_opts base_opts had_opts
  for i in $(seq 1 "$runs"); do
    out_dir="$work/replay-out-$name"
    rm -rf "$out_dir"
    mkdir -p "$out_dir"
    gc_log="$work/logs/$name-gc-$i.log"
    rm -f "$gc_log"
    # restored as it was: unset stays unset (an empty MAILTAP_JAVA_OPTS would mean the JVM's defaults)
    had_opts="${MAILTAP_JAVA_OPTS+set}"
    saved_opts="${MAILTAP_JAVA_OPTS-}"
    # the launcher's replay defaults (C1, serial GC) unless the caller chose options, plus the GC log
    base_opts="${MAILTAP_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
    export MAILTAP_JAVA_OPTS="${base_opts:+$base_opts }-Xlog:gc*:file=$gc_log"
    measure "$name" "$i" "$mailtap_bin" replay "$@" --out "$out_dir" "$capture" || ok=0
    if [ -n "$had_opts" ]; then export MAILTAP_JAVA_OPTS="$saved_opts"; else unset MAILTAP_JAVA_OPTS; fi
    [ "$ok" = 1 ] || return 1
    # pauses only: "[gc] GC(n) Pause Young ... 1.234ms" (not the concurrent phases)
    grep -E '\]\[gc *\] GC\([0-9]+\) Pause' "$gc_log" | sed -n 's/.* \([0-9.]*\)ms$/\1/p' \
      | awk '{s+=$1} END {printf "%.0f\n", s}' >>"$work/logs/$name.gcms"
  done
  # the replay summary's packet count ("packets=N", "packets: N" or "N packets"), as a check;
  # packets/s is computed on the file's count like every other row (all read the whole file)
  local m_packets
  m_packets=$( { grep -ioE 'packets *[:=] *[0-9][0-9,_]*' "$work/logs/$name.out" | grep -oE '[0-9][0-9,_]*$' \
                 || grep -ioE '[0-9][0-9,_]* packets' "$work/logs/$name.out" | grep -oE '^[0-9][0-9,_]*' \
                 || true; } | head -n 1 | tr -d ',_')
  if [ -z "$m_packets" ]; then
    mailtap_note="its summary showed no packet count"
  elif [ "$m_packets" = "$file_packets" ]; then
    mailtap_note="reported $m_packets packets processed (all of the file)"
  else
    mailtap_note="reported $m_packets packets processed, the file has $file_packets"
  fi
  # messages the transaction log holds (one line per MAIL transaction), to set beside mailsnarf's
  mailtap_msgs=$(grep -c '"mail_from":"' "$out_dir/smtp.jsonl" 2>/dev/null || true)
  row "$label" "$file_packets" "$name" "$(median <"$work/logs/$name.gcms")"
}

jdk25="${MAILTAP_JAVA25:-$(ls -d /usr/lib/jvm/*-25* 2>/dev/null | sort | tail -n 1)}"
[ -z "$jdk25" ] || [ ! -d "$jdk25" ] || jdk25="$jdk25/bin/java"
if [ -x "$mailtap_bin" ] && "$mailtap_bin" replay --help >"$work/logs/mailtap-help.out" 2>&1; then
  if mailtap_row mailtap "mailtap replay (end to end)"; then
    mailtap_pps="$last_pps"
  fi
  if grep -q -- '--threads' "$work/logs/mailtap-help.out"; then
    mailtap_row mailtap-t2 "mailtap replay --threads 2" --threads 2 || true
  fi
  if [ -n "$jdk25" ] && [ -x "$jdk25" ]; then
    saved_java="${MAILTAP_JAVA-}"
    export MAILTAP_JAVA="$jdk25"
    mailtap_row mailtap-jdk25 "mailtap replay (JDK 25)" || true
    # AOT cache (JEP 483/514): one untimed training replay writes it, the timed runs load it
    aot="$work/mailtap-jdk25.aot"
    rm -f "$aot"
    if MAILTAP_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:AOTCacheOutput=$aot" \
         "$mailtap_bin" replay --out "$work/replay-out-aot-train" "$capture" >"$work/logs/aot-train.out" 2>&1 \
       && [ -f "$aot" ]; then
      saved_opts="${MAILTAP_JAVA_OPTS-}"
      export MAILTAP_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:AOTCache=$aot"
      mailtap_row mailtap-jdk25-aot "mailtap replay (JDK 25, AOT cache)" || true
      if [ -n "$saved_opts" ]; then export MAILTAP_JAVA_OPTS="$saved_opts"; else unset MAILTAP_JAVA_OPTS; fi
    else
      skipped+=("mailtap JDK 25 AOT: the training replay wrote no cache (see ${work#"$root/"}/logs/aot-train.out)")
    fi
    if [ -n "$saved_java" ]; then export MAILTAP_JAVA="$saved_java"; else unset MAILTAP_JAVA; fi
  else
    skipped+=("mailtap on JDK 25: no JDK 25 found (set MAILTAP_JAVA25)")
  fi
else
  skipped+=("mailtap replay: not available (\`$mailtap_bin replay --help\` failed; see ${work#"$root/"}/logs/mailtap-help.out and target/build.log)")
fi

# ---- report ----
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
jdk=$(java -version 2>&1 | head -n 1)
libpcap=$(tcpdump --version 2>/dev/null | sed -n 's/^libpcap version //p' | head -n 1)
tshark_v=$(tshark --version 2>/dev/null | head -n 1 || true)
{
  echo "# mailtap read benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- CPU: ${cpu:-unknown} ($cores cores), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
  echo "- JDK: $jdk; libpcap ${libpcap:-?}; ${tshark_v:-no tshark}"
  echo "- capture: \`${capture#"$root/"}\` (seed $seed, $file_packets packets, $(( file_bytes / 1048576 )) MiB${gen_mail:+, $gen_mail MAIL commands}), page cache warm"
  echo "- $runs run(s) per reader, medians; wall time around the whole process (startup included)"
  echo
  echo "| reader | packets | median s | median packets/s | vs C limit | CPU s | peak RSS MB | GC pause ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for r in "${rows[@]}"; do
    IFS='|' read -r label pkts ms rss gc cpu <<<"$r"
    awk -v l="$label" -v p="$pkts" -v ms="$ms" -v rss="$rss" -v gc="$gc" -v c="$c_pps" -v cpu="$cpu" 'BEGIN {
      pps = ms > 0 ? p * 1000 / ms : 0
      ratio = (c != "" && c > 0) ? sprintf("%.3f", pps / c) : "n/a"
      rssmb = rss > 0 ? sprintf("%.0f", rss / 1024) : "n/a"
      cpus = cpu > 0 ? sprintf("%.2f", cpu / 1000) : "n/a"
      printf "| %s | %d | %.3f | %.0f | %s | %s | %s | %s |\n", l, p, ms / 1000, pps, ratio, cpus, rssmb, (gc == "" ? "" : gc)
    }'
  done
  echo
  if [ -n "$mailtap_pps" ] && [ -n "$tshark_pps" ] && [ "$tshark_pps" -gt 0 ]; then
    awk -v m="$mailtap_pps" -v t="$tshark_pps" 'BEGIN { printf "mailtap/tshark packets/s ratio: %.1f\n", m / t }'
  fi
  if [ -n "$tshark_mail" ]; then
    echo "tshark decoded $tshark_mail MAIL commands; the generator wrote $gen_mail."
  fi
  if [ -n "$mailtap_note" ]; then echo "mailtap: $mailtap_note"; fi
  if [ -n "$mailsnarf_msgs" ]; then
    echo "Messages: the generator wrote $gen_mail MAIL commands; mailsnarf extracted $mailsnarf_msgs; mailtap's smtp.jsonl holds ${mailtap_msgs:-?} transactions."
  fi
  for s in "${skipped[@]+"${skipped[@]}"}"; do echo "skipped: $s"; done
  echo
  echo "Commands: \`bench/work/bin/pcap_count FILE\`, \`bench/work/bin/pcap_decode FILE\`,"
  echo "\`tcpdump -r FILE -w /dev/null\`, \`tshark -r SLICE -T fields -e smtp.req.command -e smtp.req.parameter -e smtp.response.code\`,"
  echo "\`mailsnarf -p FILE\`, \`ndpiReader -i FILE -q\`,"
  echo "\`MAILTAP_JAVA_OPTS=-Xlog:gc*:file=GCLOG ./mailtap replay --out DIR FILE\` (MAILTAP_JAVA=JDK 25's java for the JDK 25 rows)."
} | tee "$work/results.md"
