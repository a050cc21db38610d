#!/usr/bin/env bash
# journal.sh — when systemd reads pejld's stderr (JOURNAL_STREAM), messages
# go to journald's native socket with fields ops can query: INDICATOR= on
# every message about an indicator, PEJL_EVENT= and ALERT=/FINGERPRINT= on
# collections and alert changes. journald is stood in for by journalsink.py
# on /run/systemd/journal/socket, in a mount namespace of the test's own (a
# tmpfs over /run), so the machine's journal is not touched.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || fail "needs root for a private mount namespace (unshare -m)"
demo_copy "$T/conf"
: >"$T/entries"
unshare -m --propagation private bash -c '
    set -e
    mount -t tmpfs pejl-test /run
    mkdir -p /run/systemd/journal
    /usr/bin/python3 "$1/tests/integration/journalsink.py" /run/systemd/journal/socket "$2/entries" &
    sink=$!
    for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
    exec 2>"$2/stderr"
    export JOURNAL_STREAM=$(stat -c "%d:%i" "$2/stderr")
    "$3" --once --now 2025-10-01 -c "$2/conf/demo.conf" --state-dir "$2/state" >/dev/null || true
    # the sink has read everything once it has read what comes after
    /usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b\"MESSAGE=pejl-test-end\\n\", \"/run/systemd/journal/socket\")"
    for _ in $(seq 100); do grep -q pejl-test-end "$2/entries" && break; sleep 0.1; done
    kill $sink
' journal "$SRC" "$T" "$PEJLD" || fail "the namespace: $?"
[ -s "$T/entries" ] || fail "nothing reached the journal socket; stderr: $(head -5 "$T/stderr")"
/usr/bin/python3 - "$T/entries" <<'PY' || fail "journal entries: $(head -c 2000 "$T/entries")"
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
assert entries[-1] == {"MESSAGE": "pejl-test-end"}, entries[-1]
entries = entries[:-1]
assert all(e["SYSLOG_IDENTIFIER"] == "pejld" and e["PRIORITY"].isdigit() for e in entries), entries[0]
collected = [e for e in entries if e.get("PEJL_EVENT") == "collected"]
assert {e["INDICATOR"] for e in collected} >= {"ls_exports", "eu_us_rd_ratio"}, collected[:2]
assert all(e["MESSAGE"].startswith(e["INDICATOR"] + ": ") for e in collected), collected[0]
alerts = [e for e in entries if e.get("PEJL_EVENT") == "alert"]
crit = [e for e in alerts if e.get("ALERT") == "eu_us_rd_ratio/progress"]
assert crit and crit[0]["FINGERPRINT"] == "fc07f90b88465d18" and crit[0]["INDICATOR"] == "eu_us_rd_ratio", alerts[:3]
assert crit[0]["PRIORITY"] == "4" and "-> CRITICAL" in crit[0]["MESSAGE"], crit[0]
# a plain message that begins with an indicator's id gets INDICATOR= too; others none
other = [e for e in entries if "PEJL_EVENT" not in e]
assert all("INDICATOR" not in e or e["MESSAGE"].startswith(e["INDICATOR"] + ":") for e in other), other
PY
! grep -q "ls_exports" "$T/stderr" || fail "messages went to stderr as well: $(head -3 "$T/stderr")"
pass "with JOURNAL_STREAM, messages reach journald's socket with INDICATOR=, PEJL_EVENT=, ALERT=, FINGERPRINT="
