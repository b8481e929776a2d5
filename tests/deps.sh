#!/bin/sh
# Install the Debian packages named as arguments when some are missing.
# As root this runs apt-get; otherwise it prints the exact command to run.
# A name written opt:NAME is optional (ISA-L, issue #5): installed when
# possible, and when it cannot be, a note says so and the build goes on
# without it.
missing= optional=
for p in "$@"; do
	case $p in
	opt:*) p=${p#opt:} opt=1 ;;
	*) opt= ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' &&
		continue
	if [ -n "$opt" ]; then
		optional="$optional $p"
	else
		missing="$missing $p"
	fi
done
[ -z "$missing$optional" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	if [ -n "$missing" ]; then
		echo "cdrsift: installing missing packages:$missing" >&2
		apt-get install -y -q $missing >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $missing >/dev/null; } ||
		{ echo "cdrsift: apt-get install$missing failed" >&2; exit 1; }
	fi
	if [ -n "$optional" ]; then
		echo "cdrsift: installing optional packages:$optional" >&2
		apt-get install -y -q $optional >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $optional >/dev/null 2>&1; } ||
		echo "cdrsift: note: could not install$optional; building without" >&2
	fi
else
	if [ -n "$optional" ]; then
		echo "cdrsift: note: optional packages missing (as root: apt-get install$optional)" >&2
	fi
	[ -z "$missing" ] && exit 0
	echo "cdrsift: missing packages; run as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
