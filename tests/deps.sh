#!/bin/sh
# Install the Debian packages named as arguments when some are missing.
# As root this runs apt-get; otherwise it prints the exact command to run.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "cdrsift: installing missing packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q $missing >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $missing >/dev/null; } ||
	{ echo "cdrsift: apt-get install$missing failed" >&2; exit 1; }
else
	echo "cdrsift: missing packages; run as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
