#!/usr/bin/env bash
# rrd_crash.sh — kill -9 during ingest and revisions: nothing acknowledged is
# lost and, after a restart, every RRD file agrees with the journal in every
# period it holds.
#
# Five CSV indicators (annual from 1960, annual 1960-1979 to begin with,
# quarterly from 1975, monthly, daily) are revised before each run of
# `pejld --once` (old periods changed, new ones appended), and the run is
# killed with SIGKILL at a random moment.
# Then: every indicator the killed run logged as stored is in the journal as
# the CSV says; a restart on the same CSVs exits 0 with no error logged (its
# start-up check rebuilds what the kill left behind); and rrdtool fetch
# agrees with the journal at every period end from 1980 on that the LAST
# archive reaches. Half the kills write directly, half through rrdcached.
# Before the kills, one such kill is made on purpose: a revision of an old
# period in the CSV and the journal only, which the restart must repair.
#
# RRD_CRASH_KILLS (default 12) sets the number of kills; 200 by hand:
#     RRD_CRASH_KILLS=200 PEJLD=build/sbin/pejld SRC=. bash tests/integration/rrd_crash.sh
. "$(dirname "$0")/lib.sh"
command -v rrdtool >/dev/null || fail "rrdtool (the CLI) is needed to read the RRD files"
command -v rrdcached >/dev/null || fail "rrdcached is needed"
KILLS=${RRD_CRASH_KILLS:-12}
SEED=${RRD_CRASH_SEED:-$$}
echo "# $KILLS kills, seed $SEED (RRD_CRASH_SEED to repeat)"

cat >"$T/tool.py" <<'PY'
"""The CSV sources, the journal and the RRD files of rrd_crash.sh."""
import calendar, datetime, os, random, subprocess, sys, time, zlib

KINDS = {"pop": ("annual", 1960, 65), "sixties": ("annual", 1960, 20),
         "gdp": ("quarterly", 1975, 200), "prices": ("monthly", 1990, 420),
         "visits": ("daily", 2021, 1400)}
FIRST_TIME = 315532800  # 1980-01-01: where the RRD view begins
REACH = 14612 * 86400   # the LAST archive: 40 years of days


def epoch(y, m, d):
    return calendar.timegm((y, m, d, 0, 0, 0))


