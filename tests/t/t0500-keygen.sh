#!/bin/sh
# keygen (issue 17): a new 32-byte key, mode 0600 whatever the umask,
# never overwriting a file or writing through a link; two keys differ;
# the loader that --pseudonymize will use (keygen --check) refuses a key
# readable or writable by others, a short one, and what is not a file.
. "$(dirname "$0")/lib.sh"

test_expect_success 'keygen: 32 bytes, mode 600, under umask 000 too' '
	cdrsift keygen k1 &&
	(umask 000 && cdrsift keygen k2) &&
	test "$(wc -c <k1)" = 32 && test "$(wc -c <k2)" = 32 &&
	test "$(stat -c %a k1)" = 600 && test "$(stat -c %a k2)" = 600 &&
	! cmp -s k1 k2
'
test_expect_success 'keygen never overwrites a key, nor writes through a link' '
	sha256sum k1 >k1.sha &&
	test_exit 3 cdrsift keygen k1 2>err &&
	grep -q "exists: a key is never overwritten" err &&
	sha256sum -c --quiet k1.sha &&
	ln -s target link &&
	test_exit 3 cdrsift keygen link 2>/dev/null &&
	test ! -e target
'
test_expect_success 'keygen: no FILE, two FILEs or - are usage errors' '
	test_exit 2 cdrsift keygen 2>err &&
	grep -q "^cdrsift: keygen: expected one FILE" err &&
	test_exit 2 cdrsift keygen a b 2>err &&
	grep -q "^cdrsift: keygen: expected one FILE" err && test ! -e a &&
	test_exit 2 cdrsift keygen - >out 2>err && test ! -s out &&
	grep -q "never written to standard output" err
'
test_expect_success 'keygen into a directory that does not exist: exit 3' '
	test_exit 3 cdrsift keygen no/such/k 2>err && grep -q "cannot create" err
'
test_expect_success 'the key loader takes a key made by keygen' '
	cdrsift keygen --check k1 >out &&
	grep -q "a usable key of 32 bytes" out
'
test_expect_success 'the key loader refuses a key readable by others' '
	cp k1 k3 && chmod 644 k3 &&
	test_exit 1 cdrsift keygen --check k3 2>err &&
	grep -q "^cdrsift: key file .k3. is readable or writable by others (mode 0644); chmod 600 it\$" err &&
	chmod 640 k3 && test_exit 1 cdrsift keygen --check k3 2>/dev/null &&
	chmod 602 k3 && test_exit 1 cdrsift keygen --check k3 2>/dev/null &&
	chmod 600 k3 && cdrsift keygen --check k3 >/dev/null
'
test_expect_success 'the key loader refuses a short key, and a directory' '
	head -c 31 k1 >short && chmod 600 short &&
	test_exit 1 cdrsift keygen --check short 2>err &&
	grep -q "is too short (31 bytes; at least 32)" err &&
	: >empty && chmod 600 empty &&
	test_exit 1 cdrsift keygen --check empty 2>/dev/null &&
	mkdir d && chmod 700 d &&
	test_exit 1 cdrsift keygen --check d 2>err && grep -q "not a regular file" err &&
	test_exit 1 cdrsift keygen --check nosuch 2>err && grep -q "cannot open" err
'
test_done
