#!/usr/bin/python3
"""Write a Zeek conn.log as Zeek's ASCII writer lays it out (FORMATS.md):
#separator \\x09, #set_separator, #empty_field (empty), #unset_field -,
#path, #open, #fields, #types, the rows (tab-separated, '-' unset,
'(empty)' an empty set), and #close.  Usage: mkconn.py SEED NROWS"""
import random
import sys

FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p",
          "proto", "service", "duration", "orig_bytes", "resp_bytes",
          "conn_state", "local_orig", "local_resp", "missed_bytes",
          "history", "orig_pkts", "orig_ip_bytes", "resp_pkts",
          "resp_ip_bytes", "tunnel_parents"]
TYPES = ["time", "string", "addr", "port", "addr", "port", "enum", "string",
         "interval", "count", "count", "string", "bool", "bool", "count",
         "string", "count", "count", "count", "count", "set[string]"]

seed, nrows = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
out = sys.stdout
out.write("#separator \\x09\n")
out.write("#set_separator\t,\n")
out.write("#empty_field\t(empty)\n")
out.write("#unset_field\t-\n")
out.write("#path\tconn\n")
out.write("#open\t2026-11-30-10-00-00\n")
out.write("#fields\t" + "\t".join(FIELDS) + "\n")
out.write("#types\t" + "\t".join(TYPES) + "\n")
ts = 1764496800 + seed * 1000
for i in range(nrows):
    ts += rnd.randint(0, 90)
    us = rnd.randint(0, 999999)
    v6 = i % 5 == 3
    orig = ("2001:db8::%x" % rnd.randint(1, 0xffff)) if v6 else \
        "10.0.%d.%d" % (rnd.randint(0, 3), rnd.randint(1, 254))
    resp = ("2606:4700::%x" % rnd.randint(1, 0xffff)) if v6 else \
        "93.184.%d.%d" % (rnd.randint(0, 255), rnd.randint(1, 254))
    proto = rnd.choice(["tcp", "udp", "icmp"])
    unset = i % 7 == 2          # a connection attempt: no duration, no bytes
    if unset:
        dur = ob = rb = "-"
    else:
        dur = rnd.choice(["0.000123", "%.6f" % rnd.uniform(0, 3600),
                          "0.000007", "12.5"])
        ob = str(rnd.randint(0, 10**7))
        rb = str(rnd.randint(0, 10**9))
    row = ["%d.%06d" % (ts, us), "C%016x" % rnd.getrandbits(64), orig,
           str(rnd.randint(1024, 65535)), resp,
           str(rnd.choice([53, 80, 443, 8080])), proto,
           rnd.choice(["-", "dns", "http", "ssl"]), dur, ob, rb,
           rnd.choice(["S0", "SF", "REJ", "RSTO"]), "T", "F", "0",
           rnd.choice(["ShADadfF", "D", "-"]), str(rnd.randint(1, 99)),
           str(rnd.randint(40, 99999)), str(rnd.randint(0, 99)),
           str(rnd.randint(0, 99999)),
           "(empty)" if i % 3 else "CHhAvVGS1DHFjwGM9"]
    out.write("\t".join(row) + "\n")
out.write("#close\t2026-11-30-11-00-00\n")
