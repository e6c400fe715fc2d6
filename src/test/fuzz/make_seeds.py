#!/usr/bin/env python3
"""Writes the Jazzer seed inputs from both shared corpora (run from the checkout, needs tshark/editcap).

  src/test/fuzz/make_seeds.py [../shared]

- FrameDecodeFuzzTestInputs/frame: the first TCP frames of every capture, prefixed with the index
  of their link type in FrameDecodeFuzzTest.LINK_TYPES;
- ConnectionFuzzTestInputs/connection: the payload segments of real SMTP sessions in wire order, as
  SegmentScript records (direction bit, length, bytes), capped at 4 KiB a seed;
- ConfigLoaderFuzzTestInputs/yaml: the shipped configurations.
Seeds only start the search: Jazzer's coverage feedback does the rest.
"""
import hashlib, os, struct, subprocess, sys, tempfile

SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared")
RES = os.path.join("src", "test", "resources", "io", "mailtap", "fuzz")
LINKS = [1, 113, 276, 101, 0, 108, 228, 229, 12, 14]  # FrameDecodeFuzzTest.LINK_TYPES (DLT/LINKTYPE values)
SMTP_PORTS = {25, 465, 587, 2525, 225}

def out(kind, data):
    d = os.path.join(RES, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

def captures():
    for corpus in ("pcaps", "pcaps2"):
        root = os.path.join(SHARED, corpus)
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith(".truth.json"):
                    yield os.path.join(dirpath, f[: -len(".truth.json")])

def frames(path, limit):
    with tempfile.NamedTemporaryFile(suffix=".pcap") as tmp:
        if subprocess.run(["editcap", "-F", "pcap", path, tmp.name], capture_output=True).returncode:
            return
        data = open(tmp.name, "rb").read()
    if len(data) < 24:
        return
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link = struct.unpack(endian + "I", data[20:24])[0]
    if link not in LINKS:
        return
    p, n = 24, 0
    while p + 16 <= len(data) and n < limit:
        incl = struct.unpack(endian + "I", data[p + 8 : p + 12])[0]
        frame = data[p + 16 : p + 16 + incl]
        p += 16 + incl
        if len(frame) > 60 and len(frame) < 1600:
            yield LINKS.index(link), frame
            n += 1

def sessions(path, limit):
    r = subprocess.run(["tshark", "-r", path, "-Y", "tcp.len > 0", "-T", "fields",
                        "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.payload"],
                       capture_output=True, text=True)
    streams = {}
    for line in r.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or not parts[3]:
            continue
        try:  # tunnelled frames carry several TCP layers ("a,b"): keep the outer one's values
            stream, sport, dport = (int(x.split(",")[0]) for x in parts[:3])
            payload = bytes.fromhex(parts[3].split(",")[0].replace(":", ""))
        except ValueError:
            continue
        if sport not in SMTP_PORTS and dport not in SMTP_PORTS:
            continue
        streams.setdefault(stream, []).append((1 if sport in SMTP_PORTS else 0, payload))
    for stream in sorted(streams)[:limit]:
        script = bytearray([0])
        for direction, payload in streams[stream]:
            for i in range(0, len(payload), 255):
                chunk = payload[i : i + 255]
                script += bytes([direction, len(chunk)]) + chunk
            if len(script) > 4096:
                break
        yield bytes(script[:4096])

for cap in captures():
    for idx, frame in frames(cap, 2):
        out("FrameDecodeFuzzTestInputs/frame", bytes([idx]) + frame)
    for script in sessions(cap, 1):
        out("ConnectionFuzzTestInputs/connection", script)
for cfg in ("config/mailtap.yml", "samples/lab.yml"):
    out("ConfigLoaderFuzzTestInputs/yaml", open(cfg, "rb").read())
