#!/usr/bin/env bash
# mailtap lab: network namespaces with real mail software and a SPAN port.
#
#   lab/netlab.sh up | down | status
#
# Topology (all addresses are documentation/benchmark ranges; nothing is routed
# to the host's interfaces and no namespace has a route that leaves the lab):
#
#   mt-ws1  198.18.10.21  ┐
#   mt-ws2  198.18.10.22  ├─ br-lan 198.18.10.1 ┐
#   mt-fw   198.18.10.254 ┘                     │
#                                        mt-router ── rt-srv 198.18.20.1 ── mt-mail 198.18.20.10 (Postfix)
#                                               │ ├── rt-inet1 203.0.113.1 ── mt-inet 203.0.113.25 (MX sink)
#                                               │ │                                  203.0.113.26 (RBL-rejecting sink)
#                                               │ │                                  203.0.113.27 (CBL-rejecting sink, at MAIL)
#                                               │ └── rt-inet2 198.51.100.1 ── mt-inet 198.51.100.10 (outside relay)
#                                               └── rt-span ── mt-sensor span0 (no IP; mirror of every router leg's ingress)
#
# The router mirrors the *ingress* of every leg (tc clsact + u32 + mirred), so each
# packet that crosses it appears exactly once on span0. The router drops TCP/25
# from ws2 to the internet ranges (FIB policy rule "blackhole": this kernel has no
# tc gact and no iptables/nft), so ws2 produces SYN-only "attempted" connections.
#
# The file can be sourced for its variables and helpers (lab_cleanup_push,
# lab_cleanup_pop, lab_is_up, lab_up, lab_down, lab_in, lab_wait_queue_empty);
# executed, it runs the subcommand.
#
# Environment: MAILTAP_LAB_RUN   state directory (default /run/mailtap-lab)
#              MAILTAP_LAB_BLOCK_WS2=0  do not install the ws2 egress drop
# Strict mode, except when sourced into an interactive shell (it would exit on error).
[[ $- == *i* ]] || set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_RUN=${MAILTAP_LAB_RUN:-/run/mailtap-lab}
LAB_PYTHON=${MAILTAP_LAB_PYTHON:-/usr/bin/python3}   # Debian's python3 has aiosmtpd
LAB_NS=(mt-inet mt-router mt-sensor mt-mail mt-ws1 mt-ws2 mt-fw)
PF_ETC=$LAB_RUN/postfix/etc
PF_QUEUE=$LAB_RUN/postfix/queue
PF_DATA=$LAB_RUN/postfix/data
PF_MAIL=$LAB_RUN/postfix/mail
PF_LOG=$LAB_RUN/postfix/maillog
SINK_DIR=$LAB_RUN/sinks
SINK_SPOOL=$SINK_DIR/received.jsonl