def bounds(period):
    """(start, end) of a canonical period in unix time."""
    if "-Q" in period:
        y, q = int(period[:4]), int(period[6])
        return epoch(y, 3 * q - 2, 1), epoch(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    parts = [int(p) for p in period.split("-")]
    if len(parts) == 1:
        return epoch(parts[0], 1, 1), epoch(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        y, m = parts
        return epoch(y, m, 1), epoch(y + (m == 12), 1 if m == 12 else m + 1, 1)
    start = epoch(*parts)
    return start, start + 86400


def periods(kind, first, n):
    out = []
    for i in range(n):
        if kind == "annual":
            out.append("%d" % (first + i))
        elif kind == "quarterly":
            out.append("%d-Q%d" % (first + i // 4, i % 4 + 1))
        elif kind == "monthly":
            out.append("%d-%02d" % (first + i // 12, i % 12 + 1))
        else:
            out.append((datetime.date(first, 1, 1) + datetime.timedelta(days=i)).isoformat())
    return out


def read_csv(path):
    rows = {}
    with open(path) as f:
        next(f)
        for line in f:
            period, value, _ = line.rstrip("\n").split(",")
            rows[period] = value
    return rows


def write_csv(path, rows):
    with open(path + ".tmp", "w") as f:
        f.write("period,value,status\n")
        for period in sorted(rows, key=lambda p: bounds(p)[0]):
            f.write("%s,%s,\n" % (period, rows[period]))
    os.replace(path + ".tmp", path)  # pejld never reads half a file


def create(d, seed, daemon):
    with open(os.path.join(d, "crash.conf"), "w") as f:
        f.write('log_level = "info";\n')
        if daemon:
            f.write('rrdcached = "%s";\n' % daemon)
        f.write("indicators = (\n%s\n);\n" % ",\n".join(
            '  { id = "%s"; frequency = "%s"; interval = "1d"; title = "%s"; unit = "x";\n'
            '    source = { collector = "csv"; url = "file:%s.csv"; }; }' % (ind, kind, ind, ind)
            for ind, (kind, _, _) in KINDS.items()))
    rnd = random.Random(seed)
    for ind, (kind, first, n) in KINDS.items():
        write_csv(os.path.join(d, ind + ".csv"),
                  {p: "%.1f" % rnd.uniform(100, 1000) for p in periods(kind, first, n)})


def revise(d, seed):
    """A few old periods revised (pre-1980 ones too), sometimes a new one."""
    rnd = random.Random(seed)
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    for ind, (kind, first, n) in KINDS.items():
        path = os.path.join(d, ind + ".csv")
        rows = read_csv(path)
        keys = sorted(rows, key=lambda p: bounds(p)[0])
        for period in rnd.sample(keys, rnd.randint(1, 3)):
            rows[period] = "%.1f" % rnd.uniform(100, 1000)
        following = periods(kind, first, len(keys) + 1)[-1]
        if rnd.random() < 0.3 and bounds(following)[1] < now:
            rows[following] = "%.1f" % rnd.uniform(100, 1000)
        write_csv(path, rows)


def half_commit(d, state, ind, period, value):
    """What a kill between a revision's commit and the RRD file's rename
    leaves: the CSV and the journal say `value`, the file the old one."""
    rows = read_csv(os.path.join(d, ind + ".csv"))
    rows[period] = value
    write_csv(os.path.join(d, ind + ".csv"), rows)
    record = "%s %s %s - %d" % (ind, period, value, int(time.time()))
    commit = "@commit 1"  # the journal's commit record: the record counts
    with open(os.path.join(state, "journal"), "a") as f:
        f.write("%s %08x\n" % (record, zlib.crc32(record.encode()) & 0xffffffff))
        f.write("%s %08x\n" % (commit, zlib.crc32(commit.encode()) & 0xffffffff))


def journal(path):
    """The current value of every (series, period): the last whole record."""
    current = {}
    with open(path, "rb") as f:
        for line in f.read().split(b"\n")[:-1]:  # a torn last line has no newline
            fields = line.decode().split(" ")
            if len(fields) == 6:
                current.setdefault(fields[0], {})[fields[1]] = fields[2]
    return current


def same(a, b):
    if a.lower() in ("nan", "u") or b.lower() in ("nan", "u"):
        return a.lower() in ("nan", "u") and b.lower() in ("nan", "u")
    x, y = float(a), float(b)
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y))


def stored(d, journal_copy, log):
    """Every indicator the log says was stored holds what its CSV says."""
    held, bad = journal(journal_copy), []
    for line in open(log, errors="replace"):
        for ind in KINDS:
            if ": info: %s: " % ind in line and " observations: " in line:
                rows = read_csv(os.path.join(d, ind + ".csv"))
                bad += ["%s %s: csv %s, journal %s" % (ind, p, v, held.get(ind, {}).get(p))
                        for p, v in rows.items() if not same(v, held.get(ind, {}).get(p, "none"))]
    return bad


def agree(d, state, daemon):
    """Journal = CSV, and the RRD = journal at every period end it reaches."""
    held, bad, compared = journal(os.path.join(state, "journal")), [], 0
    for ind in KINDS:
        rows = read_csv(os.path.join(d, ind + ".csv"))
        bad += ["%s %s: csv %s, journal %s" % (ind, p, v, held.get(ind, {}).get(p))
                for p, v in rows.items() if not same(v, held.get(ind, {}).get(p, "none"))]
        series = held.get(ind, {})
        last = max(bounds(p)[1] for p in series)
        want = {bounds(p)[1]: v for p, v in series.items()
                if bounds(p)[0] >= FIRST_TIME and bounds(p)[1] > last - REACH}
        path = os.path.join(state, "rrd", ind + ".rrd")
        if not want:  # wholly before 1980: no file
            bad += ["%s: %s exists" % (ind, path)] if os.path.exists(path) else []
            continue
        cmd = ["rrdtool", "fetch", path, "LAST",
               "-s", str(min(want) - 86400), "-e", str(last)]
        if daemon:
            cmd[2:2] = ["--daemon", daemon]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            bad.append("%s: rrdtool fetch: %s" % (ind, out.stderr.strip()))
            continue
        got = {int(t.rstrip(":")): v for t, v in
               (line.split() for line in out.stdout.splitlines() if ":" in line and len(line.split()) == 2)}
        for t, v in sorted(want.items()):
            compared += 1
            if t not in got or not same(got[t], v):
                bad.append("%s at %d: rrd %s, journal %s" % (ind, t, got.get(t), v))
    return bad, compared


if __name__ == "__main__":
    what, args = sys.argv[1], sys.argv[2:]
    if what == "create":
        create(args[0], int(args[1]), args[2] if len(args) > 2 else None)
    elif what == "revise":
        revise(args[0], int(args[1]))
    elif what == "half-commit":
        half_commit(*args)
    elif what == "agree":
        problems, compared = agree(args[0], args[1], args[2] or None)
        print("\n".join(problems[:10]) if problems else compared)
        sys.exit(1 if problems else 0)
    else:  # after D STATE DAEMON-OR-EMPTY KILLED-LOG JOURNAL-COPY SEED
        d, state, daemon, log, journal_copy, seed = args
        lost = stored(d, journal_copy, log)
        problems, compared = agree(d, state, daemon or None)
        if lost:
            print("acknowledged and lost after the kill:\n" + "\n".join(lost[:10]))
        else:
            print("\n".join(problems[:10]) if problems else compared)
        revise(d, int(seed))  # for the next run
        sys.exit(1 if lost or problems else 0)
PY

# run_mode NAME KILLS [RRDCACHED-SOCKET]: the kill loop on a fresh state.
run_mode() {
    local name=$1 kills=$2 sock=${3:-} d="$T/$1" rc
    mkdir -p "$d/state"
    python3 "$T/tool.py" create "$d" "$SEED" ${sock:+"unix:$sock"}
    "$PEJLD" --check-config -c "$d/crash.conf" >/dev/null 2>"$d/check.log" || fail "$name: config: $(cat "$d/check.log")"

    # A first run, whole: its length sets the range of the kill moments.
    local t0 t1
    t0=$(date +%s%N)
    "$PEJLD" --once -c "$d/crash.conf" --state-dir "$d/state" >/dev/null 2>"$d/first.log" || fail "$name: first run: $(cat "$d/first.log")"
    t1=$(date +%s%N)
    local span_ms=$(( (t1 - t0) / 1000000 + 1 ))
    grep -q "pop: periods before 1980 are kept in the journal only" "$d/first.log" || fail "$name: pre-1980 periods not logged: $(cat "$d/first.log")"
    grep -E "pejld\[[0-9]+\]: error:" "$d/first.log" && fail "$name: errors in the first run (1960-2024 data)"
    echo "# $name: the first run takes $span_ms ms; each kill lands within the last restart's length"

    # A kill between a revision's commit and the rename, made on purpose:
    # the restart's check must find the old period and rebuild the file.
    python3 "$T/tool.py" half-commit "$d" "$d/state" prices 2000-06 777.7
    "$PEJLD" --once -c "$d/crash.conf" --state-dir "$d/state" >/dev/null 2>"$d/half.log" || fail "$name: restart: $(cat "$d/half.log")"
    grep -q "prices: RRD file does not match the journal (prices.rrd holds .* for 2000-06, the journal 777.7" "$d/half.log" \
        || fail "$name: the start-up check missed a revised 2000-06: $(grep prices "$d/half.log")"
    out=$(python3 "$T/tool.py" agree "$d" "$d/state" "${sock:+unix:$sock}") || fail "$name: after the rebuild: $out"
    pass "$name: a revision in the journal but not in the RRD file (kill before the rename) is rebuilt at start-up"

    local i killed=0 rebuilt=0 compared=0 out
    python3 "$T/tool.py" revise "$d" "$SEED"
    for i in $(seq "$kills"); do
        "$PEJLD" --once -c "$d/crash.conf" --state-dir "$d/state" >/dev/null 2>"$d/run.log" &
        local pid=$!
        PIDS="$pid"
        sleep "$(awk -v r="$RANDOM" -v s="$span_ms" 'BEGIN { printf "%.3f", r / 32767 * s / 1000 }')"
        kill -9 "$pid" 2>/dev/null || true
        rc=0
        wait "$pid" 2>/dev/null || rc=$?
        [ $rc -ne 137 ] || killed=$((killed + 1)) # else it had finished
        PIDS=""
        cp "$d/state/journal" "$d/journal-after-kill"

        rc=0
        t0=$(date +%s%N)
        "$PEJLD" --once -c "$d/crash.conf" --state-dir "$d/state" >/dev/null 2>"$d/restart.log" || rc=$?
        t1=$(date +%s%N)
        span_ms=$(( (t1 - t0) / 1000000 + 1 ))
        [ $rc -eq 0 ] || fail "$name kill $i: the restart exited $rc: $(cat "$d/restart.log")"
        if grep -E "pejld\[[0-9]+\]: error:" "$d/restart.log"; then fail "$name kill $i: errors after the restart"; fi
        rebuilt=$((rebuilt + $(grep -c "RRD file does not match the journal" "$d/restart.log" || true)))
        out=$(python3 "$T/tool.py" after "$d" "$d/state" "${sock:+unix:$sock}" "$d/run.log" \
            "$d/journal-after-kill" $((SEED + i))) || fail "$name kill $i: $out"
        compared=$((compared + out))
    done
    pass "$name: $kills runs, $killed killed mid-run; nothing acknowledged lost; after each restart the RRD files agreed with the journal ($compared period ends compared; $rebuilt files rebuilt by the start-up check)"
}

run_mode direct $(( (KILLS + 1) / 2 ))

sock="$T/rrdcached.sock"
mkdir -p "$T/rrdcached-journal"
rrdcached -g -l "unix:$sock" -b "$T" -p "$T/rrdcached.pid" -j "$T/rrdcached-journal" -w 3600 -f 7200 \
    >"$T/rrdcached.log" 2>&1 &
cached_pid=$!
trap 'kill "$cached_pid" 2>/dev/null; wait "$cached_pid" 2>/dev/null; cleanup' EXIT
wait_for 5 test -S "$sock" || fail "rrdcached did not start: $(cat "$T/rrdcached.log")"
run_mode rrdcached $(( KILLS / 2 )) "$sock"
