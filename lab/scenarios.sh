#!/usr/bin/env bash
# mailtap lab traffic scenarios (source me; the lab must be up: lab/netlab.sh up).
#
#   source lab/netlab.sh; source lab/scenarios.sh
#   legit_submission; null_sender_burst 5; lab_wait_queue_empty
#
# Each function drives real swaks clients inside the lab namespaces; every swaks
# runs in its own UTS namespace whose hostname is the lab host's FQDN, so nothing
# of the real machine (its hostname in Message-Id) reaches the wire.
# Transcripts are appended to $LAB_RUN/swaks.log.
#
# Scenario                  client (ns / IP)             what goes on the wire
# legit_outbound            mt-mail via 127.0.0.1:25     Postfix 198.18.20.10:eph -> 203.0.113.25:25
# legit_submission [NS]     mt-ws2 198.18.10.22 -> :587  AUTH PLAIN alice, then relayed out
# firewall_report           mt-fw 198.18.10.254 -> 198.51.100.10:25  HELO 127.0.0.1; relay forwards back to :25
# egress_violation_ws1      mt-ws1 198.18.10.21 -> 203.0.113.25:25   full direct dialogue, HELO "ws1"
# egress_attempt_ws2 [N]    mt-ws2 -> 203.0.113.25:25    SYNs only (router drops), N attempts (2)
# null_sender_burst [N] [NS] mt-ws1 -> :587              AUTH LOGIN mallory, N x MAIL FROM:<> (30)
# guest_login [NS]          mt-ws2 -> :587               AUTH PLAIN guest, one mail
# blocklisted [NS]          mt-ws2 -> :587 (alice)       Postfix -> 203.0.113.26:25, RCPT answered 554 ... zen.spamhaus.org
# blocklisted_twice [NS]    mt-ws2 -> :587 (alice) x2    Postfix -> 203.0.113.26:25 (RCPT 554 zen.spamhaus.org) and
#                                                        -> 203.0.113.27:25 (MAIL 550-5.7.1 x3 cbl.abuseat.org)
# auth_failures [N] [NS]    mt-ws2 -> :587               N x AUTH LOGIN alice with wrong passwords (10)

: "${LAB_DIR:?source lab/netlab.sh first}"

LAB_SCENARIOS=(legit_outbound legit_submission firewall_report egress_violation_ws1
  egress_attempt_ws2 null_sender_burst guest_login blocklisted blocklisted_twice auth_failures)

# lab_is_scenario NAME : NAME is one of LAB_SCENARIOS. A loop, not `printf | grep -q`: under
# pipefail grep's early exit kills printf with SIGPIPE and the pipeline fails at random.
lab_is_scenario() {
  local s
  for s in "${LAB_SCENARIOS[@]}"; do [[ $s == "$1" ]] && return 0; done
  return 1
}

# password of a lab account, from lab/users.txt
lab_password() { awk -v u="$1" '$1 == u { print $2 }' "$LAB_DIR/users.txt"; }

# FQDN used as hostname for swaks runs in a namespace
_lab_fqdn() {
  case $1 in
    mt-ws1) echo ws1.corp.example ;; mt-ws2) echo ws2.corp.example ;;
    mt-fw) echo fw.corp.example ;; mt-mail) echo mail.corp.example ;;
    *) echo "$1.lab.invalid" ;;
  esac
}

# _lab_swaks NS SWAKS-ARGS... : run swaks inside NS; transcript to $LAB_RUN/swaks.log
_lab_swaks() {
  local ns=$1; shift
  {
    printf '=== %s %s: swaks' "$(date +%T.%N)" "$ns"; printf ' %q' "$@"; printf '\n'
  } >>"$LAB_RUN/swaks.log"
  # shellcheck disable=SC2016 # $0/$@ are for the inner sh
  ip netns exec "$ns" unshare --uts sh -c 'hostname "$0" && exec swaks "$@"' "$(_lab_fqdn "$ns")" \
    --timeout 15 "$@" >>"$LAB_RUN/swaks.log" 2>&1
}

_lab_submit() { # NS USER MECH FROM TO [extra swaks args]
  local ns=$1 user=$2 mech=$3 from=$4 to=$5; shift 5
  _lab_swaks "$ns" --server 198.18.20.10 --port 587 --helo "$(_lab_fqdn "$ns")" \
    --auth "$mech" --auth-user "$user" --auth-password "$(lab_password "$user")" \
    --from "$from" --to "$to" "$@"
}

