#!/usr/bin/python3
"""Helpers of lab/e2e.sh, run inside ns mt-sensor (everything talks to 127.0.0.1 there).

  receiver --listen 127.0.0.1:9099 --out FILE
      HTTP receiver for Alertmanager's webhook and mailtap's own webhook sink: every POST is
      appended to FILE as one JSON line {"t", "path", "body"} (body parsed as JSON when it is).
  wait-http URL --timeout S
      Poll URL until it answers 2xx.
  wait-target --prometheus URL --job JOB --timeout S
      Poll Prometheus until a target of JOB is "up".
  live   --state FILE --results FILE ...     (while mailtap runs)
      Wait (bounded) until the expected alerts have arrived through Alertmanager (and mailtap's
      webhook sink), then check them, Prometheus (target, rules, query) and mailtap's /metrics.
  files  --state FILE --results FILE --out-dir DIR ...   (after mailtap stopped)
      Check smtp.jsonl and alerts.jsonl, and that no lab password is in any output.

Every check appends "PASS|FAIL<TAB>what<TAB>detail" to --results; the exit code is 1 when a check
of this invocation failed. Python standard library only (runs with Debian's /usr/bin/python3).
"""
import argparse
import base64
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LAB = os.path.dirname(os.path.abspath(__file__))

MAIL_SERVER = "198.18.20.10"
WS1, WS2, FW = "198.18.10.21", "198.18.10.22", "198.18.10.254"
MX, RELAY = "203.0.113.25", "198.51.100.10"

# What each scenario of lab/scenarios.sh must make mailtap raise (with lab.yml's network plan and
# the default detect.* settings): (rule, de-dup key) -> labels the Alertmanager alert must carry.
# Scenarios missing here (legit_outbound, legit_submission) must raise nothing.
EXPECTED = {
    "egress_violation_ws1": {
        # ws1 talks SMTP straight to the internet MX ...
        ("egress_policy", WS1): {"src_ip": WS1, "dst_ip": MX},
        # ... greeting it with the bare host name "ws1"
        ("bad_helo", WS1 + " ws1"): {"src_ip": WS1, "dst_ip": MX},
    },
    "firewall_report": {
        # Incident 1: the firewall mails through an outside relay with HELO 127.0.0.1
        ("egress_policy", FW): {"src_ip": FW, "dst_ip": RELAY},
        ("bad_helo", FW + " 127.0.0.1"): {"src_ip": FW, "dst_ip": RELAY},
    },
    "egress_attempt_ws2": {
        # SYNs only (the router drops them): the alert opens at the attempt
        ("egress_policy", WS2): {"src_ip": WS2, "dst_ip": MX},
    },
    "null_sender_burst": {
        # Incident 2: mallory's burst from ws1 to the submission port, counted per client,
        # per AUTH account and per server ...
        ("null_sender_burst", "client:" + WS1): {"src_ip": WS1, "account": "mallory"},
        ("null_sender_burst", "account:mallory"): {"src_ip": WS1, "account": "mallory"},
        ("null_sender_burst", "server:" + MAIL_SERVER): {"dst_ip": MAIL_SERVER},
        # ... and Postfix relays the same mails (MAIL FROM:<>) to the internet MX: the mail
        # server is the client of a null-sender burst too (documented per-client counting; the
        # only alerts allowed to name the legitimate mail server as src_ip).
        ("null_sender_burst", "client:" + MAIL_SERVER): {"src_ip": MAIL_SERVER, "dst_ip": MX},
        ("null_sender_burst", "server:" + MX): {"src_ip": MAIL_SERVER, "dst_ip": MX},
    },
    "guest_login": {
        ("auth_guest_account", "account:guest"): {"account": "guest", "src_ip": WS2},
    },
}
SEVERITY = {"egress_policy": "critical", "null_sender_burst": "critical", "auth_guest_account": "critical",
            "bad_helo": "warning"}
