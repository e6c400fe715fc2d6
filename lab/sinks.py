#!/usr/bin/python3
"""SMTP sinks for the mailtap lab "internet" namespace (mt-inet).

Runs several aiosmtpd servers in one asyncio loop. Each listener is
  ADDR:PORT=MODE:HOSTNAME
with MODE one of
  accept   accept every message (an ordinary remote MX)
  rbl      reject every RCPT TO with a Spamhaus-style blocklist text
  cbl      reject every MAIL FROM with a three-line 550-5.7.1 reply citing
           cbl.abuseat.org (a second list, refused earlier in the dialogue)
  relay    accept every message; copies for corp.example recipients are
           forwarded to the corp mail server (an "outside relay and back")
Every received transaction (or rejection) is appended as one JSON line to
SPOOL/received.jsonl so scripts can check what arrived.

Uses Debian's python3-aiosmtpd (run with /usr/bin/python3, not a pyenv python).
"""
import argparse
import asyncio
import json
import smtplib
import sys
import time

from aiosmtpd.smtp import SMTP

RBL_TEXT = ("554 5.7.1 Service unavailable; Client host [{ip}] blocked using "
            "zen.spamhaus.org; https://www.spamhaus.org/query/ip/{ip}")
CBL_TEXT = ("550-5.7.1 Message rejected because of the sending host's reputation.\r\n"
            "550-5.7.1 {ip} is listed at cbl.abuseat.org, see\r\n"
            "550 5.7.1 https://www.abuseat.org/lookup.cgi?ip={ip}")


class Sink:
    def __init__(self, mode, hostname, spool, fwd_host, fwd_domain):
        self.mode = mode
        self.hostname = hostname
        self.spool = spool
        self.fwd_host = fwd_host
        self.fwd_domain = fwd_domain

    def log(self, rec):
        rec["t"] = round(time.time(), 3)
        rec["sink"] = self.hostname
        with open(self.spool, "a") as f:
            f.write(json.dumps(rec, sort_keys=True) + "\n")

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mode == "cbl":
            ip = session.peer[0]
            self.log({"event": "rejected", "peer": ip, "helo": session.host_name,
                      "mail_from": address})
            return CBL_TEXT.format(ip=ip)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "rbl":
            ip = session.peer[0]
            self.log({"event": "rejected", "peer": ip, "helo": session.host_name,
                      "mail_from": envelope.mail_from, "rcpt": address})
            return RBL_TEXT.format(ip=ip)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        rec = {"event": "received", "peer": session.peer[0], "helo": session.host_name,
               "mail_from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos),
               "size": len(envelope.original_content or b"")}
        if self.mode == "relay":
            local = [r for r in envelope.rcpt_tos
                     if r.lower().endswith("@" + self.fwd_domain)]
            if local:
                loop = asyncio.get_running_loop()
                src = server.transport.get_extra_info("sockname")[0]
                try:
                    await loop.run_in_executor(None, self.forward, src, envelope, local)
                    rec["forwarded_to"] = self.fwd_host
                except Exception as e:  # a lab: record and still accept
                    rec["forward_error"] = repr(e)
        self.log(rec)
        return "250 2.0.0 Ok: queued"

    def forward(self, src, envelope, rcpts):
        with smtplib.SMTP(self.fwd_host, 25, local_hostname=self.hostname,
                          source_address=(src, 0), timeout=20) as s:
            s.sendmail(envelope.mail_from, rcpts, envelope.original_content)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spool", required=True)
    ap.add_argument("--forward-host", default="198.18.20.10")
    ap.add_argument("--forward-domain", default="corp.example")
    ap.add_argument("listen", nargs="+", help="ADDR:PORT=MODE:HOSTNAME")
    a = ap.parse_args()
    loop = asyncio.get_running_loop()
    servers = []
    for spec in a.listen:
        addr, rest = spec.split("=", 1)
        host, port = addr.rsplit(":", 1)
        mode, hostname = rest.split(":", 1)
        if mode not in ("accept", "rbl", "cbl", "relay"):
            sys.exit("bad mode in " + spec)
        handler = Sink(mode, hostname, a.spool, a.forward_host, a.forward_domain)
        srv = await loop.create_server(
            lambda h=handler, n=hostname: SMTP(h, hostname=n, ident="ESMTP mailsink"),
            host=host, port=int(port), reuse_address=True)
        servers.append(srv)
        print(f"listening {host}:{port} mode={mode} name={hostname}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
