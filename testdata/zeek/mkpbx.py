#!/usr/bin/python3
"""Write header-less PBX CDR files as their modules lay them out
(FORMATS.md): Asterisk cdr_custom's stock mapping (19 fields, each wrapped
in CSV_QUOTE() except sequence, so the numbers are quoted and an empty
answer is "") and FreeSWITCH mod_cdr_csv's example template (15 quoted
fields).
Usage: mkpbx.py asterisk-custom|freeswitch SEED NROWS"""
import datetime
import random
import sys
import uuid

kind, seed, nrows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
t = datetime.datetime(2026, 11, 30, 8, 0, 0)


def q(v):
    return '"' + str(v).replace('"', '""') + '"'


def stamp(d):
    return d.strftime("%Y-%m-%d %H:%M:%S")


for i in range(nrows):
    t += datetime.timedelta(seconds=rnd.randint(1, 600))
    src = "60%d" % rnd.randint(120000000, 129999999)
    dst = rnd.choice(["%d" % rnd.randint(100, 999),
                      "60%d" % rnd.randint(120000000, 129999999)])
    ring = rnd.randint(0, 30)
    answered = rnd.random() < 0.7
    talk = rnd.randint(1, 3600) if answered else 0
    start, end = t, t + datetime.timedelta(seconds=ring + talk)
    answer = stamp(t + datetime.timedelta(seconds=ring)) if answered else ""
    if kind == "asterisk-custom":
        disp = "ANSWERED" if answered else rnd.choice(["NO ANSWER", "BUSY", "FAILED"])
        row = [q('"Alice %d" <%s>' % (i, src)), q(src), q(dst), q("from-internal"),
               q("SIP/%s-%08x" % (src[-4:], i)), q("SIP/trunk-%08x" % (i + 1)),
               q("Dial"), q("SIP/trunk/%s,30" % dst), q(stamp(start)), q(answer),
               q(stamp(end)), q(ring + talk), q(talk), q(disp),
               q(rnd.choice(["DOCUMENTATION", "BILLING"])), q(""),
               q("%d.%d" % (1764489600 + i, i)), q(""), str(i)]
    else:
        cause = "NORMAL_CLEARING" if answered else rnd.choice(
            ["USER_BUSY", "NO_USER_RESPONSE", "ORIGINATOR_CANCEL"])
        row = [q("Alice %d" % i), q(src), q(dst), q("default"), q(stamp(start)),
               q(answer), q(stamp(end)), q(ring + talk), q(talk), q(cause),
               q(uuid.UUID(int=rnd.getrandbits(128))),
               q(uuid.UUID(int=rnd.getrandbits(128)) if answered else ""),
               q(""), q("PCMU"), q("PCMU")]
    sys.stdout.write(",".join(row) + "\n")
