#!/usr/bin/env python3
"""Print the sensor-relevant facts of a lab capture, as seen by tshark.

    lab/pcap-facts.py FILE.pcap [--users lab/users.txt]

This is an independent oracle for mailtap's tests (it uses Wireshark's
dissectors, not mailtap): HELO/EHLO names, MAIL FROM per client, AUTH users
(decoded; passwords never printed), null senders per client and per account,
TCP/25 connections by originator (established vs SYN-only), blocklist
rejections, and capture hygiene (duplicates, super-frames, checksums, and
whether lab passwords appear anywhere but inside AUTH exchanges).
Exit status 1 if a hygiene check fails. Needs tshark (stdlib python only).
"""
import argparse
import base64
import collections
import os
import subprocess
import sys

AGG = "\x1e"


def tshark(path, display_filter, fields, extra=()):
    cmd = ["tshark", "-r", path, "-n", "-T", "fields", "-E", "separator=\t",
           "-E", "aggregator=" + AGG, *extra]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.split("\n"):
        if not line:
            continue
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append(dict(zip(fields, cols)))
    return rows


def b64(s):
    return base64.b64encode(s.encode()).decode()


def decode_b64(s):
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4)).decode("utf-8", "replace")
    except Exception:
        return "<undecodable>"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--users", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "users.txt"))
    a = ap.parse_args()
    p = a.pcap
    ok = True

    # ---------------------------------------------------------------- hygiene
    frames = tshark(p, "", ["frame.number", "frame.len", "ip.ttl"])
    ipkeys = tshark(p, "ip", ["ip.src", "ip.dst", "ip.id", "ip.proto", "tcp.srcport", "tcp.dstport",
                              "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len"])
    dups = [k for k, n in collections.Counter(tuple(r.values()) for r in ipkeys).items() if n > 1]
    bad_ck = tshark(p, "ip.checksum.status==0 or tcp.checksum.status==0", ["frame.number"],
                    ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"])
    lost = tshark(p, "tcp.analysis.lost_segment or tcp.analysis.ack_lost_segment", ["frame.number"])
    maxlen = max((int(r["frame.len"]) for r in frames), default=0)
    ttls = collections.Counter(r["ip.ttl"] for r in frames if r["ip.ttl"])
    print(f"# {os.path.basename(p)}")
    print(f"frames={len(frames)} bytes={os.path.getsize(p)} max_frame_len={maxlen} "
          f"bad_checksums={len(bad_ck)} duplicate_ip_packets={len(dups)} lost_segments={len(lost)} "
          f"ip_ttl={dict(ttls)}")
    if maxlen > 1514 or bad_ck or dups or lost:
        ok = False
        print("  !! hygiene check failed")

    # ---------------------------------------------------------------- TCP/25 by originator
    syns = tshark(p, "tcp.flags.syn==1", ["ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "tcp.flags.ack"])
    conns = collections.OrderedDict()
    synacked = set()
    for r in syns:
        if r["tcp.flags.ack"] in ("1", "True"):
            synacked.add((r["ip.dst"], r["tcp.dstport"], r["ip.src"], r["tcp.srcport"]))
        else:
            k = (r["ip.src"], r["tcp.srcport"], r["ip.dst"], r["tcp.dstport"])
            conns[k] = conns.get(k, 0) + 1
    print("\n## TCP connections by originator (who sent the SYN)")
    summary = collections.Counter()
    for (src, sport, dst, dport), nsyn in conns.items():
        state = "established" if (src, sport, dst, dport) in synacked else "attempted(SYN only)"
        summary[(src, dst, dport, state)] += 1
        if state != "established":
            print(f"  {src}:{sport} -> {dst}:{dport} {state}, {nsyn} SYN packets")
    for (src, dst, dport, state), n in sorted(summary.items()):
        print(f"  {src} -> {dst}:{dport} {state} x{n}")

    # ---------------------------------------------------------------- SMTP
    smtp = tshark(p, "smtp", ["frame.number", "tcp.stream", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport",
                              "smtp.req.command", "smtp.req.parameter", "smtp.response.code",
                              "smtp.rsp.parameter", "smtp.auth.username", "smtp.auth.password",
                              "smtp.auth.username_password"])
    streams = collections.OrderedDict()
    for r in smtp:
        s = streams.setdefault(r["tcp.stream"], {"client": None, "server": None, "helo": [], "auth": [],
                                                 "auth_ok": False, "auth_fail": 0, "mail": [], "rcpt": 0,
                                                 "replies": []})
        if r["smtp.req.command"] or r["smtp.auth.username"] or r["smtp.auth.password"] or r["smtp.auth.username_password"]:
            s["client"] = r["ip.src"]
            s["server"] = f'{r["ip.dst"]}:{r["tcp.dstport"]}'
        cmds = r["smtp.req.command"].split(AGG) if r["smtp.req.command"] else []
        params = r["smtp.req.parameter"].split(AGG) if r["smtp.req.parameter"] else []
        params += [""] * (len(cmds) - len(params))
        for c, prm in zip(cmds, params):
            cu = c.upper()
            if cu in ("HELO", "EHLO"):
                s["helo"].append(prm)
            elif cu == "AUTH":
                mech = prm.split(" ")[0].upper()
                s["auth"].append([mech, None])
            elif cu == "MAIL":
                addr = prm.split(":", 1)[1].split(" ")[0] if ":" in prm else prm
                s["mail"].append(addr)
            elif cu == "RCPT":
                s["rcpt"] += 1
        if r["smtp.auth.username_password"] and s["auth"]:
            parts = decode_b64(r["smtp.auth.username_password"]).split("\0")
            s["auth"][-1][1] = parts[1] if len(parts) >= 3 else "<malformed>"
        if r["smtp.auth.username"] and s["auth"]:
            s["auth"][-1][1] = decode_b64(r["smtp.auth.username"])
        codes = r["smtp.response.code"].split(AGG)
        texts = r["smtp.rsp.parameter"].split(AGG) if r["smtp.rsp.parameter"] else []
        # tshark gives a multi-line reply one code and one parameter per line: keep its lines together
        if codes and codes[0] and len(texts) > len(codes):
            texts = texts[:len(codes) - 1] + [" ".join(texts[len(codes) - 1:])]
        for code, text in zip(codes, texts + [""] * 9):
            if code == "235":
                s["auth_ok"] = True
            elif code == "535":
                s["auth_fail"] += 1
            if code:
                s["replies"].append((code, text))

    print("\n## SMTP sessions (client -> server: HELO | AUTH | MAIL FROM)")
    per_session = collections.Counter()
    for sid, s in streams.items():
        if not s["client"]:
            continue
        auth = ",".join(f"{m}:{u}" for m, u in s["auth"]) or "-"
        if s["auth"]:
            auth += " ok" if s["auth_ok"] else f" FAILED({s['auth_fail']})"
        mails = ",".join(s["mail"]) or "-"
        key = (s["client"], s["server"], "|".join(s["helo"]) or "-", auth, mails if len(s["mail"]) <= 3 else
               f"{len(s['mail'])} transactions: " + ", ".join(f"{m} x{n}" for m, n in collections.Counter(s['mail']).items()))
        per_session[key] += 1
    for (c, srv, helo, auth, mails), n in per_session.items():
        print(f"  {c} -> {srv}  helo={helo}  auth={auth}  mail_from={mails}" + (f"  (x{n} sessions)" if n > 1 else ""))

    print("\n## Null senders (MAIL FROM:<>)")
    by_client = collections.Counter()
    by_account = collections.Counter()
    by_server = collections.Counter()
    for s in streams.values():
        n = sum(1 for m in s["mail"] if m == "<>")
        if not n:
            continue
        by_client[s["client"]] += n
        by_server[s["server"]] += n
        users = [u for _, u in s["auth"]] if s["auth_ok"] else []
        by_account[users[-1] if users else "(no AUTH)"] += n
    print(f"  per client: {dict(by_client)}")
    print(f"  per server: {dict(by_server)}")
    print(f"  per AUTH account: {dict(by_account)}")

    print("\n## AUTH")
    auth_sum = collections.Counter()
    for s in streams.values():
        for mech, user in s["auth"]:
            auth_sum[(s["client"], mech, user, "ok" if s["auth_ok"] else "failed")] += 1
    for (c, mech, user, res), n in sorted(auth_sum.items()):
        print(f"  {c} {mech} user={user} {res} x{n}")

    print("\n## Rejections citing a blocklist")
    for s in streams.values():
        for code, text in s["replies"]:
            if any(k in text.lower() for k in ("blocked using", "listed", "spamhaus", "cbl")):
                print(f"  {s['server']} -> {s['client']}: {code} {text}")

    # ---------------------------------------------------------------- passwords
    print("\n## Lab passwords on the wire")
    raw = open(p, "rb").read()
    users = []
    if os.path.exists(a.users):
        for line in open(a.users):
            f = line.split()
            if len(f) >= 2 and not f[0].startswith("#"):
                users.append((f[0], f[1]))
    auth_frames = {r["frame.number"] for r in smtp if r["smtp.auth.password"] or r["smtp.auth.username_password"]}
    for user, pw in users:
        clear = raw.count(pw.encode())
        forms = {"LOGIN b64": b64(pw), "PLAIN b64": b64(f"\0{user}\0{pw}")}
        where = []
        for name, enc in forms.items():
            hits = tshark(p, f'frame contains "{enc}"', ["frame.number"])
            outside = [h["frame.number"] for h in hits if h["frame.number"] not in auth_frames]
            where.append(f"{name} in {len(hits)} frames ({len(outside)} outside AUTH)")
            if outside:
                ok = False
        if clear:
            ok = False
        print(f"  {user}: cleartext occurrences={clear}; " + "; ".join(where))

    print("\nRESULT: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
