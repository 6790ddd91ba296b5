#!/bin/sh
# Replays the committed fuzz inputs: every file of tests/fuzz/corpus/<harness>/
# and tests/fuzz/findings/<harness>/ goes once through its harness, built
# with replay.c (no libFuzzer needed) and AddressSanitizer + UBSan, so the
# seeds and the inputs of past bugs stay checked by the test suite.
#
#   sh tests/fuzz/replay.sh [harness ...]     (default: all five)
#
# Binaries go to build/fuzz/replay/ and are rebuilt only when a source is
# newer. One line per harness, then "N passed, N failed" (N counts inputs;
# a harness that cannot be built counts as one failure). Each harness runs
# its inputs in one process; if that process fails, the inputs are run one
# per process to name the failing ones (FAIL lines, with the first lines of
# the report). Exit status 0 when nothing failed. Compiler: $FUZZ_CC, else
# gcc, else clang.
set -u
cd "$(dirname "$0")/../.." || exit 2
FLAGS="-std=c99 -pedantic -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all"
OUT=build/fuzz/replay
ALL="idx network2 nnd checkpoint predictions"
HARNESSES=${*:-$ALL}
CC=${FUZZ_CC:-}
if [ -z "$CC" ]; then
    for c in gcc clang cc; do
        if command -v $c >/dev/null 2>&1; then CC=$c; break; fi
    done
fi
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export UBSAN_OPTIONS
mkdir -p $OUT
ulimit -c 0 2>/dev/null
# a hanging input fails instead of stopping the test suite
LIMIT=
command -v timeout >/dev/null 2>&1 && LIMIT="timeout 300"

for h in $HARNESSES; do
    if [ ! -f tests/fuzz/fuzz_$h.c ]; then
        echo "replay.sh: no harness tests/fuzz/fuzz_$h.c (harnesses: $ALL)" >&2
        exit 2
    fi
done

# build H: (re)build build/fuzz/replay/H when a source is newer; output in H.build.
build() {
    bin=$OUT/$1
    if [ -x "$bin" ] && [ -z "$(find nnd.h examples/cli_files.h tests/fuzz -name '*.[ch]' -newer "$bin" 2>/dev/null | head -1)" ]; then
        return 0
    fi
    rm -f "$bin"
    $CC $FLAGS tests/fuzz/fuzz_$1.c tests/fuzz/replay.c -o "$bin" -lm >$OUT/$1.build 2>&1
}

# Two builds at a time (each compiles all of nnd.h with the sanitizers).
set -- $HARNESSES
while [ $# -gt 0 ]; do
    build "$1" &
    p1=$!
    p2=
    if [ $# -gt 1 ]; then
        build "$2" &
        p2=$!
    fi
    wait $p1
    [ -n "$p2" ] && wait $p2
    shift
    [ $# -gt 0 ] && shift
done

total_pass=0
total_fail=0
for h in $HARNESSES; do
    bin=$OUT/$h
    dirs=
    for d in tests/fuzz/corpus/$h tests/fuzz/findings/$h; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    if [ ! -x "$bin" ]; then
        echo "FAIL fuzz_$h: does not build ($CC):"
        head -20 $OUT/$h.build
        printf '%-20s %s\n' "fuzz_$h" "0 passed, 1 failed (build)"
        total_fail=$((total_fail + 1))
        continue
    fi
    n=$(find $dirs -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' ')
    pass=0
    fail=0
    if $LIMIT "$bin" $dirs >$OUT/$h.out 2>&1 && tail -1 $OUT/$h.out | grep -q "^$n passed, 0 failed$"; then
        pass=$n
    else
        # one process per input, to count and name the failures
        for f in $(find $dirs -maxdepth 1 -type f | sort); do
            if $LIMIT "$bin" "$f" >$OUT/$h.one 2>&1 && tail -1 $OUT/$h.one | grep -q "^1 passed, 0 failed$"; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                echo "FAIL fuzz_$h: $f"
                grep -a -E "fuzz invariant failed|ERROR: |SUMMARY: |runtime error|Sanitizer" $OUT/$h.one | head -3 | cut -c1-300
            fi
        done
    fi
    printf '%-20s %s\n' "fuzz_$h" "$pass passed, $fail failed"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
