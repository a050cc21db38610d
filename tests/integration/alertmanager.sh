# alertmanager.sh — a real Prometheus Alertmanager (Debian's package) for the
# tests of pejld's POST /api/v2/alerts delivery. Source it after lib.sh (it
# uses $T, fail, wait_for and PIDS):
#
#   alertmanager_start [WEBHOOK_URL]   starts /usr/bin/prometheus-alertmanager
#       on 127.0.0.1 on a free port with its storage and config in $T/am,
#       clustering (gossip) off, and waits for GET /-/ready to answer 200.
#       Exports AM_URL=http://127.0.0.1:PORT and AM_PID; the pid goes on PIDS.
#       The one route goes to a receiver that does nothing, or, with
#       WEBHOOK_URL, to a webhook there with send_resolved (webhooksink.py
#       takes it: that is how to see an alert resolve, see below).
#       group_wait 0s, group_interval 1s: notifications go out at once.
#   alertmanager_alerts [MATCHER...]   prints the JSON array of
#       GET $AM_URL/api/v2/alerts with active, silenced, inhibited and
#       unprocessed alerts all included; each MATCHER (e.g. 'alertname="X"')
#       is passed as a filter.
#   alertmanager_post JSON             POSTs a JSON array of alerts to
#       $AM_URL/api/v2/alerts (fails the test unless 200).
#
# Resolved alerts (Alertmanager 0.25): the API cannot list them. An alert
# whose endsAt has passed is dropped from GET /api/v2/alerts (and
# /api/v2/alerts/groups and the deprecated /api/v1/alerts) at once, whatever
# the filters; there is no parameter to include it. An alert posted without
# endsAt gets endsAt = now + resolve_timeout (5m) in the API's answer; in the
# webhook a firing alert has endsAt "0001-01-01T00:00:00Z". To see the
# resolution itself, start with a WEBHOOK_URL: the "resolved" notification
# arrives there about group_interval later.
# Also: POST /api/v2/alerts answers 415 unless Content-Type is
# application/json.
#
# The package's own service (prometheus-alertmanager on :9093) is disabled on
# the test machines and nothing here uses or needs it.

AM_BIN=${AM_BIN:-/usr/bin/prometheus-alertmanager}

alertmanager_start() {
    local webhook=${1:-} port try
    [ -x "$AM_BIN" ] || fail "no $AM_BIN (scripts/install-deps installs prometheus-alertmanager)"
    mkdir -p "$T/am"
    for try in 1 2 3; do
        port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        {
            echo 'route:'
            echo '  receiver: "test"'
            echo '  group_by: ["alertname"]'
            echo '  group_wait: 0s'
            echo '  group_interval: 1s'
            echo '  repeat_interval: 1h'
            echo 'receivers:'
            echo '  - name: "test"'
            if [ -n "$webhook" ]; then
                echo '    webhook_configs:'
                echo "      - url: \"$webhook\""
                echo '        send_resolved: true'
            fi
        } >"$T/am/alertmanager.yml"
        "$AM_BIN" --config.file="$T/am/alertmanager.yml" \
            --storage.path="$T/am/data" \
            --web.listen-address="127.0.0.1:$port" \
            --cluster.listen-address= \
            --log.level=warn >>"$T/am/log" 2>&1 &
        AM_PID=$!
        PIDS="$PIDS $AM_PID"
        AM_URL="http://127.0.0.1:$port"
        export AM_URL AM_PID
        _am_ready() { kill -0 "$AM_PID" 2>/dev/null && curl -fsS -o /dev/null --max-time 1 "$AM_URL/-/ready" 2>/dev/null; }
        if wait_for 15 _am_ready; then return 0; fi
        kill -9 "$AM_PID" 2>/dev/null || true
        # the port may have been taken between choosing and binding it: retry
        grep -q "address already in use" "$T/am/log" || break
    done
    fail "alertmanager did not get ready on $AM_URL: $(tail -5 "$T/am/log")"
}

alertmanager_alerts() {
    local q="active=true&silenced=true&inhibited=true&unprocessed=true" m
    for m in "$@"; do
        q="$q&filter=$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$m")"
    done
    curl -fsS --max-time 5 "$AM_URL/api/v2/alerts?$q" || fail "GET $AM_URL/api/v2/alerts failed"
}

alertmanager_post() {
    local code
    code=$(curl -sS --max-time 5 -o "$T/am/post.out" -w '%{http_code}' \
        -H 'Content-Type: application/json' --data-binary "$1" "$AM_URL/api/v2/alerts") || code=000
    [ "$code" = 200 ] || fail "POST $AM_URL/api/v2/alerts answered $code: $(cat "$T/am/post.out" 2>/dev/null)"
}