lab_log() { printf '[netlab] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- cleanup helper
# lab_cleanup_push 'shell command'   run at EXIT (also on INT/TERM), last pushed first
# lab_cleanup_pop                    forget the most recent command (after success)
# lab_cleanup_run                    run (and forget) all now
_LAB_CLEANUP=()
lab_cleanup_run() {
  local rc=$? i
  set +e
  for ((i = ${#_LAB_CLEANUP[@]} - 1; i >= 0; i--)); do
    eval "${_LAB_CLEANUP[i]}"
  done
  _LAB_CLEANUP=()
  return $rc
}
lab_cleanup_push() {
  _LAB_CLEANUP+=("$*")
  trap lab_cleanup_run EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
lab_cleanup_pop() {
  if ((${#_LAB_CLEANUP[@]})); then unset '_LAB_CLEANUP[${#_LAB_CLEANUP[@]}-1]'; fi
}

# ---------------------------------------------------------------- small helpers
lab_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
_ns_exists() { [[ -e /run/netns/$1 ]]; }
_pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# veth NAME_A NS_A NAME_B NS_B MAC_A MAC_B : a pair with offloads off on both ends
_veth() {
  local a=$1 na=$2 b=$3 nb=$4 ma=$5 mb=$6
  ip link add "$a" netns "$na" address "$ma" type veth peer name "$b" netns "$nb" address "$mb"
  # Without this a mirror carries 37 KB GSO super-frames with bad checksums.
  lab_in "$na" ethtool -K "$a" tx off tso off gso off gro off >/dev/null
  lab_in "$nb" ethtool -K "$b" tx off tso off gso off gro off >/dev/null
}

_write_netns_etc() {
  local ns
  for ns in "${LAB_NS[@]}"; do
    mkdir -p "/etc/netns/$ns"
    cat >"/etc/netns/$ns/hosts" <<'EOF'
127.0.0.1	localhost
198.18.10.1	router.corp.example router
198.18.20.1	router-srv.corp.example
198.18.10.21	ws1.corp.example ws1
198.18.10.22	ws2.corp.example ws2
198.18.10.254	fw.corp.example fw
198.18.20.10	mail.corp.example mail
203.0.113.25	mx.example.net
203.0.113.26	mx.example.org
203.0.113.27	mx.lists.example
198.51.100.10	smtp-relay.example.com
EOF
    # No resolver exists in the lab: a query to 127.0.0.1:53 fails at once
    # (ICMP port unreachable on lo) instead of waiting 5 s.
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"/etc/netns/$ns/resolv.conf"
  done
}

# ---------------------------------------------------------------- network
_net_up() {
  local ns
  for ns in "${LAB_NS[@]}"; do
    ip netns add "$ns"
    lab_in "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
  done
  _write_netns_etc

  # router legs (MACs fixed so captures are reproducible: 02:00:<net>:<host>)
  ip -n mt-router link add br-lan address 02:00:0a:00:00:01 type bridge
  _veth rl-ws1 mt-router eth0 mt-ws1 02:00:0a:01:00:15 02:00:0a:00:00:15
  _veth rl-ws2 mt-router eth0 mt-ws2 02:00:0a:01:00:16 02:00:0a:00:00:16
  _veth rl-fw mt-router eth0 mt-fw 02:00:0a:01:00:fe 02:00:0a:00:00:fe
  _veth rt-srv mt-router eth0 mt-mail 02:00:14:00:00:01 02:00:14:00:00:0a
  _veth rt-inet1 mt-router inet1 mt-inet 02:00:71:00:00:01 02:00:71:00:00:19
  _veth rt-inet2 mt-router inet2 mt-inet 02:00:64:00:00:01 02:00:64:00:00:0a
  _veth rt-span mt-router span0 mt-sensor 02:00:ee:00:00:01 02:00:ee:00:00:02

  local r=mt-router
  lab_in $r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
    net.ipv4.conf.default.send_redirects=0
  for d in rl-ws1 rl-ws2 rl-fw; do ip -n $r link set "$d" master br-lan up; done
  ip -n $r addr add 198.18.10.1/24 dev br-lan
  ip -n $r addr add 198.18.20.1/24 dev rt-srv
  ip -n $r addr add 203.0.113.1/24 dev rt-inet1
  ip -n $r addr add 198.51.100.1/24 dev rt-inet2
  for d in br-lan rt-srv rt-inet1 rt-inet2 rt-span; do ip -n $r link set "$d" up; done

  # SPAN: mirror the ingress of every router leg (ingress only: egress too would
  # show each routed packet twice). Not on br-lan itself: its ports are the legs.
  for d in rl-ws1 rl-ws2 rl-fw rt-srv rt-inet1 rt-inet2; do
    lab_in $r tc qdisc add dev "$d" clsact
    lab_in $r tc filter add dev "$d" ingress protocol all prio 1 \
      u32 match u32 0 0 action mirred egress mirror dev rt-span
  done

  # Egress policy: ws2's TCP/25 to the internet ranges is silently dropped.
  if [[ ${MAILTAP_LAB_BLOCK_WS2:-1} != 0 ]]; then
    local dst
    for dst in 203.0.113.0/24 198.51.100.0/24; do
      lab_in $r ip rule add pref 100 from 198.18.10.22/32 to "$dst" ipproto tcp dport 25 blackhole
    done
  fi

  # sensor: span0 up, promiscuous, no address, sends nothing
  ip -n mt-sensor link set span0 promisc on up

  # hosts
  local host ip
  for host in mt-ws1:198.18.10.21 mt-ws2:198.18.10.22 mt-fw:198.18.10.254; do
    ns=${host%%:*} ip=${host#*:}
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via 198.18.10.1
  done
  ip -n mt-mail addr add 198.18.20.10/24 dev eth0
  ip -n mt-mail link set eth0 up
  ip -n mt-mail route add default via 198.18.20.1

  # "internet": two legs; replies leave by the leg their source address belongs to
  ip -n mt-inet addr add 203.0.113.25/24 dev inet1
  ip -n mt-inet addr add 203.0.113.26/24 dev inet1
  ip -n mt-inet addr add 203.0.113.27/24 dev inet1
  ip -n mt-inet addr add 198.51.100.10/24 dev inet2
  ip -n mt-inet link set inet1 up
  ip -n mt-inet link set inet2 up
  ip -n mt-inet route add 198.18.0.0/15 via 203.0.113.1 dev inet1 src 203.0.113.25
  ip -n mt-inet route add 198.18.0.0/15 via 198.51.100.1 dev inet2 table 100
  ip -n mt-inet rule add pref 100 from 198.51.100.10 lookup 100
}

# ---------------------------------------------------------------- sinks
_sinks_up() {
  mkdir -p "$SINK_DIR"
  : >"$SINK_SPOOL"
  lab_in mt-inet setsid "$LAB_PYTHON" "$LAB_DIR/sinks.py" --spool "$SINK_SPOOL" \
    203.0.113.25:25=accept:mx.example.net \
    203.0.113.26:25=rbl:mx.example.org \
    203.0.113.27:25=cbl:mx.lists.example \
    198.51.100.10:25=relay:smtp-relay.example.com \
    </dev/null >"$SINK_DIR/sinks.log" 2>&1 &
  echo $! >"$SINK_DIR/sinks.pid"
  local i
  for ((i = 0; i < 50; i++)); do
    if [[ $(grep -c '^listening' "$SINK_DIR/sinks.log" 2>/dev/null) == 4 ]]; then return 0; fi
    _pid_alive "$(cat "$SINK_DIR/sinks.pid")" || break
    sleep 0.1
  done
  cat "$SINK_DIR/sinks.log" >&2
  lab_log "sinks did not start"
  return 1
}

# ---------------------------------------------------------------- postfix
_postfix_up() {
  mkdir -p "$PF_ETC/sasl" "$PF_QUEUE" "$PF_DATA" "$PF_MAIL"
  chown postfix:postfix "$PF_DATA" "$PF_MAIL"
  cp /etc/postfix/master.cf "$PF_ETC/master.cf"
  cat >"$PF_ETC/main.cf" <<EOF
# mailtap lab Postfix instance (generated by lab/netlab.sh; not the system's)
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $PF_DATA
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.corp.example
mydomain = corp.example
myorigin = \$mydomain
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = 198.18.20.10, 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
biff = no
append_dot_mydomain = no
readme_directory = no
smtputf8_enable = no
maillog_file = $PF_LOG
maillog_file_prefixes = $LAB_RUN
# no DNS anywhere in the lab
smtpd_peername_lookup = no
smtp_host_lookup = native
disable_dns_lookups = yes
# all outbound mail goes directly to the "internet" MX sink, except
# example.org, whose MX (203.0.113.26) rejects us as blocklisted
relayhost = [203.0.113.25]:25
transport_maps = texthash:$PF_ETC/transport
# reuse outbound connections to the relayhost (several transactions per session,
# as a busy Exchange/Postfix does; also keeps the samples small)
smtp_connection_cache_destinations = 203.0.113.25
# mail for corp.example is delivered to one catch-all Maildir
virtual_mailbox_domains = corp.example
virtual_mailbox_maps = texthash:$PF_ETC/vmailbox
virtual_mailbox_base = $PF_MAIL
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
# cleartext wire (the sensor must read it)
smtpd_tls_security_level = none
smtp_tls_security_level = none
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
# Cyrus SASL with sasldb2; AUTH is enabled on the submission port only
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $PF_ETC/sasl
smtpd_sasl_local_domain = corp.example
smtpd_sasl_auth_enable = no
delay_warning_time = 0
EOF
  printf 'example.org\tsmtp:[203.0.113.26]:25\nlists.example\tsmtp:[203.0.113.27]:25\n' >"$PF_ETC/transport"
  printf '@corp.example\tcorp/catchall/\n' >"$PF_ETC/vmailbox"

  cat >"$PF_ETC/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $PF_ETC/sasl/sasldb2
EOF
  local user pass
  while read -r user pass _; do
    [[ -z $user || $user == \#* ]] && continue
    printf '%s' "$pass" | saslpasswd2 -c -p -f "$PF_ETC/sasl/sasldb2" -u corp.example "$user"
  done <"$LAB_DIR/users.txt"
  chown root:postfix "$PF_ETC/sasl/sasldb2"
  chmod 640 "$PF_ETC/sasl/sasldb2"

  # Debian chroots services; the lab instance does not.
  postconf -c "$PF_ETC" -F '*/*/chroot = n'
  postconf -c "$PF_ETC" -M 'submission/inet=submission inet n - n - - smtpd'
  postconf -c "$PF_ETC" -P \
    'submission/inet/syslog_name=postfix/submission' \
    'submission/inet/smtpd_tls_security_level=none' \
    'submission/inet/smtpd_sasl_auth_enable=yes' \
    'submission/inet/smtpd_client_restrictions=permit_sasl_authenticated,reject' \
    'submission/inet/smtpd_relay_restrictions=permit_sasl_authenticated,reject'

  # inside mt-mail: Postfix checks that inet_interfaces are local addresses.
  # Early fatal errors go to syslog (absent here), so show the maillog on failure.
  if ! lab_in mt-mail postfix -c "$PF_ETC" check || ! lab_in mt-mail postfix -c "$PF_ETC" start; then
    lab_log "postfix check/start failed"; tail -20 "$PF_LOG" >&2 || true
    return 1
  fi
  local i l25 l587
  for ((i = 0; i < 50; i++)); do
    # read whole, then match: `ss | grep -q` fails at random under pipefail (SIGPIPE)
    l25=$(lab_in mt-mail ss -Hltn 'sport = :25' || true)
    l587=$(lab_in mt-mail ss -Hltn 'sport = :587' || true)
    if [[ $l25 == *198.18.20.10* && $l587 == *198.18.20.10* ]]; then
      return 0
    fi
    sleep 0.1
  done
  lab_log "postfix does not listen on 198.18.20.10:25/587"; tail -20 "$PF_LOG" >&2 || true
  return 1
}

# ---------------------------------------------------------------- subcommands
lab_is_up() {
  local ns
  for ns in "${LAB_NS[@]}"; do _ns_exists "$ns" || return 1; done
  [[ -f $SINK_DIR/sinks.pid ]] && _pid_alive "$(cat "$SINK_DIR/sinks.pid")" || return 1
  lab_in mt-mail postfix -c "$PF_ETC" status >/dev/null 2>&1 || return 1
}

lab_up() {
  if lab_is_up; then lab_log "already up"; return 0; fi
  local ns
  for ns in "${LAB_NS[@]}"; do
    if _ns_exists "$ns"; then lab_log "partial lab found; tearing it down first"; lab_down; break; fi
  done
  command -v swaks >/dev/null || { lab_log "swaks missing"; return 1; }
  "$LAB_PYTHON" -c 'import aiosmtpd' || { lab_log "python3-aiosmtpd missing"; return 1; }
  lab_cleanup_push lab_down
  mkdir -p "$LAB_RUN"
  _net_up
  _sinks_up
  _postfix_up
  lab_cleanup_pop
  lab_log "up (state in $LAB_RUN)"
}

lab_down() {
  local had_e=0
  [[ $- == *e* ]] && had_e=1
  set +e
  if [[ -f $PF_ETC/main.cf ]] && _ns_exists mt-mail; then
    lab_in mt-mail postfix -c "$PF_ETC" stop >/dev/null 2>&1
  fi
  if [[ -f $SINK_DIR/sinks.pid ]]; then
    local pid; pid=$(cat "$SINK_DIR/sinks.pid")
    _pid_alive "$pid" && kill "$pid"
  fi
  local ns pids
  sleep 0.2
  # whatever the lab started inside its namespaces and is still running, by pid
  for ns in "${LAB_NS[@]}"; do
    _ns_exists "$ns" || continue
    mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
    ((${#pids[@]})) || continue
    kill "${pids[@]}" 2>/dev/null
    sleep 0.3
    mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
    ((${#pids[@]})) && kill -9 "${pids[@]}" 2>/dev/null
  done
  for ns in "${LAB_NS[@]}"; do
    _ns_exists "$ns" && ip netns del "$ns"
    rm -rf "/etc/netns/$ns"
  done
  rmdir /etc/netns 2>/dev/null
  rm -rf "$LAB_RUN"
  ((had_e)) && set -e
  lab_log "down"
}

lab_queue_is_empty() {
  local q
  q=$(lab_in mt-mail postqueue -c "$PF_ETC" -p 2>/dev/null || true)
  [[ $q == "Mail queue is empty"* ]]
}

# lab_wait_queue_empty [TIMEOUT_S]
lab_wait_queue_empty() {
  local t=${1:-30} i
  for ((i = 0; i < t * 5; i++)); do
    lab_queue_is_empty && return 0
    sleep 0.2
  done
  lab_log "queue not empty after ${t}s"; lab_in mt-mail postqueue -c "$PF_ETC" -p >&2 || true
  return 1
}

# lab_wait_idle [TIMEOUT_S]: until no TCP connection is open anywhere in the lab (Postfix keeps
# its outbound connection cached ~2 s after the queue drains). Returns 1 on timeout.
lab_wait_idle() {
  local t=${1:-15} i ns busy
  for ((i = 0; i < t * 5; i++)); do
    busy=0
    for ns in mt-mail mt-inet mt-ws1 mt-ws2 mt-fw; do
      [[ -n $(ip netns exec "$ns" ss -Htn state established state syn-sent state fin-wait-1 state last-ack 2>/dev/null) ]] && busy=1
    done
    ((busy)) || return 0
    sleep 0.2
  done
  lab_log "connections still open after ${t}s"
  return 1
}

lab_status() {
  local ns up=0
  for ns in "${LAB_NS[@]}"; do
    if _ns_exists "$ns"; then
      up=$((up + 1))
      printf '%-10s %s\n' "$ns" "$(ip -n "$ns" -br -4 addr show | awk '$1!="lo"{$2=$2; printf "%s; ", $0}')"
    else
      printf '%-10s (absent)\n' "$ns"
    fi
  done
  ((up)) || { echo "lab is down"; return 0; }
  _ns_exists mt-sensor && echo "sensor:    $(ip -n mt-sensor -br link show span0 | awk '{$1=$1; print}')"
  if _ns_exists mt-router; then
    echo "ws2 egress drop rules:"; lab_in mt-router ip rule show pref 100 | sed 's/^/  /'
  fi
  if [[ -f $SINK_DIR/sinks.pid ]] && _pid_alive "$(cat "$SINK_DIR/sinks.pid")"; then
    echo "sinks: running (pid $(cat "$SINK_DIR/sinks.pid")), $(wc -l <"$SINK_SPOOL") records in $SINK_SPOOL"
  else
    echo "sinks: not running"
  fi
  if lab_in mt-mail postfix -c "$PF_ETC" status >/dev/null 2>&1; then
    echo "postfix: running ($PF_ETC); queue: $(lab_in mt-mail postqueue -c "$PF_ETC" -p | tail -1)"
  else
    echo "postfix: not running"
  fi
  lab_is_up && echo "lab is up" || echo "lab is partially up"
}

lab_main() {
  [[ $EUID == 0 ]] || { echo "netlab.sh: must run as root" >&2; exit 1; }
  case ${1:-} in
    up) lab_up ;;
    down) lab_down ;;
    status) lab_status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  lab_main "$@"
fi
