#!/bin/sh
# Progress goes to standard error only when asked for (--progress) or when
# stderr is a terminal: never into a pipeline or a log by surprise, never
# on standard output. The man page (--progress): about once a second, the
# input, megabytes read, rows and rate; the line is cleared at the end. A
# run lasts over a second here because its standard input pauses half-way.
. "$(dirname "$0")/lib.sh"
mawk 'BEGIN { print "caller,callee,start,duration"; for (i = 0; i < 300000; i++) printf "60%09d,602,2025-01-03 08:00:00,%d\n", i, i % 500 }' >big.csv
head -n 150001 big.csv >first.csv
tail -n +150002 big.csv >second.csv
# slow: big.csv with a pause of 1.6 s half-way
slow() { cat first.csv; sleep 1.6; cat second.csv; }

test_expect_success 'no progress when stderr is not a terminal' '
	slow | cdrsift stats -j2 -f csv - >out 2>err &&
	! test -s err
'
test_expect_success '--progress forces it on a non-terminal stderr, stdout untouched' '
	cdrsift stats -j2 -f csv --no-progress - <big.csv >want 2>err0 &&
	! test -s err0 &&
	slow | cdrsift stats -j2 -f csv --progress - >out 2>err &&
	test_cmp want out &&
	tr "\r" "\n" <err >lines &&
	grep -E "^cdrsift: -: [0-9]+\.[0-9] MB, [0-9]+\.[0-9]+M rows, [0-9.]+ MB/s" lines &&
	! grep -q "MB/s" out &&
	test "$(tail -c 1 err | od -An -c | tr -d " ")" = "\r"
'
test_expect_success PYTHON 'on a terminal: progress by default, none with --no-progress' '
	/usr/bin/python3 - "$CDRSIFT" <<-\PY
	import os, subprocess, sys, time
	def run(*opts):
	    master, slave = os.openpty()
	    p = subprocess.Popen([sys.argv[1], "stats", "-j2", "-f", "csv", *opts,
	                          "-"], stdin=subprocess.PIPE,
	                         stdout=subprocess.PIPE, stderr=slave)
	    os.close(slave)
	    p.stdin.write(open("first.csv", "rb").read()); p.stdin.flush()
	    time.sleep(1.6)
	    p.stdin.write(open("second.csv", "rb").read()); p.stdin.close()
	    out = p.stdout.read()
	    assert p.wait() == 0, p.returncode
	    err = b""
	    while True:
	        try:
	            chunk = os.read(master, 65536)
	        except OSError:
	            break
	        if not chunk:
	            break
	        err += chunk
	    os.close(master)
	    return out, err
	out1, err1 = run()
	out2, err2 = run("--no-progress")
	assert b"cdrsift: -: " in err1 and b" rows, " in err1, err1
	assert err2 == b"", err2
	assert out1 == out2 and b"MB/s" not in out1
	PY
'
test_done
