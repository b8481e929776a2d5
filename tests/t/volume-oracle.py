# volume-oracle.py FILE KIND KEYS SPLIT: the groups volume should give,
# as json, written from the man page (volume, "volume columns"); KEYS
# "-" for the total row, "pairs" for --pairs (party_a, party_b and the
# two directions). Used by t4102 and t4600.
import csv, json, sys
from decimal import Decimal
path, kind, keys, split = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
pairs = keys == "pairs"
keys = keys.split(",") if keys not in ("-", "pairs") else []
PARTY = ("caller", "callee", "subscriber", "peer")
def fields(row):
    if row["start"]:                     # UTC: no --tz here
        row["date"] = row["start"][:10]
        row["hour"] = str(int(row["start"][11:13]))
    if kind == "ip":
        row["peer"] = row["dst_ip"]
        return row
    if not row.get("direction"):
        row["direction"] = "unknown"     # a CDR that says nothing
    mt = row["direction"] == "mt"
    row["subscriber"] = row["callee"] if mt else row["caller"]
    row["peer"] = row["caller"] if mt else row["callee"]
    return row
def other(row, key):
    # the other party relative to the value of a party key
    if kind == "ip" or key is None:
        return row["peer"]
    v = row[key]
    a, b = row["caller"], row["callee"]
    if a == v and b == v: return v
    if a == v: return b
    if b == v: return a
    return row["peer"]
def secs(us):   # microseconds -> seconds as text: whole, .fff, or .ffffff
    if us % 1000000 == 0: return str(us // 1000000)
    if us % 1000 == 0: return "%d.%03d" % (us // 1000000, us % 1000000 // 1000)
    return "%d.%06d" % (us // 1000000, us % 1000000)
def cellkey(row):
    # the full cell key (man page, Cells): the cell text split at dashes
    # when all digits (4: MCC-MNC-LAC-CI, 3: MCC-MNC-CI, 2: LAC-CI), the
    # mcc, mnc and lac columns for the parts it lacks; MCC and MNC only
    # as a pair
    c = row.get("cell", "")
    if c == "": return ""
    p = {"mcc": row.get("mcc", ""), "mnc": row.get("mnc", ""), "lac": row.get("lac", "")}
    parts = c.split("-")
    if len(parts) in (2, 3, 4) and all(x.isdigit() for x in parts):
        if len(parts) == 4: p["mcc"], p["mnc"], p["lac"], ci = parts
        elif len(parts) == 3: p["mcc"], p["mnc"], ci = parts
        else: p["lac"], ci = parts
    else:
        ci = c
    num = lambda x: str(int(x)) if x.isdigit() else x
    key = [num(p["mcc"]), num(p["mnc"])] if p["mcc"] and p["mnc"] else []
    if p["lac"]: key.append(num(p["lac"]))
    return "-".join(key + [ci])
groups = {}
splitvals = set()
party = [k for k in keys if k in PARTY]
for row in csv.DictReader(open(path, newline="")):
    row = fields(row)
    if pairs:
        # the unordered pair, party_a the one that sorts first byte by byte
        ab = sorted([row["caller"], row["callee"]], key=lambda x: x.encode())
        g = tuple(ab)
    else:
        g = tuple(cellkey(row) if k == "cell" else row[k] for k in keys)
    e = groups.setdefault(g, {"records": 0, "dn": 0, "dt": 0, "dm": None,
                              "up": 0, "down": 0, "peers": set(), "cells": set(),
                              "subs": set(), "dir": [0, 0], "dirdur": [0, 0],
                              "starts": [], "split": {}})
    e["records"] += 1
    # a_to_b: the records whose caller is party_a
    side = 0 if pairs and row["caller"] == g[0] else 1
    if pairs:
        e["dir"][side] += 1
    if row.get("duration", "") != "" and row.get("type") != "sms":
        d = int(Decimal(row["duration"]) * 1000000)  # microseconds
        e["dn"] += 1; e["dt"] += d
        e["dm"] = d if e["dm"] is None else max(e["dm"], d)
        if pairs:
            e["dirdur"][side] += d
    if kind == "ip":
        e["up"] += int(row["bytes_up"]); e["down"] += int(row["bytes_down"])
    p = other(row, party[0] if party else None)
    if p != "":
        e["peers"].add(p)
    if cellkey(row) != "":
        e["cells"].add(cellkey(row))
    if row["subscriber"] != "":
        e["subs"].add(row["subscriber"])
    if row["start"]:
        e["starts"].append(row["start"].replace(" ", "T") + "Z")
    if split != "-":
        v = row.get(split, "") or "none"
        splitvals.add(v)
        e["split"][v] = e["split"].get(v, 0) + 1
out = []
for g, e in groups.items():
    o = dict(zip(["party_a", "party_b"] if pairs else keys, g))
    o["records"] = str(e["records"])
    for v in sorted(splitvals):
        o["records_" + v] = str(e["split"].get(v, 0))
    if e["dn"]:
        o["duration_total"] = secs(e["dt"])
        o["duration_mean"] = secs(e["dt"] // e["dn"])   # cut to microseconds
        o["duration_max"] = secs(e["dm"])
    else:
        o["duration_total"] = o["duration_mean"] = o["duration_max"] = ""
    if pairs:
        o["a_to_b"], o["b_to_a"] = str(e["dir"][0]), str(e["dir"][1])
        o["a_to_b_duration"] = secs(e["dirdur"][0])
        o["b_to_a_duration"] = secs(e["dirdur"][1])
    if kind == "ip":
        o["bytes_up"], o["bytes_down"] = str(e["up"]), str(e["down"])
    o["distinct_peers"] = str(len(e["peers"]))
    if not party and not pairs:   # shown where no key is a party (man page, volume)
        o["distinct_subscribers"] = str(len(e["subs"]))
    o["distinct_cells"] = str(len(e["cells"]))
    o["first_seen"] = min(e["starts"]) if e["starts"] else ""
    o["last_seen"] = max(e["starts"]) if e["starts"] else ""
    out.append(o)
json.dump(out, sys.stdout)
