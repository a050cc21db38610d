#!/usr/bin/env bash
# Symbol hygiene: every global symbol pejl defines carries a known prefix,
# the name of one of its modules or folders (daemon/core/log.c: log_*,
# daemon/alert/: alert_*), so that nothing is bare (`integer`, `fatal`) and
# nothing squats on a linked library's namespace (`rrd_*`, `json_*`).
#
# usage: symbols.sh SOURCE_DIR FILE... (static libraries, object files,
# collector modules). Prints each offending symbol with the file defining it.
set -euo pipefail

src=$1
shift
# ctest hands a target's object files on as one ;-separated argument.
files=()
for arg in "$@"; do
    IFS=';' read -ra parts <<<"$arg"
    files+=("${parts[@]}")
done
set -- "${files[@]}"

# The known prefixes: every module (file) name under daemon/, rrd/ and
# collectors/ and tools/, its first word (alert_ledger.c: alert), and every folder name.
prefixes=$( {
    find "$src/daemon" "$src/rrd" "$src/collectors" "$src/tools" -name '*.[ch]' -printf '%f\n' |
        sed 's/\.[ch]$//; p; s/_.*//'
    find "$src/daemon" "$src/collectors" -mindepth 1 -type d -printf '%f\n'
    echo pejld         # daemon/pejld.h, the daemon's one context
    echo pejl          # pejl_collector, the collector ABI (collector.h)
} | sort -u)

# What the C runtime and the linker define in every executable.
# And the one library function pejld defines on purpose (rrd/png_rows.c).
toolchain='^(png_set_write_fn|main|_start|_init|_fini|_edata|_end|__bss_start|__data_start|data_start|__dso_handle|_IO_stdin_used|__libc_csu_.*|__TMC_END__|__gcov.*|__asan.*|__ubsan.*|__sanitizer.*|__lsan.*|__odr_asan.*)$'

for binary in "$@"; do
    [ -e "$binary" ] || { echo "symbols.sh: $binary does not exist: build it first" >&2; exit 2; }
done

bad=$(nm -A --defined-only --extern-only "$@" |
    awk -v prefixes="$prefixes" -v toolchain="$toolchain" '
        # name@GLIBC: a C library variable the linker copied into the executable
        BEGIN { n = split(prefixes, p, "\n") }
        NF == 3 && $3 !~ /@/ && $2 ~ /^[TDBRVWGiu]$/ {
            s = $3
            if (s ~ toolchain) next
            for (i = 1; i <= n; i++)
                if (s == p[i] || index(s, p[i] "_") == 1) next
            print "  " $1 " " s
        }')

if [ -n "$bad" ]; then
    echo "global symbols without a module prefix (rename them <module>_..., or make them static):"
    echo "$bad"
    exit 1
fi
echo "symbols.sh: every global symbol of $# files carries a module prefix"