legit_outbound() {
  # alice's mail handed to Postfix locally (loopback, not on the SPAN); on the
  # wire: Postfix's own outbound session from an ephemeral port to the MX sink.
  _lab_swaks mt-mail --server 127.0.0.1 --port 25 --helo mail.corp.example \
    --from alice@corp.example --to bob@example.net --h-Subject "Quarterly figures"
}

legit_submission() {
  _lab_submit "${1:-mt-ws2}" alice PLAIN alice@corp.example carol@example.net \
    --h-Subject "Meeting notes"
}

firewall_report() {
  # Incident 1: the firewall mails its nightly report through an outside relay,
  # configured with the generic HELO 127.0.0.1. The relay sink forwards it back
  # to mail.corp.example:25 (HELO smtp-relay.example.com).
  _lab_swaks mt-fw --server 198.51.100.10 --port 25 --helo 127.0.0.1 \
    --from fw-report@corp.example --to it-admin@corp.example \
    --h-Subject "Nightly firewall report"
}

egress_violation_ws1() {
  # A spambot on ws1 talks SMTP straight to a remote MX (bare-hostname HELO).
  _lab_swaks mt-ws1 --server 203.0.113.25 --port 25 --helo ws1 \
    --from offers@deals.example --to target@example.net --h-Subject "Cheap offers"
}

egress_attempt_ws2() {
  # ws2 tries to reach a remote MX directly; the router drops its TCP/25, so
  # only SYNs (and their retransmissions) are seen: "attempted".
  local n=${1:-2} i
  for ((i = 1; i <= n; i++)); do
    if _lab_swaks mt-ws2 --server 203.0.113.25 --port 25 --helo ws2 --timeout 4 \
      --from offers@deals.example --to target@example.net; then
      lab_log "egress_attempt_ws2: connection unexpectedly succeeded"; return 1
    fi
  done
}

null_sender_burst() {
  # Incident 2: the stolen account mallory blasts mail with an empty sender.
  local n=${1:-30} ns=${2:-mt-ws1} i
  for ((i = 1; i <= n; i++)); do
    _lab_submit "$ns" mallory LOGIN '<>' "$(printf 'victim%02d@example.net' "$i")" \
      --pipeline --h-From '"Mail Delivery System" <postmaster@bank.example>' \
      --h-Subject "Undelivered Mail Returned to Sender" || return 1
  done
}

guest_login() {
  _lab_submit "${1:-mt-ws2}" guest PLAIN guest@corp.example dave@example.net \
    --h-Subject "hello from guest"
}

blocklisted() {
  # alice mails example.org; its MX 203.0.113.26 rejects the mail server at RCPT
  # with a Spamhaus listing. Postfix bounces locally (not on the wire).
  _lab_submit "${1:-mt-ws2}" alice PLAIN alice@corp.example partner@example.org \
    --h-Subject "Contract draft"
}

blocklisted_twice() {
  # two lists cite the mail server: example.org's MX refuses it at RCPT (Spamhaus ZEN),
  # lists.example's MX at MAIL with a three-line reply (CBL). Two blocklist findings.
  _lab_submit "${1:-mt-ws2}" alice PLAIN alice@corp.example partner@example.org \
    --h-Subject "Contract draft" || return 1
  _lab_submit "${1:-mt-ws2}" alice PLAIN alice@corp.example editor@lists.example \
    --h-Subject "Newsletter submission"
}

auth_failures() {
  local n=${1:-10} ns=${2:-mt-ws2} i
  for ((i = 1; i <= n; i++)); do
    if _lab_swaks "$ns" --server 198.18.20.10 --port 587 --helo "$(_lab_fqdn "$ns")" \
      --auth LOGIN --auth-user alice --auth-password "$(printf 'wrong-pass-%02d' "$i")" \
      --from alice@corp.example --to carol@example.net; then
      lab_log "auth_failures: wrong password was accepted"; return 1
    fi
  done
}

# lab_run_scenario NAME[:ARG[:ARG]] : run one scenario, timed, then wait for the queue
lab_run_scenario() {
  local spec=$1 name args t0
  IFS=: read -r -a args <<<"$spec"
  name=${args[0]}; args=("${args[@]:1}")
  if ! lab_is_scenario "$name"; then
    lab_log "unknown scenario '$name' (known: ${LAB_SCENARIOS[*]})"; return 2
  fi
  t0=$(date +%s.%N)
  "$name" "${args[@]}"
  lab_wait_queue_empty 30
  lab_log "scenario $spec done in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"
}
