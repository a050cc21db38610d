# lib.sh — helpers for the shell integration tests. Each test sources this,
# gets a temp dir in $T that is removed on exit, and reports with `fail`.
# ctest passes PEJLD (the built daemon) and SRC (the source tree).
set -eu
: "${PEJLD:?PEJLD must point at the built pejld}"
: "${SRC:?SRC must point at the source tree}"
T=$(mktemp -d "${TMPDIR:-/tmp}/pejl-it.XXXXXX")
PIDS=""
cleanup() {
    for pid in $PIDS; do kill -9 "$pid" 2>/dev/null || true; done
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

pass() {
    echo "ok - $*"
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_for() {
    local limit=$(( $1 * 10 )); shift
    for _ in $(seq "$limit"); do
        if "$@"; then return 0; fi
        sleep 0.1
    done
    return 1
}

# demo_copy DIR: a copy of config/demo.conf and its data that a test may edit.
demo_copy() {
    mkdir -p "$1"
    cp "$SRC/config/demo.conf" "$1/"
    cp -r "$SRC/config/demo-data" "$1/"
}

DEMO_IDS="new_ls_companies population_eurostat clinical_trials days_to_availability share_available days_to_availability_rank pharma_production fdi_life_science ls_exports eu_us_rd_ratio ls_employment population population_panel"
