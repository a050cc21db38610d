# sinks.sh — the receivers' stand-ins for the notification tests. Source it
# after lib.sh (it uses $T, fail, wait_for and PIDS).
#
#   sink VAR PORTFILE SCRIPT ARGS...   starts smtpsink.py or webhooksink.py in
#       the background on a free loopback port: its pid on PIDS and in
#       VAR_PID, its port in VAR once it has written PORTFILE.
#   stop PID                           SIGTERM; the process must exit 0.
#   make_tls DIR                       a throwaway CA (DIR/ca.crt) and a
#       certificate for 127.0.0.1 (DIR/server.crt, DIR/server.key).
sinks_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

sink() {
    local var=$1 pf=$2 script=$3; shift 3
    rm -f "$pf"
    /usr/bin/python3 "$sinks_here/$script" --port 0 --port-file "$pf" "$@" 2>>"$T/sinks.err" &
    local pid=$!
    PIDS="$PIDS $pid"
    wait_for 10 test -s "$pf" || fail "$script did not start: $(cat "$T/sinks.err")"
    printf -v "$var" %s "$(cat "$pf")"
    printf -v "${var}_PID" %s "$pid"
}

stop() {
    kill -TERM "$1"
    local rc=0
    wait "$1" || rc=$?
    [ "$rc" = 0 ] || fail "pid $1 exited $rc on SIGTERM"
}

make_tls() {
    local tls=$1 ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
    mkdir -p "$tls"
    openssl req -x509 -new -nodes $ec -keyout "$tls/ca.key" -out "$tls/ca.crt" \
        -subj "/CN=pejl test CA" -days 2 2>"$tls/log" || fail "CA: $(cat "$tls/log")"
    openssl req -new -nodes $ec -keyout "$tls/server.key" -out "$tls/server.csr" \
        -subj "/CN=127.0.0.1" 2>"$tls/log" || fail "server key: $(cat "$tls/log")"
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
        -out "$tls/server.crt" -days 2 -extfile "$tls/ext" 2>"$tls/log" || fail "server cert: $(cat "$tls/log")"
    openssl verify -CAfile "$tls/ca.crt" "$tls/server.crt" >/dev/null || fail "server cert does not verify"
}
