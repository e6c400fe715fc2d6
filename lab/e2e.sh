#!/usr/bin/env bash
# End-to-end test of mailtap in the lab: real Postfix/swaks traffic on the SPAN port, mailtap `run`
# capturing it live, real Prometheus scraping mailtap and evaluating the shipped rules, real
# Alertmanager receiving mailtap's pushes and delivering them to a webhook receiver.
#
#   lab/e2e.sh [--keep] [--no-ws2]          (root; run from anywhere)
#   lab/e2e.sh --check                      only check the prerequisites (exit 0, or 2 naming what is missing)
#
# 1. lab up (lab/netlab.sh), after tearing down what a previous, killed e2e run left behind
# 2. in ns mt-sensor, on its loopback only: webhook receiver :9099 (lab/e2e_check.py), Alertmanager
#    :9093, mailtap run (capture span0, metrics :9725, pushes to Alertmanager and to the receiver),
#    Prometheus :9090 (scrape mailtap every 2 s, rules ops/prometheus/mailtap-rules.yml); wait
#    until Prometheus has the mailtap target up
# 3. traffic (lab/scenarios.sh): legit_outbound, legit_submission, egress_violation_ws1,
#    firewall_report, null_sender_burst (30 x MAIL FROM:<> as mallory), guest_login,
#    egress_attempt_ws2 (1 attempt; --no-ws2 leaves it out)
# 4. checks (lab/e2e_check.py live): the expected mailtap alerts arrive through Alertmanager with
#    the right labels, nothing else from mailtap does; mailtap's webhook sink; Prometheus target up,
#    rules loaded, null-sender counter; mailtap's /metrics
# 5. SIGTERM mailtap: exit 0 within 30 s; smtp.jsonl / alerts.jsonl hold the expected records
#    (lab/e2e_check.py files); no lab password in any output
# 6. PASS/FAIL summary; on failure the logs of every component. Namespaces and every process are
#    cleaned up on any exit (trap), also on a failure, TERM/INT or the overall timeout.
#
# Environment:
#   MAILTAP_E2E_TIMEOUT   overall limit in seconds (default 360); past it the run is stopped, cleaned up, FAIL
#   MAILTAP_E2E_DIR       work directory (configs, logs, outputs; kept). Default: a mktemp dir, removed after a PASS
#   MAILTAP_JAR           mailtap jar to run (default: built/refreshed by ./mailtap into target/mailtap.jar)
#   MAILTAP_JAVA_OPTS     extra JVM options
#   MAILTAP_E2E_RULES     Prometheus rule file (default ops/prometheus/mailtap-rules.yml)
#   MAILTAP_E2E_REPLACE_LAB=1  tear down a lab that is up but was not started by an e2e run
#                              (otherwise exit 75: someone else is using the lab)
# Exit: 0 PASS, 1 FAIL, 2 prerequisites missing / usage, 75 the lab is in use by someone else.
#
# Functions run from the EXIT trap (lab_cleanup_push) look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_HERE/.." && pwd)
# shellcheck source=netlab.sh
source "$E2E_HERE/netlab.sh"
# shellcheck source=scenarios.sh
source "$E2E_HERE/scenarios.sh"

E2E_T0=${EPOCHREALTIME/./}
E2E_TIMEOUT=${MAILTAP_E2E_TIMEOUT:-360}
E2E_RULES=${MAILTAP_E2E_RULES:-$REPO/ops/prometheus/mailtap-rules.yml}
E2E_SENSOR=e2e-sensor
E2E_NULL=30                 # null-sender mails of the burst (detect.null_sender_burst.threshold is 20)
E2E_LOCK=/run/mailtap-e2e.lock     # flock'ed around reads/writes of E2E_OWNER
E2E_OWNER=/run/mailtap-e2e.owner   # "PID STARTTIME" of the e2e run that owns the lab
E2E_KEEP=0
E2E_WS2=1
E2E_CHECK_ONLY=0
E2E_DONE=0                  # 1 once every step ran
E2E_LAB_OURS=0              # 1 once this run brings the lab up (then it must leave no namespace)
E2E_STEP="start"
E2E_ABORT=                  # why e2e_die stopped the run
E2E_PIDS=()                 # name:pid of what we started (for the cleanup check)
PY=$LAB_PYTHON

for arg in "$@"; do
  case $arg in
    --keep) E2E_KEEP=1 ;;
    --no-ws2) E2E_WS2=0 ;;
    --check) E2E_CHECK_ONLY=1 ;;
    -h|--help) sed -n '2,/^# Exit:/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "e2e.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