# Prometheus alerts (shipped rules) that must not fire in a healthy run.
PROM_HEALTH_ALERTS = {"MailtapSensorDown", "MailtapCaptureDrops", "MailtapCaptureLoss", "MailtapAlertSinkFailing"}
# A few names of METRICS-CONTRACT.md that a running sensor exposes.
CONTRACT_METRICS = ["mailtap_up", "mailtap_build_info", "mailtap_capture_packets_received_total",
                    "mailtap_packets_total", "mailtap_flows_active", "mailtap_smtp_sessions_total",
                    "mailtap_smtp_transactions_total", "mailtap_smtp_null_sender_total", "mailtap_smtp_auth_total",
                    "mailtap_alerts_raised_total", "mailtap_alert_sink_delivered_total",
                    "mailtap_packet_time_seconds"]


# ------------------------------------------------------------------ small helpers
def log(msg):
    print(f"[e2e-check] {msg}", file=sys.stderr, flush=True)


def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def get_json(url, timeout=3):
    return json.loads(http_get(url, timeout)[1])


def camel(rule):
    return "MailtapDetect" + "".join(p[:1].upper() + p[1:] for p in rule.split("_") if p)


class Results:
    def __init__(self, path):
        self.path = path
        self.failed = 0

    def add(self, ok, what, detail=""):
        if not ok:
            self.failed += 1
        line = f"{'PASS' if ok else 'FAIL'}\t{what}\t{detail}".replace("\n", " ")
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")
        return ok


def expected_for(scenarios):
    exp = {}
    for s in scenarios:
        exp.update(EXPECTED.get(s, {}))
    return exp


def read_posts(path):
    posts = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    posts.append(json.loads(line))
    except FileNotFoundError:
        pass
    return posts


def am_alerts(posts, sensor):
    """Alerts delivered by Alertmanager's webhook: (mailtap's own pushes, Prometheus' alerts)."""
    own, prom = {}, {}
    for p in posts:
        if p.get("path") != "/alertmanager" or not isinstance(p.get("body"), dict):
            continue
        for a in p["body"].get("alerts", []):
            lb, an = a.get("labels", {}), a.get("annotations", {})
            # mailtap stamps its sensor name as the sensor label and sets no job; Prometheus'
            # alerts carry the scrape target (instance 127.0.0.1:9725) and job="mailtap".
            if lb.get("sensor") == sensor and "job" not in lb:
                k = (lb.get("rule"), an.get("key"))
                own.setdefault(k, []).append(a)
            else:
                prom.setdefault(lb.get("alertname"), []).append(a)
    return own, prom


def webhook_alerts(posts):
    """Notifications of mailtap's own webhook sink (alerts.jsonl objects)."""
    got = {}
    for p in posts:
        if p.get("path") != "/mailtap" or not isinstance(p.get("body"), dict):
            continue
        b = p["body"]
        got.setdefault((b.get("rule"), b.get("key")), []).append(b)
    return got


def fmt_keys(keys):
    return ", ".join(f"{r}[{k}]" for r, k in sorted(keys, key=lambda x: (str(x[0]), str(x[1])))) or "none"


