#!/usr/bin/python3
# partial-edit.py IN OUT EDIT VALUE: rewrite a partial file the way a
# foreign or newer cdrsift would, with a correct digest (hashlib), from
# the layout in src/partial.c: 20-byte header, sections (tag 4, length 8
# little-endian, payload), "SHA2" + SHA-256 of everything before it.
#   version N     the header's format version
#   command NAME  the command string that opens the FACT section
import hashlib, struct, sys

src, out, edit, value = sys.argv[1:5]
data = open(src, 'rb').read()
head, pos, sections = bytearray(data[:20]), 20, []
while True:
    tag, n = data[pos:pos + 4], struct.unpack('<Q', data[pos + 4:pos + 12])[0]
    if tag == b'SHA2':
        break
    sections.append([tag, bytearray(data[pos + 12:pos + 12 + n])])
    pos += 12 + n
if edit == 'version':
    head[8:12] = struct.pack('<I', int(value))
elif edit == 'command':
    for s in sections:
        if s[0] == b'FACT':
            old = s[1][0]          # a short string: one length byte
            s[1] = bytearray([len(value)]) + value.encode() + s[1][1 + old:]
else:
    sys.exit('unknown edit ' + edit)
body = bytes(head) + b''.join(t + struct.pack('<Q', len(p)) + bytes(p)
                              for t, p in sections)
open(out, 'wb').write(body + b'SHA2' + struct.pack('<Q', 32) +
                      hashlib.sha256(body).digest())
