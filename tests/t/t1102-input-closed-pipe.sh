#!/bin/sh
# A closed pipe ends the run (issue #10 item 8, DESIGN 3): `cdrsift filter
# ... | head -1` stops reading at once, says nothing after the reader is
# gone (no reject messages, no --verbose accounting) and exits with the
# status of what was done until then. The input comes through a FIFO from
# a writer that counts what it could write before the pipe broke: far
# less than the whole input when cdrsift stopped. No timing is measured.
. "$(dirname "$0")/lib.sh"

# the FIFO writer: a header and 'rows' rows, bad ones ("bad,row") from row
# 'bad_from' on every 1000th row (or on row 2 only with 'early'); it stops
# when the pipe breaks, and writes to 'report' how many lines it wrote
# whole (in chunks of 2000), and of how many
cat >writer.py <<\PY
import sys
fifo, rows, bad_from, report = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def lines():
    yield "caller,callee,start,duration\n"
    for i in range(rows):
        bad = (i == 1) if bad_from == "early" else (i >= int(bad_from) and i % 1000 == 0)
        if bad:
            yield "bad,row\n"
        else:
            yield "6012%07d,6019%07d,2025-01-03 %02d:%02d:%02d,%d\n" % (
                i, i, i // 3600 % 24, i // 60 % 60, i % 60, i % 50)
# a FIFO opens for writing only once its reader has it: wait for that, but
# give up (no hang) when cdrsift never opens it
import os, fcntl, stat, time
if os.path.exists(fifo) and stat.S_ISFIFO(os.stat(fifo).st_mode):
    for _ in range(1200):
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            time.sleep(0.05)
    else:
        sys.exit("nobody opened the FIFO")
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    f = os.fdopen(fd, "wb", buffering=0)
else:
    f = open(fifo, "wb", buffering=0)
def write(data):
    mv = memoryview(data)
    while mv:
        mv = mv[f.write(mv):]
sent, chunk = 0, []
try:
    for line in lines():
        chunk.append(line)
        if len(chunk) == 2000:
            write("".join(chunk).encode())
            sent += len(chunk)
            chunk = []
    write("".join(chunk).encode())
    sent += len(chunk)
    f.close()
except BrokenPipeError:
    pass
open(report, "w").write("%d %d\n" % (sent, rows + 1))
PY

# run 'cdrsift filter ARGS' on a FIFO fed by the writer, through head -1
run_head() {
	rows=$1 bad=$2; shift 2
	rm -f fifo report && mkfifo fifo || return 1
	/usr/bin/python3 writer.py fifo "$rows" "$bad" report &
	wpid=$!
	{ cdrsift filter "$@" fifo 2>err; echo $? >rc; } | head -1 >first
	wait $wpid
	read written total <report
	echo "# filter $*: the writer wrote $written of $total lines;" \
		"exit $(cat rc), $(wc -l <err) lines on stderr" >>"$TRASH/figures"
}

# (the bad row three quarters in, and the bound there: how much is in
# flight when the pipe closes depends on the machine's load, up to a few
# blocks per thread, but never most of the input)
for j in 1 2 4; do
	test_expect_success "-j$j: the run ends at the closed pipe, quietly, exit 0" '
		run_head 2000000 1500000 -j$j -f csv --verbose &&
		test "$(cat rc)" = 0 &&
		test ! -s err &&
		grep -q "^id,type,direction,caller" first &&
		test "$written" -lt $((total * 3 / 4))
	'
done

test_expect_success '--raw: the same' '
	run_head 2000000 1500000 -j2 --raw &&
	test "$(cat rc)" = 0 && test ! -s err &&
	test "$(cat first)" = "caller,callee,start,duration" &&
	test "$written" -lt $((total * 3 / 4))
'

test_expect_success 'a row rejected before the pipe closed: its message, exit 1, nothing after' '
	run_head 1000000 early -j2 -f csv &&
	test "$(cat rc)" = 1 &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^cdrsift: fifo:3: too few fields" err &&
	test "$written" -lt $((total * 3 / 4))
'

test_expect_success 'output read to its end: every row, exit 1 for the rejects' '
	/usr/bin/python3 writer.py plain.csv 20000 10000 report &&
	test_exit 1 cdrsift filter -j2 -f csv plain.csv >all.csv 2>err &&
	test "$(wc -l <all.csv)" = $((1 + 20000 - 10)) &&
	test "$(grep -c "too few fields" err)" = 10
'
cat figures 2>/dev/null
test_done