# ------------------------------------------------------------------ receiver
def cmd_receiver(a):
    host, port = a.listen.rsplit(":", 1)
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, code, body=b"ok\n"):
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._reply(200 if self.path == "/-/ready" else 404)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n > 0 else b""
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            rec = {"t": round(time.time(), 3), "path": self.path, "body": body}
            with lock, open(a.out, "a") as f:
                f.write(json.dumps(rec, sort_keys=True) + "\n")
            self._reply(200)

        def log_message(self, fmt, *args):
            sys.stderr.write("[receiver] %s %s\n" % (self.address_string(), fmt % args))

    srv = http.server.ThreadingHTTPServer((host, int(port)), H)
    print(f"listening {a.listen}", file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


# ------------------------------------------------------------------ waits
def cmd_wait_http(a):
    deadline = time.monotonic() + a.timeout
    last = None
    while time.monotonic() < deadline:
        try:
            code, _ = http_get(a.url, timeout=1)
            if 200 <= code < 300:
                return 0
        except Exception as e:  # not up yet
            last = e
        time.sleep(0.2)
    log(f"{a.url} did not answer within {a.timeout}s ({last})")
    return 1


def cmd_wait_target(a):
    deadline = time.monotonic() + a.timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            t = get_json(a.prometheus + "/api/v1/targets")
            for tg in t["data"]["activeTargets"]:
                if tg["labels"].get("job") == a.job:
                    last = f"health={tg['health']} lastError={tg.get('lastError')!r}"
                    if tg["health"] == "up":
                        return 0
        except Exception as e:
            last = repr(e)
        time.sleep(0.5)
    log(f"Prometheus target job={a.job} not up within {a.timeout}s: {last}")
    return 1


# ------------------------------------------------------------------ live checks
def prom_query(base, q):
    r = get_json(base + "/api/v1/query?" + urllib.parse.urlencode({"query": q}))
    return r["data"]["result"]


def cmd_live(a):
    res = Results(a.results)
    exp = expected_for(a.scenario)
    exp_keys = set(exp)

    # 1. wait (bounded) for every expected alert, through Alertmanager and mailtap's webhook
    t0 = time.monotonic()
    deadline = t0 + a.alert_timeout
    while True:
        posts = read_posts(a.receiver_file)
        own, prom = am_alerts(posts, a.sensor)
        hook = webhook_alerts(posts)
        missing = exp_keys - set(own)
        missing_hook = (exp_keys - set(hook)) if a.webhook else set()
        if not missing and not missing_hook:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    waited = time.monotonic() - t0
    log(f"expected alerts {'all arrived' if not (missing or missing_hook) else 'still missing'} after {waited:.1f}s")
    # let stragglers (something that should NOT fire) arrive too: a few group intervals
    time.sleep(a.settle)
    posts = read_posts(a.receiver_file)
    own, prom = am_alerts(posts, a.sensor)
    hook = webhook_alerts(posts)

    res.add(not (exp_keys - set(own)), "Alertmanager delivered every expected mailtap alert to the receiver",
            f"{len(exp_keys)} expected, {len(exp_keys & set(own))} arrived in {waited:.1f}s; missing: "
            f"{fmt_keys(exp_keys - set(own))}")
    for k in sorted(exp_keys, key=str):
        rule, key = k
        if k not in own:
            continue
        lb = own[k][-1]["labels"]
        want = dict(exp[k], rule=rule, alertname=camel(rule), severity=SEVERITY[rule], sensor=a.sensor)
        bad = {n: (lb.get(n), v) for n, v in want.items() if lb.get(n) != v}
        res.add(not bad, f"alert {rule} [{key}] labels",
                "ok: " + " ".join(f"{n}={want[n]}" for n in sorted(want)) if not bad else
                "got/want " + "; ".join(f"{n}={g!r}/{w!r}" for n, (g, w) in sorted(bad.items())))
    extra = set(own) - exp_keys
    res.add(not extra, "no other mailtap alert reached Alertmanager", "unexpected: " + fmt_keys(extra))
    ms = sorted(k for k in own if own[k][-1]["labels"].get("src_ip") == MAIL_SERVER)
    allowed_ms = sorted(k for k in exp_keys if exp[k].get("src_ip") == MAIL_SERVER)
    res.add(ms == allowed_ms, f"legitimate mail server {MAIL_SERVER} named as src_ip only by the relayed null-sender burst",
            "seen: " + fmt_keys(ms))

    if a.webhook:
        hk = set(hook)
        res.add(hk == exp_keys, "mailtap's webhook sink delivered exactly the expected alerts",
                f"missing: {fmt_keys(exp_keys - hk)}; unexpected: {fmt_keys(hk - exp_keys)}")

    prom_names = sorted(prom)
    bad_prom = sorted(set(prom_names) & PROM_HEALTH_ALERTS)
    res.add(not bad_prom, "no sensor-health alert from the shipped Prometheus rules reached Alertmanager",
            f"Prometheus alerts received (not required): {', '.join(prom_names) or 'none'}; health alerts: "
            f"{', '.join(bad_prom) or 'none'}")

    # 2. Prometheus
    P = a.prometheus
    try:
        up = prom_query(P, f'up{{job="{a.job}"}}')
        vals = [float(s["value"][1]) for s in up]
        res.add(vals == [1.0], f'Prometheus: up{{job="{a.job}"}} == 1', f"values {vals}")
    except Exception as e:
        res.add(False, f'Prometheus: up{{job="{a.job}"}} == 1', repr(e))

    q = f'sum(mailtap_smtp_null_sender_total{{job="{a.job}"}})'
    deadline = time.monotonic() + 20  # the next scrapes (every 2 s) bring the final counts
    val, err = None, ""
    while True:
        try:
            r = prom_query(P, q)
            val = float(r[0]["value"][1]) if r else None
        except Exception as e:
            err = repr(e)
        if (val is not None and val >= a.min_null) or time.monotonic() > deadline:
            break
        time.sleep(1)
    res.add(val is not None and val >= a.min_null, f"Prometheus: {q} >= {a.min_null}", f"value {val} {err}")

    try:
        groups = get_json(P + "/api/v1/rules")["data"]["groups"]
        want = set(re.findall(r"^\s*-\s*name:\s*['\"]?([\w.:-]+)", open(a.rules_file).read(), re.M))
        loaded = {g["name"]: g for g in groups if os.path.realpath(g.get("file", "")) == os.path.realpath(a.rules_file)}
        unhealthy = [f"{g}/{r.get('name')}: {r.get('lastError')}" for g in loaded for r in loaded[g]["rules"]
                     if r.get("health") == "err"]
        nrules = sum(len(g["rules"]) for g in loaded.values())
        res.add(bool(want) and want <= set(loaded) and not unhealthy,
                "Prometheus loaded the shipped rules (GET /api/v1/rules)",
                f"groups {sorted(loaded)} ({nrules} rules) of {sorted(want)}; rules in error: {unhealthy or 'none'}")
    except Exception as e:
        res.add(False, "Prometheus loaded the shipped rules (GET /api/v1/rules)", repr(e))

    try:
        firing = get_json(P + "/api/v1/alerts")["data"]["alerts"]
        names = sorted({f"{x['labels'].get('alertname')}({x['state']})" for x in firing})
        bad = sorted({x["labels"].get("alertname") for x in firing
                      if x["state"] == "firing" and x["labels"].get("alertname") in PROM_HEALTH_ALERTS})
        res.add(not bad, "Prometheus: no sensor-health alert firing (GET /api/v1/alerts)",
                f"alerts: {', '.join(names) or 'none'}")
    except Exception as e:
        res.add(False, "Prometheus: no sensor-health alert firing (GET /api/v1/alerts)", repr(e))

    # 3. mailtap's own endpoint
    try:
        _, body = http_get(a.metrics_url)
        text = body.decode("utf-8", "replace")
        names = set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)", text, re.M))
        missing = [m for m in CONTRACT_METRICS if m not in names]
        res.add(not missing, f"mailtap /metrics exposes contract metrics ({len(CONTRACT_METRICS)} checked)",
                f"missing: {missing or 'none'}; {len(names)} series names exposed")
        delivered = {}
        for m in re.finditer(r'^mailtap_alert_sink_delivered_total\{[^}]*sink="([^"]+)"[^}]*\}\s+(\S+)', text, re.M):
            delivered[m.group(1)] = float(m.group(2))
        want_sinks = ["alertmanager"] + (["webhook"] if a.webhook else [])
        res.add(all(delivered.get(s, 0) > 0 for s in want_sinks),
                "mailtap /metrics: alert sinks delivered (mailtap_alert_sink_delivered_total > 0)", f"{delivered}")
    except Exception as e:
        res.add(False, "mailtap /metrics answers", repr(e))
    return 1 if res.failed else 0


