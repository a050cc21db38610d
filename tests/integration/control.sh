#!/usr/bin/env bash
# control.sh — pejlctl against a running pejld over its control socket:
# every command (status, alerts, silence/silences/unsilence, metrics,
# collect, graph, reload) with its exit codes; 100 clients at once; a client
# that connects and sends nothing is dropped while others are served; a
# 10 MB request line is refused without harm; another user is denied by the
# socket's mode (0660); the socket left by a killed pejld is replaced.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
sock="$state/pejld.sock"
start_daemon() {
    "$PEJLD" -f -c "$conf" --state-dir "$state" 2>>"$T/log" &
    daemon=$!
    PIDS="$PIDS $daemon"
    wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/log")"
}
start_daemon
ctl() { "$PEJLCTL" "$@" --socket "$sock"; }
collected() { [ "$(ls "$state/graphs" 2>/dev/null | grep -c png)" -eq 13 ]; }
wait_for 30 collected || fail "the daemon did not collect: $(tail -3 "$T/log")"
[ "$(stat -c %a "$sock")" = 660 ] || fail "socket mode $(stat -c %a "$sock")"
[ "$(grep -c "sent nowhere: there are no receivers" "$T/log")" -eq 1 ] || fail "no (single) warning that alerts go nowhere: $(head -5 "$T/log")"

ctl status >"$T/out" || fail "status: $?"
grep -q "^ls_exports .*350 in 2030" "$T/out" || fail "status: $(cat "$T/out")"
ctl status ls_exports --json >"$T/out" || fail "status ID --json"
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r)==2 and r[0]["latest_value"]==189, r' "$T/out" \
    || fail "status ls_exports --json: $(head -c 300 "$T/out")"
set +e; ctl status nosuch >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "no indicator nosuch" "$T/err" || fail "status nosuch: exit $rc, $(cat "$T/err")"
pass "status, status ID --json; an unknown indicator exits 1 with pejld's message"

"$PEJLCTL" --socket "$sock" status ls_exports >/dev/null || fail "--socket before the command"
"$PEJLCTL" --socket="$sock" alerts >/dev/null || fail "--socket=PATH before the command"
PEJL_SOCKET="$sock" "$PEJLCTL" status >/dev/null || fail "\$PEJL_SOCKET"
set +e; "$PEJLCTL" --socket "$T/nosuch.sock" status >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -eq 69 ] && grep -q "cannot reach pejld at $T/nosuch.sock" "$T/err" && grep -q -- "--socket PATH or \$PEJL_SOCKET" "$T/err" \
    || fail "an unreachable socket: exit $rc, $(cat "$T/err")"
set +e; "$PEJLCTL" --socket >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -eq 64 ] || fail "--socket without a path: exit $rc"
"$PEJLCTL" status --help >"$T/out" && grep -q "^usage: pejlctl \[--socket PATH\] status \[ID\] \[--json\]" "$T/out" \
    && ! grep -q unsilence "$T/out" || fail "status --help: $(cat "$T/out")"
"$PEJLCTL" help silence | grep -q -- "--comment TEXT" || fail "pejlctl help silence"
pass "pejlctl COMMAND --help describes that command only"

