#!/bin/sh
# A busy machine: how a run with the default thread count (all cores) fares
# when another process keeps one core busy, against the same command with
# --threads 1 under the same load. Part of make bench; alone:
#   sh examples/bench_busy.sh
# The commands are the network2 rows of README.md's results table, read from
# it (a row with seeds S runs once, with --seed 1), and network3's conv
# preset on 10,000 images for one epoch. Each command runs twice while
# `sh -c 'while :; do :; done'` spins: with its default threads and with
# --threads 1; the ratio default / 1 thread is printed. A run that loses one
# of two cores to another process should take no more than it would with one
# thread (ratio near 1; 1.25 at most).
# BUSY_EPOCHS=N replaces every network2 command's --epochs with N (a shorter
# sitting; the default keeps the README's commands as they are).
set -u
B=build
[ -x $B/network2 ] && [ -x $B/network3 ] || { echo "bench_busy: build/network2 and build/network3 first (make)"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# time_run COMMAND...: wall seconds of one run (its output discarded)
time_run() {
    t0=$(now)
    "$@" >/dev/null 2>&1 || echo "bench_busy: failed: $*" >&2
    secs "$t0" "$(now)"
}

sh -c 'while :; do :; done' &
spin=$!
trap 'kill $spin 2>/dev/null' EXIT INT TERM

echo "A busy machine: one core kept busy by another process ($(nproc) cores)"
printf '%-6s %-58s %9s %9s %7s\n' "id" "command" "default" "1 thread" "ratio"
grep -E '^\| R[0-9]+-[0-9]+s? \|.*`build/network2' README.md |
    sed 's/^| \([^ ]*\) |.*`\(build\/network2[^`]*\)`.*/\1 \2/' | sed 's/--seed S/--seed 1/' |
    while read -r id cmd; do
    [ -n "${BUSY_EPOCHS:-}" ] && cmd=$(echo "$cmd" | sed "s/--epochs [0-9]*/--epochs $BUSY_EPOCHS/")
    # shellcheck disable=SC2086
    td=$(time_run $cmd)
    # shellcheck disable=SC2086
    t1=$(time_run $cmd --threads 1)
    printf '%-6s %-58s %8ss %8ss %7s\n' "$id" "$(echo "$cmd" | sed 's/build\/network2 //' | cut -c1-58)" \
        "$td" "$t1" "$(ratio "$td" "$t1")"
done
cmd="$B/network3 --preset conv --train-size 10000 --epochs 1"
td=$(time_run $cmd)
t1=$(time_run $cmd --threads 1)
printf '%-6s %-58s %8ss %8ss %7s\n' "conv" "network3 --preset conv --train-size 10000 --epochs 1" "$td" "$t1" "$(ratio "$td" "$t1")"
