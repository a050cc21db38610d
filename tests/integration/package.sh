#!/usr/bin/env bash
# package.sh — the Debian package: scripts/package builds it; its control
# file depends on the runtime libraries dpkg-shlibdeps found; installed
# into a temporary root with dpkg -x, pejld runs from there (--version,
# --check-config on the live catalogue and on the demo); the man pages
# render; lintian reports no error (its remaining tags are printed, and
# explained in the README).
. "$(dirname "$0")/lib.sh"

deb=$("$SRC/scripts/package" "$T/build-deb" 2>"$T/package.log") || fail "scripts/package: $(tail "$T/package.log")"
[ -f "$deb" ] || fail "no package: $deb"
dpkg-deb -f "$deb" Depends >"$T/depends"
for lib in libcurl4 libjansson4 librrd8 libconfig9 libssl3 zlib1g libmicrohttpd12 fonts-dejavu-core; do
    grep -q "$lib" "$T/depends" || fail "Depends lacks $lib: $(cat "$T/depends")"
done
pass "$(basename "$deb"): Depends: $(cat "$T/depends")"

root="$T/root"
dpkg -x "$deb" "$root"
for f in usr/sbin/pejld usr/bin/pejlctl usr/lib/pejl/collectors/statbank.so etc/pejl/pejld.conf \
         etc/pejl/manual/wait-days.csv etc/pejl/manual/wait-share.csv etc/pejl/manual/wait-rank.csv \
         etc/pejl/manual/eu-us-rd.csv \
         usr/share/pejl/demo/demo.conf usr/lib/systemd/system/pejld.service usr/share/man/man5/pejld.conf.5.gz \
         usr/share/doc/pejl/copyright usr/share/doc/pejl/changelog.gz; do
    [ -e "$root/$f" ] || fail "the package lacks /$f"
done
"$root/usr/sbin/pejld" --version | grep -q "^pejld 0\." || fail "--version from the package"
for f in prometheus-scrape.yml grafana-pejl.json; do # for the HTTP endpoint
    [ -e "$root/usr/share/doc/pejl/examples/$f" ] || fail "the package lacks the example $f"
done
"$root/usr/sbin/pejld" --check-config -c "$root/usr/share/pejl/demo/demo.conf" >"$T/check" 2>&1 || fail "demo: $(cat "$T/check")"
"$root/usr/sbin/pejld" --check-config -c "$root/etc/pejl/pejld.conf" >"$T/check" 2>&1 || fail "pejld.conf: $(cat "$T/check")"
for page in man8/pejld.8.gz man5/pejld.conf.5.gz man1/pejlctl.1.gz; do
    zcat "$root/usr/share/man/$page" | LC_ALL=C.UTF-8 groff -mandoc -Tutf8 -ww -z 2>"$T/groff" || fail "$page: $(cat "$T/groff")"
    [ ! -s "$T/groff" ] || fail "$page: $(cat "$T/groff")"
done
pass "installed into a temporary root: pejld runs from there, finds its collectors, checks both configs; the man pages render"

if command -v lintian >/dev/null; then
    lintian --tag-display-limit 0 "$deb" 2>/dev/null | grep -v "root privileges" >"$T/lintian" || true
    ! grep -q "^E:" "$T/lintian" || fail "lintian errors: $(grep '^E:' "$T/lintian")"
    sed 's/^/  /' "$T/lintian"
    pass "lintian: no errors, $(grep -c '^[WI]:' "$T/lintian") warnings/infos (above)"
else
    fail "lintian is missing: run scripts/install-deps"
fi
