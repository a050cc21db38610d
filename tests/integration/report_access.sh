#!/usr/bin/env bash
# report_access.sh — `pejlctl report DIR` where pejld may not write says
# why and what to do, instead of "see pejld's log": here a read-only file
# system (what systemd's ProtectSystem=strict makes of /srv), mounted in a
# mount namespace of the test's own.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"

[ "$(id -u)" -eq 0 ] || fail "needs root for a private mount namespace (unshare -m)"
demo_copy "$T/conf"
mkdir -p "$T/ro" "$T/rw"
unshare -m --propagation private bash -c '
    set -e
    T=$1 PEJLD=$2 PEJLCTL=$3
    mount -t tmpfs -o ro pejl-test "$T/ro"
    "$PEJLD" -f -c "$T/conf/demo.conf" --state-dir "$T/state" 2>"$T/log" &
    pid=$!
    for _ in $(seq 100); do [ -S "$T/state/pejld.sock" ] && break; sleep 0.1; done
    set +e
    "$PEJLCTL" --socket "$T/state/pejld.sock" report "$T/ro/report" >/dev/null 2>"$T/err"; echo $? >"$T/rc"
    "$PEJLCTL" --socket "$T/state/pejld.sock" report "$T/rw/report" >/dev/null 2>"$T/err2"; echo $? >"$T/rc2"
    kill $pid; wait $pid
' report_access "$T" "$PEJLD" "$PEJLCTL" || fail "the namespace: $?"
[ "$(cat "$T/rc")" = 1 ] || fail "a report on a read-only file system: exit $(cat "$T/rc"), $(cat "$T/err")"
grep -q "pejld cannot write in $T/ro: read-only file system" "$T/err" && grep -q "ReadWritePaths=$T/ro" "$T/err" \
    || fail "the refusal does not say why and what to do: $(cat "$T/err")"
[ "$(cat "$T/rc2")" = 0 ] && [ -s "$T/rw/report/index.html" ] || fail "a report where pejld may write: $(cat "$T/err2")"
pass "pejlctl report on a read-only file system says so and names ReadWritePaths=; elsewhere it is written"