# ------------------------------------------------------------------ output files
def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
    return out


def lab_passwords():
    pw = {}
    with open(os.path.join(LAB, "users.txt")) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2 and not p[0].startswith("#"):
                pw[p[0]] = p[1]
    return pw


def cmd_files(a):
    res = Results(a.results)
    exp_keys = set(expected_for(a.scenario))
    smtp_path = os.path.join(a.out_dir, "smtp.jsonl")
    alerts_path = os.path.join(a.out_dir, "alerts.jsonl")
    try:
        tx = read_jsonl(smtp_path)
    except Exception as e:
        res.add(False, "smtp.jsonl readable", repr(e))
        tx = []
    try:
        al = read_jsonl(alerts_path)
    except Exception as e:
        res.add(False, "alerts.jsonl readable", repr(e))
        al = []

    def count(**want):
        return sum(1 for t in tx if all(t.get(k) == v for k, v in want.items()))

    checks = [
        ("legit_outbound", "Postfix's outbound transaction (HELO mail.corp.example)",
         count(client_ip=MAIL_SERVER, server_ip=MX, helo="mail.corp.example", mail_from="<alice@corp.example>") >= 1),
        ("legit_submission", "alice's AUTH PLAIN submission from ws2",
         count(client_ip=WS2, server_port=587, auth_user="alice", auth_result="success") >= 1),
        ("egress_violation_ws1", "ws1's direct transaction to the internet MX (HELO ws1)",
         count(client_ip=WS1, server_ip=MX, server_port=25, helo="ws1") >= 1),
        ("firewall_report", "the firewall's transaction with HELO 127.0.0.1 to the outside relay",
         count(client_ip=FW, server_ip=RELAY, helo="127.0.0.1") >= 1),
        ("null_sender_burst", f"{a.null_count} null-sender transactions of account mallory from ws1",
         count(client_ip=WS1, auth_user="mallory", null_sender=True) == a.null_count),
        ("guest_login", "guest's AUTH PLAIN transaction",
         count(client_ip=WS2, auth_user="guest", auth_result="success") >= 1),
    ]
    for scen, what, ok in checks:
        if scen in a.scenario:
            res.add(ok, f"smtp.jsonl: {what}", f"{len(tx)} transactions logged")

    fired = {(x.get("rule"), x.get("key")) for x in al if x.get("status") == "firing"}
    res.add(fired == exp_keys, "alerts.jsonl: exactly the expected alerts fired",
            f"{len(fired)} alerts; missing: {fmt_keys(exp_keys - fired)}; unexpected: {fmt_keys(fired - exp_keys)}")
    sens = {x.get("sensor") for x in al}
    res.add(sens <= {a.sensor}, "alerts.jsonl: sensor field is sensor.name", f"{sorted(map(str, sens))}")
    for x in al:
        if x.get("rule") == "null_sender_burst" and x.get("key") == "account:mallory":
            ok = x.get("account") == "mallory" and x.get("src_ip") == WS1 and (x.get("count") or 0) >= 20
            res.add(ok, "alerts.jsonl: null_sender_burst names account mallory and client ws1",
                    f"account={x.get('account')} src_ip={x.get('src_ip')} count={x.get('count')}")
            break

    # no lab password, cleartext or as it crossed the wire (base64), in any output
    needles = set()
    for user, pw in lab_passwords().items():
        needles |= {pw, base64.b64encode(pw.encode()).decode(),
                    base64.b64encode(f"\0{user}\0{pw}".encode()).decode()}
    leaks = []
    files = [os.path.join(a.out_dir, f) for f in sorted(os.listdir(a.out_dir))] + list(a.extra_file)
    for path in files:
        if not os.path.isfile(path):
            continue
        data = open(path, "rb").read().decode("utf-8", "replace")
        leaks += [f"{os.path.basename(path)}" for n in needles if n in data]
    res.add(not leaks, "no lab password (cleartext or base64) in mailtap's outputs, the receiver log or mailtap's log",
            f"{len(files)} files searched; leaks in: {sorted(set(leaks)) or 'none'}")
    return 1 if res.failed else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("receiver")
    p.add_argument("--listen", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("wait-http")
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=30)
    p = sub.add_parser("wait-target")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--job", default="mailtap")
    p.add_argument("--timeout", type=float, default=60)
    for name in ("live", "files"):
        p = sub.add_parser(name)
        p.add_argument("--results", required=True)
        p.add_argument("--sensor", required=True)
        p.add_argument("--scenario", action="append", default=[], help="scenario that ran (repeat)")
        p.add_argument("--webhook", action="store_true", help="mailtap's webhook sink is configured")
    p = sub.choices["live"]
    p.add_argument("--receiver-file", required=True)
    p.add_argument("--prometheus", required=True)
    p.add_argument("--job", default="mailtap")
    p.add_argument("--rules-file", required=True)
    p.add_argument("--metrics-url", required=True)
    p.add_argument("--alert-timeout", type=float, default=90)
    p.add_argument("--settle", type=float, default=6)
    p.add_argument("--min-null", type=int, default=20)
    p = sub.choices["files"]
    p.add_argument("--out-dir", required=True)
    p.add_argument("--null-count", type=int, default=30)
    p.add_argument("--extra-file", action="append", default=[], help="another file to search for passwords")
    a = ap.parse_args()
    return {"receiver": cmd_receiver, "wait-http": cmd_wait_http, "wait-target": cmd_wait_target,
            "live": cmd_live, "files": cmd_files}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
