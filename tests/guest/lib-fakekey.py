#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A relay taken over, for 99-esp-keying: a DNS proxy in front of the
relay's name service that answers the TXT query for one reverse name with
another endpoint key record, and passes every other query on unchanged.

usage: lib-fakekey.py PORT NAMESERVER REVNAME TXT

Listens on UDP [::]:PORT (nftables redirects the queries to it); prints
"ready", then one "substituted" line per answer it forged. After SIGUSR1
it forges nothing more (the relay is itself again; the redirection stays,
as conntrack keeps it for the flows it has seen).
"""
import signal
import socket
import struct
import sys

forging = True


def stop_forging(signum, frame):
    global forging
    forging = False


signal.signal(signal.SIGUSR1, stop_forging)

port, server, target, txt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
target = target.rstrip(".").lower()


def qname(msg):
    """The question's name and the offset after the question."""
    labels, i = [], 12
    while msg[i]:
        labels.append(msg[i + 1:i + 1 + msg[i]].decode("ascii", "replace"))
        i += 1 + msg[i]
    return ".".join(labels).lower(), i + 5


s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", port))
up = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
up.settimeout(3)
print("ready", flush=True)
while True:
    try:
        q, peer = s.recvfrom(4096)
    except InterruptedError:
        continue
    if len(q) < 17:
        continue
    name, end = qname(q)
    qtype = struct.unpack("!H", q[end - 4:end - 2])[0]
    if forging and name == target and qtype == 16:
        rdata = bytes([len(txt)]) + txt.encode()
        a = (q[:2] + struct.pack("!HHHHH", 0x8400, 1, 1, 0, 0) + q[12:end] +
             struct.pack("!HHHIH", 0xC00C, 16, 1, 60, len(rdata)) + rdata)
        s.sendto(a, peer)
        print("substituted", flush=True)
        continue
    try:
        up.sendto(q, (server, 53))
        s.sendto(up.recv(65535), peer)
    except OSError:
        pass