e2e_log() {
  local now=${EPOCHREALTIME/./}
  printf '[e2e %6.1fs] %s\n' "$(((now - E2E_T0) / 100000))e-1" "$*"
}
e2e_step() { E2E_STEP=$*; e2e_log "== $*"; }
e2e_die() { E2E_ABORT=$*; e2e_log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- prerequisites
# What the machine must have (Debian packages: see lab/README.md); the repository's own files
# (jar, rules) are checked later and are failures, not missing prerequisites.
e2e_prereqs() {
  local missing=() c
  [[ $EUID == 0 ]] || missing+=("root (network namespaces)")
  for c in ip tc ethtool unshare flock postfix postconf postqueue saslpasswd2 swaks tcpdump \
    prometheus prometheus-alertmanager java; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [[ -x $PY ]] && "$PY" -c 'import aiosmtpd' 2>/dev/null || missing+=("$PY with aiosmtpd (python3-aiosmtpd)")
  # (not `ldconfig -p | grep -q`: with pipefail, grep's early exit fails the pipeline by SIGPIPE)
  [[ $(ldconfig -p 2>/dev/null) == *libpcap.so* ]] || missing+=("libpcap (libpcap0.8)")
  if ((${#missing[@]})); then
    local list
    printf -v list '%s, ' "${missing[@]}"
    echo "e2e.sh: missing prerequisites: ${list%, }" >&2
    exit 2
  fi
}
e2e_prereqs
((E2E_CHECK_ONLY)) && { echo "e2e.sh: prerequisites present"; exit 0; }
[[ -f $E2E_RULES ]] || { echo "e2e.sh: no Prometheus rule file $E2E_RULES" >&2; exit 1; }

# ---------------------------------------------------------------- work directory
if [[ -n ${MAILTAP_E2E_DIR:-} ]]; then
  W=$(realpath -m "$MAILTAP_E2E_DIR")
  if [[ -d $W && -n $(ls -A "$W") && ! -f $W/.mailtap-e2e ]]; then
    echo "e2e.sh: $W is not empty and not an e2e work directory; refusing to clear it" >&2; exit 2
  fi
  rm -rf "$W"
  E2E_KEEP=1
else
  W=$(mktemp -d /tmp/mailtap-e2e.XXXXXX)
fi
mkdir -p "$W/logs" "$W/mailtap-out" "$W/prometheus-data" "$W/alertmanager-data"
touch "$W/.mailtap-e2e"
RESULTS=$W/results.tsv
RECEIVED=$W/receiver.jsonl
: >"$RESULTS"
: >"$RECEIVED"

# one result line, same format as e2e_check.py's
e2e_result() { # ok(0/1) what detail
  local tag=FAIL; (($1)) && tag=PASS
  printf '%s\t%s\t%s\n' "$tag" "$2" "${3:-}" | tee -a "$RESULTS"
}

# ---------------------------------------------------------------- processes
_e2e_alive() { # PID: running (not gone, not a zombie)
  local st
  [[ -n ${1:-} && -r /proc/$1/stat ]] || return 1
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z && $st != X ]]
}

# e2e_start NAME CMD... : run CMD inside mt-sensor in the background, log to $W/logs/NAME.log;
# sets E2E_LAST_PID. `ip netns exec` execs CMD, so the pid is CMD's own.
e2e_start() {
  local name=$1; shift
  ip netns exec mt-sensor env -u NOTIFY_SOCKET "$@" </dev/null >"$W/logs/$name.log" 2>&1 &
  E2E_LAST_PID=$!
  E2E_PIDS+=("$name:$E2E_LAST_PID")
  lab_cleanup_push "e2e_stop $name $E2E_LAST_PID TERM 10"
  e2e_signal_traps
  e2e_log "started $name (pid $E2E_LAST_PID): $*"
}

# e2e_stop NAME PID SIGNAL TIMEOUT_S : signal, wait, then KILL; sets E2E_STOP_RC (255: killed)
e2e_stop() {
  local name=$1 pid=$2 sig=$3 t=$4 i killed=0 rc
  if _e2e_alive "$pid"; then
    kill -"$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < t * 10; i++)); do
      _e2e_alive "$pid" || break
      sleep 0.1
    done
    if _e2e_alive "$pid"; then
      e2e_log "$name (pid $pid) still running ${t}s after SIG$sig: KILL"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
    fi
  fi
  wait "$pid" 2>/dev/null && rc=0 || rc=$?
  ((killed)) && rc=255
  E2E_STOP_RC=$rc
  return 0
}

# pids of PID's children (from /proc: procps may not be installed)
_e2e_children() {
  local f s ppid
  for f in /proc/[0-9]*/stat; do
    { s=$(<"$f"); } 2>/dev/null || continue
    read -r _ ppid _ <<<"${s##*) }"
    [[ $ppid == "$1" ]] && { f=${f#/proc/}; echo "${f%/stat}"; }
  done
  return 0
}

# e2e_wait_http NAME PID URL TIMEOUT_S : until URL answers 2xx (fails at once if PID died)
e2e_wait_http() {
  local name=$1 pid=$2 url=$3 t=$4 end=$((SECONDS + $4))
  while ((SECONDS < end)); do
    _e2e_alive "$pid" || { tail -n 40 "$W/logs/$name.log" | sed "s/^/[$name] /"; e2e_die "$name exited before it served $url"; }
    if ip netns exec mt-sensor "$PY" "$E2E_HERE/e2e_check.py" wait-http "$url" --timeout 1 2>/dev/null; then
      e2e_log "$name answers on $url"
      return 0
    fi
  done
  tail -n 40 "$W/logs/$name.log" | sed "s/^/[$name] /"
  e2e_die "$name does not answer on $url after ${t}s"
}

e2e_check() { ip netns exec mt-sensor "$PY" "$E2E_HERE/e2e_check.py" "$@"; }


# ---------------------------------------------------------------- one run at a time
# $E2E_OWNER holds "PID STARTTIME" of the run that owns the lab. flock guards only the short
# check-and-write (a lock fd held for the whole run would be inherited by every child the lab
# forks, and a run killed with -9 would leave its lock behind); a dead owner is stale.
_e2e_starttime() { # field 22 of /proc/PID/stat (after the "(comm)", field 3 is index 0)
  local s f
  { s=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
  read -r -a f <<<"${s##*) }"
  echo "${f[19]}"
}
e2e_lock() {
  local end=$((SECONDS + 300)) rc said=0
  while :; do
    rc=0
    (
      flock -w 10 9 || exit 2
      { read -r opid ostart <"$E2E_OWNER"; } 2>/dev/null || true
      if [[ -n ${opid:-} && $opid != "$$" && $(_e2e_starttime "$opid") == "$ostart" ]]; then exit 1; fi
      echo "$$ $(_e2e_starttime $$)" >"$E2E_OWNER"
    ) 9>>"$E2E_LOCK" || rc=$?
    ((rc == 0)) && { E2E_LOCKED=1; return 0; }
    ((SECONDS < end)) || return 1
    if ((rc == 1 && !said)); then e2e_log "waiting (up to 300 s) for the e2e run $(cut -d' ' -f1 "$E2E_OWNER") to finish"; said=1; fi
    sleep 5
  done
}
e2e_unlock() {
  ((${E2E_LOCKED:-0})) || return 0
  local opid
  read -r opid _ <"$E2E_OWNER" 2>/dev/null || true
  [[ ${opid:-} == "$$" ]] && rm -f "$E2E_OWNER"
  E2E_LOCKED=0
}

# ---------------------------------------------------------------- cleanup and summary
# lab_cleanup_push (re)sets INT/TERM to a plain exit; these also say why the run stopped.
e2e_signal_traps() {
  trap 'E2E_ABORT="stopped by SIGTERM"; exit 143' TERM
  trap 'E2E_ABORT="stopped by SIGINT"; exit 130' INT
}

_e2e_ppid() { local s; { s=$(<"/proc/$1/stat"); } 2>/dev/null || return 1; read -r _ s _ <<<"${s##*) }"; echo "$s"; }
_e2e_watchdog() {
  local t=$1 main=$2 i c
  for ((i = 0; i < t; i++)); do
    sleep 1
    # the main shell is gone (killed with -9): so is the job, and its pid may be reused
    [[ $(_e2e_ppid "$BASHPID") == "$main" ]] || exit 0
  done
  echo "[e2e] TIMEOUT: the run took more than ${t}s; stopping it" >&2
  echo "TIMEOUT" >"$W/timeout"
  kill -TERM "$main" 2>/dev/null || true
  sleep 2
  # the main shell runs its trap only when its foreground command ends: end that command
  for c in $(_e2e_children "$main"); do
    [[ $c == "$BASHPID" ]] || kill -TERM "$c" 2>/dev/null || true
  done
}

e2e_stop_watchdog() {
  local c
  [[ -n ${E2E_WD:-} ]] || return 0
  for c in $(_e2e_children "$E2E_WD"); do kill "$c" 2>/dev/null || true; done
  kill "$E2E_WD" 2>/dev/null || true
  wait "$E2E_WD" 2>/dev/null || true   # its TERM status; set -e must not see it
  E2E_WD=
}

# save the lab's logs (its run directory goes away with the lab), then tear the lab down
e2e_lab_down() {
  if [[ -d $LAB_RUN ]]; then
    mkdir -p "$W/lab"
    cp -a "$LAB_RUN/swaks.log" "$LAB_RUN/postfix/maillog" "$LAB_RUN/sinks/sinks.log" \
      "$LAB_RUN/sinks/received.jsonl" "$W/lab/" 2>/dev/null
  fi
  lab_down
}

e2e_dump_logs() {
  local f
  echo "---------------------------------------------------------------- logs ($W)"
  for f in "$W"/logs/{mailtap,alertmanager,prometheus,receiver,tcpdump}.log "$W"/lab/maillog "$W"/lab/sinks.log; do
    [[ -s $f ]] || continue
    echo "----- ${f#"$W"/} (last 150 lines)"
    tail -n 150 "$f"
  done
  if [[ -s $W/lab/swaks.log ]]; then
    echo "----- lab/swaks.log (last 60 lines)"; tail -n 60 "$W/lab/swaks.log"
  fi
  echo "----- receiver.jsonl: $(wc -l <"$RECEIVED") POSTs; per POST: path, status, alerts"
  "$PY" - "$RECEIVED" <<'EOF' 2>&1 | tail -n 80
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    b = p.get("body")
    if isinstance(b, dict) and "alerts" in b:
        al = ["%s(%s)" % (a["labels"].get("alertname"), ",".join(
            "%s=%s" % (k, a["labels"][k]) for k in ("src_ip", "account", "dst_ip", "sensor", "instance") if k in a["labels"]))
              for a in b["alerts"]]
        print(p["t"], p["path"], b.get("status"), "; ".join(al))
    else:
        print(p["t"], p["path"], json.dumps(b)[:300])
EOF
  for f in "$W"/mailtap-out/*.jsonl; do
    [[ -s $f ]] || continue
    echo "----- ${f#"$W"/} (last 40 lines)"; tail -n 40 "$f" | cut -c1-400
  done
  if [[ -s $W/span0.pcap ]]; then
    echo "----- span0 capture of the run: $W/span0.pcap — re-check offline with:"
    echo "      java -jar ${E2E_JAR:-target/mailtap.jar} replay --config $W/mailtap.yml --out /tmp/x $W/span0.pcap"
  fi
}

# runs last at exit (pushed first): verify the cleanup, print the summary
e2e_finish() {
  local entry name pid left=() nfail npass ok=1 elapsed
  e2e_stop_watchdog
  e2e_unlock
  for entry in "${E2E_PIDS[@]}"; do
    name=${entry%%:*} pid=${entry#*:}
    _e2e_alive "$pid" && left+=("$name:$pid")
  done
  local ns_left=
  ((E2E_LAB_OURS)) && ns_left=$(ip netns list 2>/dev/null | awk '$1 ~ /^mt-/ {printf "%s ", $1}')
  npass=$(grep -c '^PASS' "$RESULTS" 2>/dev/null || true)
  nfail=$(grep -c '^FAIL' "$RESULTS" 2>/dev/null || true)
  ((E2E_DONE && nfail == 0 && npass > 0)) || ok=0
  [[ -z $ns_left && ${#left[@]} == 0 ]] || ok=0
  elapsed=$(((${EPOCHREALTIME/./} - E2E_T0) / 1000000))
  echo
  echo "================================================================ mailtap e2e summary"
  sed 's/^\(PASS\|FAIL\)\t\([^\t]*\)\t\(.*\)$/\1  \2\n        \3/' "$RESULTS"
  [[ -e $W/timeout ]] && echo "FAIL  overall timeout of ${E2E_TIMEOUT}s reached"
  ((E2E_DONE)) || echo "FAIL  aborted during: $E2E_STEP${E2E_ABORT:+: $E2E_ABORT}"
  if [[ -z $ns_left && ${#left[@]} == 0 ]]; then
    echo "PASS  cleanup: no mt-* namespace and none of the ${#E2E_PIDS[@]} started processes left"
  else
    echo "FAIL  cleanup: namespaces left: ${ns_left:-none}; processes left: ${left[*]:-none}"
  fi
  if ((ok)); then
    echo "E2E PASS: $npass checks passed in ${elapsed}s"
    if ((E2E_KEEP)); then echo "work directory kept: $W"; else rm -rf "$W"; fi
  else
    e2e_dump_logs
    echo "E2E FAIL: $nfail checks failed, $npass passed, ${elapsed}s; work directory kept: $W"
    exit 1
  fi
}

# ---------------------------------------------------------------- run
lab_cleanup_push e2e_finish
e2e_signal_traps
E2E_WD=
_e2e_watchdog "$E2E_TIMEOUT" $$ &
E2E_WD=$!

e2e_step "lab up"
# one e2e run at a time on this machine (the lab's namespace names are fixed)
e2e_lock || e2e_die "another e2e run (pid $(cut -d' ' -f1 "$E2E_OWNER")) has owned the lab for more than 300s"
lab_present=0
for ns in "${LAB_NS[@]}"; do [[ -e /run/netns/$ns ]] && lab_present=1; done
[[ -d $LAB_RUN ]] && lab_present=1
if ((lab_present)); then
  if [[ -f $LAB_RUN/started-by-e2e ]]; then
    e2e_log "tearing down the lab a previous e2e run (pid $(cat "$LAB_RUN/started-by-e2e")) left behind"
    lab_down
  elif [[ ${MAILTAP_E2E_REPLACE_LAB:-0} == 1 ]]; then
    e2e_log "MAILTAP_E2E_REPLACE_LAB=1: tearing down the running lab"
    lab_down
  else
    e2e_log "the lab is up and was not started by an e2e run (lab/netlab.sh up or record.sh?):"
    e2e_log "stop it (lab/netlab.sh down) or set MAILTAP_E2E_REPLACE_LAB=1"
    E2E_PIDS=()
    lab_cleanup_pop   # e2e_finish: nothing of ours to clean up
    e2e_stop_watchdog
    e2e_unlock
    exit 75
  fi
fi
lab_cleanup_push e2e_lab_down
e2e_signal_traps
E2E_LAB_OURS=1
lab_up
e2e_signal_traps
lab_is_up || e2e_die "the lab did not come up"
echo $$ >"$LAB_RUN/started-by-e2e"

e2e_step "mailtap jar"
if [[ -n ${MAILTAP_JAR:-} ]]; then
  E2E_JAR=$(realpath "$MAILTAP_JAR")
else
  "$REPO/mailtap" --version >/dev/null   # builds target/mailtap.jar when missing or stale
  E2E_JAR=$REPO/target/mailtap.jar
fi
[[ -f $E2E_JAR ]] || e2e_die "no mailtap jar at $E2E_JAR"
e2e_log "using $E2E_JAR"

e2e_step "configuration"
cat >"$W/mailtap.yml" <<EOF
# mailtap for the e2e run (lab/e2e.sh): the lab's network plan (samples/lab.yml), live capture
# on the SPAN port, pushes to Alertmanager and to the webhook receiver, outputs in the work dir.
sensor:
  name: $E2E_SENSOR
network:
  internal: [198.18.10.0/24, 198.18.20.0/24]
  mail_servers: [198.18.20.10]
  public_helo: [mail.corp.example]
  local_domains: [corp.example]
capture:
  interface: span0
  timeout_ms: 10
  buffer_size: 8MiB
alerts:
  alertmanager:
    urls: ["http://127.0.0.1:9093"]
    resend_interval: 5s
    timeout: 2s
  webhook:
    url: "http://127.0.0.1:9099/mailtap"
    timeout: 2s
metrics:
  listen: "127.0.0.1:9725"
  path: /metrics
output:
  dir: "$W/mailtap-out"
EOF
cat >"$W/alertmanager.yml" <<'EOF'
route:
  receiver: e2e
  group_by: [alertname, src_ip, account]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: e2e
    webhook_configs:
      - url: http://127.0.0.1:9099/alertmanager
        send_resolved: true
EOF
cat >"$W/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 1s
  evaluation_interval: 2s
rule_files:
  - "$E2E_RULES"
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:9093"]
scrape_configs:
  - job_name: mailtap
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:9725"]
EOF
# shellcheck disable=SC2086 # MAILTAP_JAVA_OPTS is a list of options
if ! java ${MAILTAP_JAVA_OPTS:-} -jar "$E2E_JAR" check-config "$W/mailtap.yml" >"$W/logs/check-config.log" 2>&1; then
  cat "$W/logs/check-config.log"; e2e_die "mailtap check-config rejected $W/mailtap.yml"
fi

e2e_step "services in mt-sensor"
# a capture of the SPAN port, for diagnosis only (replay it when the live result is in doubt)
e2e_start tcpdump tcpdump -i span0 -n -U --immediate-mode -Z root -s 0 -w "$W/span0.pcap" 'tcp port 25 or tcp port 587'
for ((i = 0; i < 50; i++)); do grep -q 'listening on' "$W/logs/tcpdump.log" && break; sleep 0.1; done

e2e_start receiver "$PY" "$E2E_HERE/e2e_check.py" receiver --listen 127.0.0.1:9099 --out "$RECEIVED"
e2e_wait_http receiver "$E2E_LAST_PID" http://127.0.0.1:9099/-/ready 15

e2e_start alertmanager prometheus-alertmanager --config.file="$W/alertmanager.yml" \
  --storage.path="$W/alertmanager-data" --web.listen-address=127.0.0.1:9093 --cluster.listen-address=
e2e_wait_http alertmanager "$E2E_LAST_PID" http://127.0.0.1:9093/-/ready 30

# shellcheck disable=SC2086 # MAILTAP_JAVA_OPTS is a list of options
e2e_start mailtap java ${MAILTAP_JAVA_OPTS:-} -jar "$E2E_JAR" run --config "$W/mailtap.yml"
MAILTAP_PID=$E2E_LAST_PID
e2e_wait_http mailtap "$MAILTAP_PID" http://127.0.0.1:9725/metrics 60

e2e_start prometheus prometheus --config.file="$W/prometheus.yml" --storage.tsdb.path="$W/prometheus-data" \
  --web.listen-address=127.0.0.1:9090
PROM_PID=$E2E_LAST_PID
e2e_wait_http prometheus "$PROM_PID" http://127.0.0.1:9090/-/ready 60
if e2e_check wait-target --prometheus http://127.0.0.1:9090 --job mailtap --timeout 60; then
  e2e_log "Prometheus scrapes mailtap (target up)"
else
  e2e_die "Prometheus never had the mailtap target up"
fi

e2e_step "traffic"
SCENARIOS=(legit_outbound legit_submission egress_violation_ws1 firewall_report "null_sender_burst:$E2E_NULL" guest_login)
((E2E_WS2)) && SCENARIOS+=("egress_attempt_ws2:1")
check_args=()
for spec in "${SCENARIOS[@]}"; do
  E2E_STEP="traffic: scenario $spec (swaks transcripts: lab/swaks.log in the work directory)"
  lab_run_scenario "$spec"   # set -e: a failed scenario aborts the run
  check_args+=(--scenario "${spec%%:*}")
done
lab_wait_idle 15 || true  # continue: the capture still ends cleanly
e2e_log "traffic done; mailtap still running"

e2e_step "live checks (alerts through Alertmanager, Prometheus, /metrics)"
e2e_check live --results "$RESULTS" --sensor "$E2E_SENSOR" "${check_args[@]}" --webhook \
  --receiver-file "$RECEIVED" --prometheus http://127.0.0.1:9090 --job mailtap --rules-file "$E2E_RULES" \
  --metrics-url http://127.0.0.1:9725/metrics --alert-timeout 90 --settle 6 --min-null "$E2E_NULL" || true

e2e_step "stop mailtap (SIGTERM)"
t_stop=$SECONDS
_e2e_alive "$MAILTAP_PID" || e2e_result 0 "mailtap was still running when the checks ended" "it had exited"
e2e_stop mailtap "$MAILTAP_PID" TERM 30
e2e_result "$((E2E_STOP_RC == 0))" "mailtap exited 0 within 30s of SIGTERM" \
  "exit code $E2E_STOP_RC after $((SECONDS - t_stop))s"

e2e_step "output files"
e2e_check files --results "$RESULTS" --sensor "$E2E_SENSOR" "${check_args[@]}" --webhook \
  --out-dir "$W/mailtap-out" --null-count "$E2E_NULL" --extra-file "$RECEIVED" --extra-file "$W/logs/mailtap.log" || true

E2E_DONE=1
if grep -q '^FAIL' "$RESULTS"; then exit 1; fi
exit 0
