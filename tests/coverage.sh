#!/bin/sh
# Line and branch coverage of nnd.h from the unit tests: builds every
# tests/test_*.c (except tests/test_mnist*.c, which need MNIST) with clang's
# source-based coverage, in float and in double (-DNND_DOUBLE), runs each
# binary, merges the profiles and prints llvm-cov's summary for nnd.h, then
# the nnd.h functions no test executed. The last two lines read
#   nnd.h coverage: lines P% (x of y), branches P% (x of y)
#   never executed: fn1 fn2 ...        (or "never executed: none")
# It is a report: a failing test is shown but the exit status stays 0.
#
# Environment:
#   CLANG, LLVM_COV, LLVM_PROFDATA   the tools (default clang, llvm-cov,
#                 llvm-profdata; the -14 suffixed names are tried as well)
#   OMP           OpenMP flag for the builds (default -fopenmp when clang has
#                 it, so that the threaded paths run; OMP= for none)
#   EXTRA_RUN     optional shell command run after the tests, with
#                 COVERAGE_DIR, COVERAGE_SRC, CLANG, COVERAGE_CFLAGS and
#                 LLVM_PROFILE_FILE exported. COVERAGE_SRC is the snapshot the
#                 tests were built from (nnd.h, tests/, examples/): build from
#                 there, with $CLANG $COVERAGE_CFLAGS, into $COVERAGE_DIR/extra/;
#                 every program there that ran is added to the report. E.g.
#                   EXTRA_RUN='$CLANG $COVERAGE_CFLAGS $COVERAGE_SRC/examples/network2.c
#                     -o $COVERAGE_DIR/extra/network2 -lm &&
#                     sh tests/test_cli.sh $COVERAGE_DIR/extra/network2'
#                 (a profile per process, so programs run by scripts count).
# Run from the repository root (make coverage).
set -u
cd "$(dirname "$0")/.." || exit 0

pick() { # pick NAME ALTERNATIVE: the first of the two that is installed
    for t in "$1" "$2"; do
        if command -v "$t" >/dev/null 2>&1; then echo "$t"; return; fi
    done
    echo "$1"
}
CLANG=${CLANG:-$(pick clang clang-14)}
LLVM_COV=${LLVM_COV:-$(pick llvm-cov llvm-cov-14)}
LLVM_PROFDATA=${LLVM_PROFDATA:-$(pick llvm-profdata llvm-profdata-14)}
for t in "$CLANG" "$LLVM_COV" "$LLVM_PROFDATA"; do
    command -v "$t" >/dev/null 2>&1 || { echo "coverage: $t is not installed"; exit 0; }
done
if [ -z "${OMP+set}" ]; then
    if echo 'int main(void){return 0;}' | "$CLANG" -fopenmp -x c - -o /dev/null 2>/dev/null; then
        OMP=-fopenmp
    else
        OMP=
    fi
fi

