#!/usr/bin/env bash
# linkage.sh — what a linked library does, the library does: pejld links
# libcrypto (HMAC-SHA256 of webhook bodies, base64) and zlib (the journal's
# CRC-32) itself, and carries no SHA-256, base64 or CRC-32 of its own.
. "$(dirname "$0")/lib.sh"

needed=$(readelf -d "$PEJLD" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for lib in libcrypto libz; do
    echo "$needed" | grep -q "^$lib\.so" ||
        fail "pejld does not link $lib directly; it needs: $(echo $needed)"
done
pass "pejld links libcrypto and libz"

# Every function or table pejld defines itself (the libraries' are undefined
# here, "U"); a name that says sha256, hmac, base64 or crc32 is our own copy.
defined=$(nm --defined-only "$PEJLD" 2>&1) || fail "nm cannot read pejld: $defined"
[ -n "$defined" ] || fail "pejld has no symbol table (stripped?); build it unstripped"
echo "$defined" | grep -q ' [Tt] main$' || fail "nm listed no main in pejld: not a symbol table"
own=$(echo "$defined" | awk '{print $NF}' | grep -Ei 'sha256|hmac|base64|crc32' || true)
[ -z "$own" ] || fail "pejld defines its own: $(echo $own)"
pass "pejld defines no SHA-256, HMAC, base64 or CRC-32 of its own"