# bash completion, as bash-completion runs it: commands, then ids from pejld.
complete_words() { # complete_words WORD... (the last one is being completed)
    PATH="$(dirname "$PEJLCTL"):$PATH" bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$0"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _pejlctl pejlctl "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
        printf "%s\n" "${COMPREPLY[@]}"' "$SRC/tools/completion/pejlctl" "$@"
}
complete_words pejlctl sil >"$T/out"
[ "$(sort "$T/out" | tr '\n' ' ')" = "silence silences " ] || fail "completing 'sil': $(cat "$T/out")"
complete_words pejlctl --socket "$sock" collect ls_e >"$T/out"
grep -qx ls_exports "$T/out" && grep -qx ls_employment "$T/out" || fail "completing ids: $(cat "$T/out")"
out=$(PATH="$(dirname "$PEJLD"):$PATH" bash -c 'source /usr/share/bash-completion/bash_completion; source "$0"
    COMP_WORDS=(pejld --sta); COMP_CWORD=1; COMP_LINE="pejld --sta"; COMP_POINT=11
    _pejld pejld --sta pejld; printf "%s\n" "${COMPREPLY[@]}"' "$SRC/tools/completion/pejld" | sort | tr '\n' ' ')
[ "$out" = "--state-dir --status " ] || fail "completing pejld --sta: $out"
pass "bash completion: commands, and indicator ids from the running pejld; pejld's options"
pass "--socket before or after the command, \$PEJL_SOCKET; an unreachable socket says how to name it"

ctl alerts >"$T/out" && grep -q "^WARNING  ls_employment" "$T/out" || fail "alerts: $(cat "$T/out")"
ctl alerts --json | /usr/bin/python3 -c 'import json,sys; a=json.load(sys.stdin); assert a and all(x["state"]!="OK" for x in a)' \
    || fail "alerts --json"
id=$(ctl silence ls_employment/stale --for 7d --comment "known: NABB69 is published late" | cut -d' ' -f1)
[ ${#id} -eq 16 ] || fail "silence gave no id: $id"
ctl alerts | grep -q "ls_employment .*(silenced)" || fail "the alert is not shown silenced"
ctl silences | grep -q "^$id  ls_employment/stale .*known: NABB69 is published late" || fail "silences: $(ctl silences)"
# Nagios/Icinga: the worst unsilenced alert sets the exit code, perfdata follows "|".
set +e; ctl check ls_employment >"$T/out"; rc=$?; ctl check ls_exports >"$T/out2"; rc2=$?
ctl check nosuch >"$T/out3"; rc3=$?; "$PEJLCTL" --socket "$T/nosuch.sock" check >"$T/out4" 2>/dev/null; rc4=$?
ctl check >"$T/out5"; rc5=$?; set -e
[ $rc -eq 0 ] && grep -qx "PEJL OK - 1 indicator, no alert | 'ls_employment'=63000" "$T/out" || fail "check of a silenced indicator: $rc $(cat "$T/out")"
[ $rc2 -eq 1 ] && grep -q "^PEJL WARNING - 0 critical, 3 warning, 0 unknown of 1 indicator; ls_exports: .* | 'ls_exports'=189 'ls_exports_gap_2030'=-1.70% " "$T/out2" \
    || fail "check ls_exports: $rc2 $(cat "$T/out2")"
[ $rc3 -eq 3 ] && grep -qx "PEJL UNKNOWN - no indicator nosuch in pejld's config" "$T/out3" || fail "check nosuch: $rc3 $(cat "$T/out3")"
[ $rc4 -eq 3 ] && grep -q "^PEJL UNKNOWN - cannot reach pejld" "$T/out4" || fail "check without pejld: $rc4 $(cat "$T/out4")"
[ $rc5 -eq 2 ] && [ "$(wc -l <"$T/out5")" -eq 1 ] && grep -q "^PEJL CRITICAL - 2 critical, " "$T/out5" || fail "check: $rc5 $(cat "$T/out5")"
pass "check: monitoring-plugins exit codes and one line with perfdata; silenced alerts do not count"
ctl unsilence "$id" && ! ctl silences | grep -q "$id" || fail "unsilence"
set +e; ctl unsilence "$id" 2>/dev/null; rc=$?; ctl silence ls_exports --for soon --comment x 2>/dev/null; rc2=$?; set -e
[ $rc -eq 1 ] && [ $rc2 -eq 1 ] || fail "a second unsilence ($rc) or a bad duration ($rc2) should exit 1"
for matcher in nosuch nosuch/stale ls_exports/rank "*/rank"; do
    set +e; ctl silence "$matcher" --for 1d --comment "matches nothing" >/dev/null 2>"$T/err"; rc=$?; set -e
    [ $rc -eq 1 ] && grep -q "would match nothing" "$T/err" || fail "silence $matcher: exit $rc, $(cat "$T/err")"
done
! ctl silences | grep -q "matches nothing" || fail "a silence that matches nothing was kept: $(ctl silences)"
id=$(ctl silence nosuch/stale --for 1d --comment "about to be added" --force | cut -d' ' -f1)
[ ${#id} -eq 16 ] && ctl silences | grep -q "^$id  nosuch/stale" || fail "silence --force"
ctl unsilence "$id" || fail "unsilence the forced one"
ctl silence "*/stale" --for 1d --comment "every stale alert" >"$T/out" && ctl unsilence "$(cut -d' ' -f1 "$T/out")" \
    || fail "a silence for a rule some indicator has"
pass "alerts, silence (shown as silenced, listed), unsilence, with errors for what is not there; a silence of an unknown indicator or rule is refused unless --force"

ctl metrics >"$T/metrics" || fail "metrics"
grep -qx 'pejl_indicator_value{indicator="ls_exports",pejlemaerke="5",unit="mia. kr."} 189' "$T/metrics" || fail "metrics: $(head "$T/metrics")"
grep -q '^pejl_target_gap_percent{indicator="ls_exports",pejlemaerke="5",target="2030"} -' "$T/metrics" || fail "no gap metric"
grep -q '^pejl_alert_state{fingerprint="[0-9a-f]\{16\}",alertname="pejl_stale",indicator="ls_exports"' "$T/metrics" || fail "no alert metric"
/usr/bin/python3 - "$T/metrics" <<'PY' || fail "metrics are not in the exposition format"
import re, sys
sample = re.compile(r'^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? -?[0-9.e+-]+$')
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    assert line.startswith("# HELP ") or line.startswith("# TYPE ") or sample.match(line), line
PY
pass "metrics: the latest value, target figures and alert states in Prometheus' text format"

ctl collect ls_exports population >"$T/out" || fail "collect: $(cat "$T/out")"
grep -qP "^ls_exports\tok\t54 observations" "$T/out" && grep -qP "^population\tok\t" "$T/out" || fail "collect: $(cat "$T/out")"
ctl graph ls_exports -o "$T/g.png" >/dev/null || fail "graph"
[ "$(head -c 8 "$T/g.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && cmp -s "$T/g.png" "$state/graphs/ls_exports.png" \
    || fail "graph: not the PNG"
pass "collect returns when done with each outcome; graph writes the PNG"

ctl report "$T/report" >/dev/null || fail "report"
[ -s "$T/report/index.html" ] && [ -s "$T/report/graphs/ls_exports.png" ] || fail "report: $(ls "$T/report")"
set +e; (cd "$T" && ctl report relative/dir >/dev/null 2>"$T/err"); rc=$?; set -e
[ $rc -eq 0 ] && [ -s "$T/relative/dir/index.html" ] || fail "report to a relative dir: $rc $(cat "$T/err")"
ctl report "$T/report" >/dev/null || fail "a second report into the same folder"
mkdir "$T/mine"
echo "my notes" >"$T/mine/notes.txt"
ln -s "$state" "$T/to-state"
for dir in "$state" "$state/journal" "$state/rrd" "$T/mine" "$T" "$T/to-state"; do
    set +e; ctl report "$dir" >/dev/null 2>"$T/err"; rc=$?; set -e
    [ $rc -eq 1 ] && grep -q "^pejlctl: report directory .*\(state directory\|not a pejl report\)" "$T/err" \
        || fail "report $dir: exit $rc, $(cat "$T/err")"
done
[ -s "$state/journal" ] && [ -d "$state/rrd" ] && [ "$(cat "$T/mine/notes.txt")" = "my notes" ] || fail "a refused report deleted something"
ctl status >/dev/null || fail "the daemon after the refused reports"
pass "report returns when the folder is written, and again into the same folder; the state dir, its journal, RRD dir, a symlink to it, its parent and a folder with a user's file are refused, and kept"

pids=""
for i in $(seq 100); do ctl status >"$T/c$i" 2>&1 & pids="$pids $!"; done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
[ $failed -eq 0 ] || fail "$failed of 100 concurrent clients failed: $(cat "$T"/c* | grep -v '^ls\|^ind\|^[a-z]' | head -3)"
pass "100 clients at once, all answered"

/usr/bin/python3 - "$sock" "$PEJLCTL" <<'PY' || fail "an idle client or a giant request harmed the daemon"
import socket, subprocess, sys, time
path, pejlctl = sys.argv[1], sys.argv[2]
idle = socket.socket(socket.AF_UNIX); idle.connect(path)
out = subprocess.run([pejlctl, "status", "--socket", path], capture_output=True, timeout=5)
assert out.returncode == 0, out.stderr            # served while another client says nothing
big = socket.socket(socket.AF_UNIX); big.connect(path)
try:
    big.sendall(b"x" * (10 << 20))
except (BrokenPipeError, ConnectionResetError):
    pass
answer = big.recv(200)
assert answer.startswith(b"-1 request longer than 4096 bytes"), answer
idle.settimeout(15); start = time.time()
assert idle.recv(10) == b"" and time.time() - start < 12   # dropped after 10 s
out = subprocess.run([pejlctl, "status", "--socket", path], capture_output=True, timeout=5)
assert out.returncode == 0, out.stderr
PY
pass "an idle client is dropped after 10 s without holding others up; a 10 MB line is refused"

# Clients that ask and never read: each would pin its reply (here a 4 MiB
# graph, 5.5 MB in base64) for ever. They are dropped 5 s after their reply
# is ready, the replies they hold together stay within a budget (the others
# are told to try again), and a client that reads is served meanwhile.
png="$state/graphs/eu_us_rd_ratio.png"   # not collected again in this test: nothing redraws it
cp "$png" "$T/rd.png"
head -c $((4 << 20)) /dev/urandom >"$T/big.png"
cp "$T/big.png" "$png"
/usr/bin/python3 - "$sock" "$PEJLCTL" "$daemon" <<'PY' || fail "clients that never read"
import os, socket, subprocess, sys, time
path, pejlctl, pid = sys.argv[1], sys.argv[2], sys.argv[3]
def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))
base_rss, base_fds = rss_mb(), fds()
readers = []
for _ in range(30):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    s.sendall(b"GRAPH\teu_us_rd_ratio\n")
    readers.append(s)
def answered(s):
    try:
        return len(s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)) > 0
    except BlockingIOError:
        return False
start = time.time()
while not all(answered(s) for s in readers) and time.time() - start < 90:  # generous: ASan on a loaded CI machine
    time.sleep(0.1)
assert all(answered(s) for s in readers), \
    f"{sum(map(answered, readers))} of 30 clients got an answer in {time.time() - start:.0f} s"
held_rss, held = rss_mb(), fds() - base_fds
print(f"30 clients that do not read a 5.6 MB reply: {held} held, pejld RSS {base_rss:.0f} -> {held_rss:.0f} MB")
assert held <= 12, f"{held} unread replies of 5.6 MB held, more than 64 MiB"
out = subprocess.run([pejlctl, "status", "--socket", path], capture_output=True, timeout=10)
assert out.returncode == 0, out.stderr            # served meanwhile
start = time.time()
while fds() > base_fds and time.time() - start < 15:
    time.sleep(0.2)
print(f"all dropped {time.time() - start:.1f} s after the last was answered; RSS now {rss_mb():.0f} MB")
assert fds() <= base_fds, f"{fds() - base_fds} clients that never read are still held"
answers = [s.recv(64) for s in readers]
busy = sum(a.startswith(b"-1 busy") for a in answers)
print(f"{busy} of 30 were told to try again")
PY
out=$(ctl graph eu_us_rd_ratio -o "$T/g2.png") && cmp -s "$T/g2.png" "$T/big.png" || fail "a 4 MiB graph to a client that reads: $out"
head -c $((17 << 20)) /dev/urandom >"$png"
set +e; ctl graph eu_us_rd_ratio -o "$T/g3.png" >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "more than" "$T/err" && [ ! -e "$T/g3.png" ] || fail "a 17 MiB graph: exit $rc, $(cat "$T/err")"
cp "$T/rd.png" "$png"
pass "clients that never read are dropped 5 s after their reply is ready, the memory of their replies bounded, others served meanwhile; a graph over 16 MiB is an error, not cut"

chmod 755 "$T" "$state"
set +e; runuser -u nobody -- "$PEJLCTL" status --socket "$sock" >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -eq 69 ] && grep -q "Permission denied" "$T/err" && grep -q "adduser" "$T/err" || fail "another user: exit $rc, $(cat "$T/err")"
runuser -u nobody -g "$(id -gn)" -- "$PEJLCTL" status --socket "$sock" >/dev/null 2>"$T/err" \
    || fail "a user in pejld's group was refused: $(cat "$T/err")"
pass "another user is denied by the socket's mode (exit 69); one in pejld's group is served"

ctl reload || fail "reload"
# the report process reads the reloaded config's indicators and directories
rm -rf "$T/report"
ctl report "$T/report" >/dev/null && [ -s "$T/report/graphs/ls_exports.png" ] \
    || fail "a report after a reload: $(ls "$T/report" 2>&1)"
cp "$conf" "$T/good.conf"
printf 'indicators = ( { id = "x"; title = 1; } );\n' >"$conf"
set +e; ctl reload 2>"$T/err"; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "has problems" "$T/err" || fail "a broken reload: exit $rc, $(cat "$T/err")"
ctl status >/dev/null || fail "the daemon did not survive a broken reload"
cp "$T/good.conf" "$conf"
pass "reload, and a report from the reloaded config; a broken config is refused (exit 1) and the daemon keeps running"

kill -TERM "$daemon"
rc=0
wait "$daemon" || rc=$?
[ $rc -eq 0 ] || fail "TERM after the commands: exit $rc (under the sanitizers: a leak?) $(tail -20 "$T/log")"
[ ! -e "$sock" ] || fail "a clean stop left its socket"
pass "TERM after all the commands: exit 0, socket removed"

start_daemon
kill -9 "$daemon"
wait "$daemon" 2>/dev/null || true
[ -S "$sock" ] || fail "the killed daemon's socket is gone already?"
set +e; ctl status >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 69 ] || fail "no daemon: exit $rc, not 69"
start_daemon
answers() { ctl status >/dev/null 2>&1; }
wait_for 10 answers || fail "the restarted daemon does not answer on the replaced socket: $(tail -3 "$T/log")"
pass "no daemon: exit 69; the socket of a killed pejld is replaced at the next start"


# Out of memory in the middle of a reply: pejld answers with an error and
# keeps running. open_memstream is made to fail by a preloaded shim when
# the file $PEJL_FAIL_MEMSTREAM names ("PID COUNT") counts down to its call
# in process PID: pejld's graph children inherit the shim, and must not
# count (under load they drew while a request was asked, and took its turn).
cat >"$T/failmem.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
FILE *open_memstream(char **buf, size_t *len)
{
    FILE *(*real)(char **, size_t *) = (FILE * (*)(char **, size_t *)) dlsym(RTLD_NEXT, "open_memstream");
    const char *path = getenv("PEJL_FAIL_MEMSTREAM");
    FILE *f = path ? fopen(path, "r+") : NULL;
    int n = 0, pid = 0;
    if (f && (fscanf(f, "%d %d", &pid, &n) != 2 || pid != (int)getpid())) {
        fclose(f);
        return real(buf, len);
    }
    if (f && n <= 1) {
        fclose(f);
        unlink(path);
        errno = ENOMEM;
        return NULL;
    }
    if (f) {
        rewind(f);
        fprintf(f, "%d %d\n", pid, n - 1);
        fclose(f);
    }
    return real(buf, len);
}
C
"${CC:-cc}" -shared -fPIC -o "$T/failmem.so" "$T/failmem.c" -ldl || fail "cannot build the open_memstream shim"
kill -TERM "$daemon"; wait "$daemon" || true
LD_PRELOAD="$T/failmem.so" PEJL_FAIL_MEMSTREAM="$T/failmem" start_daemon
wait_for 10 answers || fail "the daemon with the shim does not answer: $(tail -3 "$T/log")"
no_children() { ! pgrep -P "$daemon" >/dev/null; }
# COMMAND:N, the Nth open_memstream of the request fails (alerts --json opens one)
for ask in "status ls_exports:2" "status ls_exports --json:2" "alerts --json:1" "silences --json:2"; do
    n=${ask##*:} ask=${ask%:*}
    wait_for 30 no_children || fail "pejld's children did not finish: $(pgrep -P "$daemon")"
    echo "$daemon $n" >"$T/failmem"
    set +e; ctl $ask >/dev/null 2>"$T/err"; rc=$?; set -e
    [ $rc -eq 1 ] && grep -q "out of memory" "$T/err" || fail "$ask without memory: exit $rc, $(cat "$T/err")"
    [ ! -e "$T/failmem" ] || fail "$ask: the shim was not reached"
    ctl status >/dev/null || fail "the daemon did not survive $ask without memory"
done
pass "out of memory while a reply is built: an error, and the daemon keeps running"
