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
         usr/share/doc/pejl/copyright usr/share/doc/pejl/changelog.gz \
         usr/share/bash-completion/completions/pejlctl usr/share/bash-completion/completions/pejld; do
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
    zcat "$root/usr/share/man/$page" | LC_ALL=C.UTF-8 groff -mandoc -Tascii -P-c 2>/dev/null | col -b | grep -q "^EXAMPLES" \
        || fail "$page has no EXAMPLES section"
done
zcat "$root/usr/share/man/man5/pejld.conf.5.gz" | LC_ALL=C.UTF-8 groff -mandoc -Tascii -P-c 2>/dev/null | col -b >"$T/conf5"
grep -q 'at = "06:00"' "$T/conf5" && grep -q 'match = { severity = "critical"; }' "$T/conf5" \
    || fail "pejld.conf(5) loses the quotes of its examples: $(grep -m2 'at = ' "$T/conf5")"
pass "installed into a temporary root: pejld runs from there, finds its collectors, checks both configs; the man pages render, with EXAMPLES, quotes kept"

# Installed by dpkg into a scratch root, maintainer scripts run outside it
# (DPKG_ROOT): the system user and group pejl exist, the unit is enabled as
# deb-systemd-helper does, README and the manual templates are there.
r="$T/dpkgroot"
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" && : >"$r/var/lib/dpkg/status"
dpkg --root="$r" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >"$T/dpkg.log" 2>&1 \
    || fail "dpkg --root -i: $(tail -5 "$T/dpkg.log")"
grep -q "^pejl:x:[0-9]*:[0-9]*:pejl daemon:/var/lib/pejl:/usr/sbin/nologin$" "$r/etc/passwd" && grep -q "^pejl:x:" "$r/etc/group" \
    || fail "no system user pejl: $(cat "$r/etc/passwd" 2>&1)"
[ "$(readlink "$r/etc/systemd/system/multi-user.target.wants/pejld.service")" = /usr/lib/systemd/system/pejld.service ] \
    || fail "pejld.service is not enabled: $(ls -l "$r/etc/systemd/system/multi-user.target.wants" 2>&1)"
[ -d "$r/etc/pejl/conf.d" ] || fail "no /etc/pejl/conf.d for drop-in files"
for f in usr/share/doc/pejl/README.md.gz usr/lib/sysusers.d/pejl.conf etc/pejl/manual/wait-days.csv usr/include/pejl/collector.h; do
    [ -e "$r/$f" ] || fail "dpkg did not install /$f"
done
grep -q "^User=pejl$" "$r/usr/lib/systemd/system/pejld.service" && grep -q "^StateDirectoryMode=0750$" "$r/usr/lib/systemd/system/pejld.service" \
    || fail "the unit does not run as pejl with a group-readable state"
dpkg --root="$r" --force-script-chrootless --force-depends --log=/dev/null --purge pejl >>"$T/dpkg.log" 2>&1 || fail "dpkg --purge: $(tail -5 "$T/dpkg.log")"
[ ! -e "$r/etc/systemd/system/multi-user.target.wants/pejld.service" ] || fail "purge left the unit enabled"
pass "dpkg --root: user and group pejl made (sysusers.d), the unit enabled by deb-systemd-helper and forgotten on purge"

if command -v lintian >/dev/null; then
    lintian --display-info --tag-display-limit 0 "$deb" 2>/dev/null | grep -v "root privileges" >"$T/lintian" || true
    ! grep -q "^E:" "$T/lintian" || fail "lintian errors: $(grep '^E:' "$T/lintian")"
    sed 's/^/  /' "$T/lintian"
    pass "lintian: no errors, $(grep -c '^[WI]:' "$T/lintian") warnings/infos (above)"
else
    fail "lintian is missing: run scripts/install-deps"
fi