D=build/coverage
rm -rf "$D"
mkdir -p "$D/profiles" "$D/extra" "$D/src/tests" "$D/src/examples"
# A snapshot of the sources: every binary is built from the same nnd.h even
# if it is edited while this runs, and llvm-cov reads that same text. The
# examples and fuzz harnesses are copied too, for EXTRA_RUN.
cp nnd.h "$D/src/nnd.h"
cp tests/check.h tests/test_*.c "$D/src/tests/"
cp examples/*.c examples/*.h "$D/src/examples/" 2>/dev/null
[ -d tests/fuzz ] && cp -R tests/fuzz "$D/src/tests/fuzz"
H=$D/src/nnd.h
CFLAGS="-std=c99 -pedantic -Wall -Wextra -Werror -O0 -fprofile-instr-generate -fcoverage-mapping $OMP"
# The counters live in a mapped file as they change (continuous mode, %c), so
# that a test that crashes or aborts still contributes what it ran (when
# clang takes it). They are not updated atomically: a count may come out
# low when threads race, but never zero for code that ran (atomic updates
# would slow the threaded tests down several times).
# shellcheck disable=SC2086
probe() { echo 'int main(void){return 0;}' | "$CLANG" $CFLAGS "$@" -x c - -o "$D/probe" 2>/dev/null; }
CONT=
if probe -mllvm -runtime-counter-relocation &&
    LLVM_PROFILE_FILE="$D/probe-%c.profraw" "$D/probe" 2>/dev/null; then
    CFLAGS="$CFLAGS -mllvm -runtime-counter-relocation"
    CONT=%c
fi
rm -f "$D"/probe*

objects=""
failed=""
echo "== building and running the unit tests with coverage ($CLANG, $OMP)"
for src in "$D"/src/tests/test_*.c; do
    name=$(basename "$src" .c)
    case $name in test_mnist*) continue ;; esac
    for prec in float double; do
        if [ $prec = double ]; then def=-DNND_DOUBLE; bin=$D/${name}_double; else def=; bin=$D/$name; fi
        # shellcheck disable=SC2086
        if ! "$CLANG" $CFLAGS $def "$src" -o "$bin" -lm 2>"$bin.build.log"; then
            echo "FAIL could not build tests/$name.c ($prec):"
            head -10 "$bin.build.log"
            failed="$failed $name($prec)"
            continue
        fi
        args= # test_reference writes its numbers (its NND_REFERENCE build is run.sh's)
        [ "$name" = test_reference ] && args="--write $bin.txt"
        start=$(date +%s)
        # shellcheck disable=SC2086
        LLVM_PROFILE_FILE="$D/profiles/$(basename "$bin")-$CONT%p.profraw" "$bin" $args >"$bin.out" 2>&1
        rc=$?
        summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$bin.out" | tail -1)
        printf '%-34s %-24s %ss\n' "$name ($prec)" "${summary:-no summary, exit $rc}" $(($(date +%s) - start))
        if [ $rc -ne 0 ]; then
            grep -E "^FAIL|Sanitizer|runtime error" "$bin.out" | head -10
            failed="$failed $name($prec)"
        fi
        objects="$objects -object $bin"
    done
done

if [ -n "${EXTRA_RUN:-}" ]; then
    echo "== EXTRA_RUN: $EXTRA_RUN"
    COVERAGE_DIR=$D COVERAGE_SRC=$D/src COVERAGE_CFLAGS="$CFLAGS" \
        LLVM_PROFILE_FILE="$D/profiles/extra-$CONT%p.profraw" CLANG=$CLANG \
        sh -c "export COVERAGE_DIR COVERAGE_SRC COVERAGE_CFLAGS LLVM_PROFILE_FILE CLANG; $EXTRA_RUN" ||
        echo "(EXTRA_RUN exited with $?)"
    for bin in "$D"/extra/*; do
        [ -f "$bin" ] && [ -x "$bin" ] && objects="$objects -object $bin"
    done
fi

if [ -z "$objects" ] || ! ls "$D"/profiles/*.profraw >/dev/null 2>&1; then
    echo "nnd.h coverage: lines 0.0% (0 of 0), branches 0.0% (0 of 0)"
    echo "never executed: (nothing was run)"
    exit 0
fi
"$LLVM_PROFDATA" merge -sparse "$D"/profiles/*.profraw -o "$D/nnd.profdata" || exit 0

# llvm-cov takes the first binary as an argument and the others as -object.
# shellcheck disable=SC2086
set -- $objects
shift
first=$1
shift

echo "== llvm-cov report (nnd.h, merged over all the binaries)"
"$LLVM_COV" report --show-branch-summary --show-region-summary=false \
    -instr-profile="$D/nnd.profdata" "$first" "$@" "$H" >"$D/report.txt" 2>"$D/report.err"
cat "$D/report.txt"
"$LLVM_COV" report --show-functions --show-branch-summary --show-region-summary=false \
    -instr-profile="$D/nnd.profdata" "$first" "$@" "$H" >"$D/functions.txt" 2>/dev/null
# Line-by-line listing of nnd.h with counts, for looking at what is missed.
"$LLVM_COV" show --show-branches=count --show-instantiations=false -instr-profile="$D/nnd.profdata" "$first" "$@" "$H" \
    >"$D/nnd.h.txt" 2>/dev/null

# Functions: each row of the per-function table is
#   Name Regions Miss Cover Lines Miss Cover Branches Miss Cover
# A static function appears once per test program ("test_x.c:nnd__f"): the
# prefix is dropped and a function counts as never executed when no row of
# it ran any region. (OpenMP's outlined loop bodies are left out: they are
# parts of the functions that hold the loops.)
never=$(awk '
    NF >= 10 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ && $1 !~ /omp_outlined/ {
        name = $1; sub(/^.*:/, "", name)
        if (!(name in ran)) ran[name] = 0
        if ($3 < $2) ran[name] = 1
    }
    END { for (f in ran) if (!ran[f]) print f }' "$D/functions.txt" | sort | tr '\n' ' ' | sed 's/ $//')

total=$(grep '^TOTAL' "$D/report.txt" | tail -1)
# TOTAL lines: TOTAL Functions Missed Cover Lines Missed Cover Branches Missed Cover
# shellcheck disable=SC2086
set -- $total
if [ $# -ge 10 ]; then
    lines=$5; lhit=$(($5 - $6)); br=$8; bhit=$(($8 - $9))
    echo
    [ -n "$failed" ] && echo "(tests that failed or did not build:$failed)"
    awk -v lh="$lhit" -v l="$lines" -v bh="$bhit" -v b="$br" 'BEGIN {
        printf "nnd.h coverage: lines %.1f%% (%d of %d), branches %.1f%% (%d of %d)\n",
               l ? 100 * lh / l : 0, lh, l, b ? 100 * bh / b : 0, bh, b }'
else
    echo "nnd.h coverage: lines ? (llvm-cov gave: $total)"
fi
echo "never executed: ${never:-none}"
exit 0
