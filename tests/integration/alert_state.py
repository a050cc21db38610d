#!/usr/bin/env python3
"""alert_state.py STATE_DIR — prints pejld's alert state as one document:
STATE/alerts.json with STATE/alerts.log replayed over it (daemon/alert/
alert_log.h), independently of pejld's own reader. Only passes whose
"@commit" line is intact count; a log of an older snapshot generation is
ignored. Exits 2 when the log is damaged in a way a crash cannot leave."""
import json
import os
import sys
import zlib


def checked(line):
    if len(line) < 10 or line[-9] != " ":
        return None
    body, crc = line[:-9], line[-8:]
    return body if format(zlib.crc32(body.encode()), "08x") == crc else None


def main(state):
    path = os.path.join(state, "alerts.json")
    doc = json.load(open(path)) if os.path.exists(path) else {
        "alerts": [], "collections": {}, "silences": [], "notified": []}
    logp = os.path.join(state, "alerts.log")
    if os.path.exists(logp):
        lines = open(logp, encoding="utf-8").read().split("\n")
        gen = int(lines[0].split()[-1])
        if gen == doc.get("generation", 0):
            alerts = {a["fingerprint"]: a for a in doc["alerts"]}
            marks = {(m["fingerprint"], m["receiver"]): m for m in doc.get("notified", [])}
            pending = []
            for i, line in enumerate(lines[1:-1]):
                body = checked(line)
                if body is None:
                    sys.exit(2 if i < len(lines) - 3 else 0)
                if body.startswith("@commit "):
                    if int(body[8:]) != len(pending):
                        sys.exit(2)
                    for r in pending:
                        if "alert" in r:
                            alerts[r["alert"]["fingerprint"]] = r["alert"]
                        elif "collection" in r:
                            doc["collections"][r["collection"]] = r["record"]
                        else:
                            m = r["mark"]
                            marks[(m["fingerprint"], m["receiver"])] = m
                    pending = []
                else:
                    pending.append(json.loads(body))
            doc["alerts"] = list(alerts.values())
            doc["notified"] = list(marks.values())
    json.dump(doc, sys.stdout, indent=1)


main(sys.argv[1])
