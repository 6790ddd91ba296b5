#!/bin/sh
# tests/exercise_index.sh - regenerate the measured part of exercises/README.md.
#
#   sh tests/exercise_index.sh [--outputs DIR] [--matrix FILE]
#
# Builds every exercise program (exercises/*.c, float build, the flags
# tests/run.sh uses), runs each from the repository's root and rewrites, in
# exercises/README.md, the parts between the marker comments
#   <!-- checks:NAME begin ... -->  ...  <!-- checks:NAME end -->
# (one per program NAME: a table of its check lines - id, measured value,
# what it must be, PASS/FAIL, and the lines the program printed before it
# saying what is measured) and <!-- checks:summary begin/end --> (the count
# of check lines per program). Everything outside the markers - the
# questions, answers and derivations - is left as it is. A program without
# its markers in the README, or markers without a program, is an error.
#
#   --outputs DIR  run nothing: read DIR/NAME.out, saved output of the same
#                  programs (tests/mutants.sh keeps the unmutated run's in
#                  build/mutants/m00/log)
#   --matrix FILE  also replace the part between <!-- mutants begin --> and
#                  <!-- mutants end --> with FILE (build/mutants/matrix.md,
#                  written by `sh tests/mutants.sh`)
#
# Rerun it after changing an exercise program or nnd.h, so that the numbers
# in the README are the ones the programs print. Runs under nice -n 15.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
README=exercises/README.md
OUT=build/exercise_index
CC=${CC:-cc}
. tests/jobs.sh # JOBS (default: the cores), throttle and track
STRICT="-std=c99 -pedantic -Wall -Wextra -Werror"
OPT="-O3 -march=native -ffp-contract=fast"
OMP_WAIT_POLICY=passive
export OMP_WAIT_POLICY

outputs=""
matrix=""
while [ $# -gt 0 ]; do
    case "$1" in
    --outputs) outputs=${2:?--outputs needs a directory}; shift ;;
    --matrix) matrix=${2:?--matrix needs a file}; shift ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "exercise_index.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ -z "$matrix" ] || [ -f "$matrix" ] || { echo "exercise_index.sh: no file $matrix" >&2; exit 2; }

PROGS=$(cd exercises && ls *.c | sed 's/\.c$//')
mkdir -p $OUT
rm -f $OUT/*.md

# Every program's markers must be in the README before anything runs.
bad=0
for p in $PROGS summary; do
    grep -q "^<!-- checks:$p begin" $README && grep -q "^<!-- checks:$p end -->" $README ||
        { echo "exercise_index.sh: $README lacks the markers <!-- checks:$p begin/end -->" >&2; bad=1; }
done
for p in $(sed -n 's/^<!-- checks:\([a-z0-9_]*\) begin.*/\1/p' $README); do
    [ "$p" = summary ] || [ -f exercises/$p.c ] ||
        { echo "exercise_index.sh: $README has markers for $p, but there is no exercises/$p.c" >&2; bad=1; }
done
[ $bad = 0 ] || exit 1

if [ -z "$outputs" ]; then
    outputs=$OUT
    for p in $PROGS; do # built $JOBS at a time
        throttle
        rm -f $OUT/$p
        nice -n 15 $CC $STRICT $OPT exercises/$p.c -o $OUT/$p -lm >$OUT/$p.cc 2>&1 &
        track $!
    done
    wait
    for p in $PROGS; do
        [ -x $OUT/$p ] || { echo "exercise_index.sh: exercises/$p.c does not build:" >&2; head -20 $OUT/$p.cc >&2; exit 1; }
        echo "running exercises/$p ..." >&2
        nice -n 15 $OUT/$p >$OUT/$p.out 2>&1
    done
fi
for p in $PROGS; do
    [ -f "$outputs/$p.out" ] || { echo "exercise_index.sh: no output $outputs/$p.out" >&2; exit 1; }
done
# the nnd.h the outputs came from: a saved run's tree keeps its copy beside its logs
src=nnd.h
[ "$outputs" != $OUT ] && [ -f "$outputs/../nnd.h" ] && src=$outputs/../nnd.h
SHA=$(sha256sum "$src" | cut -c1-12)

# block NAME FILE: the table of one program's check lines. A check line is
# "id measured X expected Y tol T STATUS" or "id measured X expected >= B
# STATUS"; a "FAIL file:line: ..." line is a check too. The other lines
# (notes "# id: ...", indented details) describe the next check line and go
# in its last column; a timing line "(id: 0.12 s)" is left out.
block() {
    awk -v prog="$1" '
        function esc(s) { gsub(/\|/, "\\&#124;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
        function row(id, measured, expected, status) {
            n = pending
            if (index(n, id ": ") == 1) n = substr(n, length(id) + 3)
            gsub("; " id ": ", "; ", n)
            rows = rows sprintf("| %s | %s | %s | %s | %s |\n", id, measured, expected, status, esc(n))
            pending = ""
            total++; if (status == "PASS") pass++; else fail++
        }
        /^[0-9]+ passed, [0-9]+ failed$/ { next }
        /^[ \t]*\([^()]*: [0-9.]+ s\)[ \t]*$/ { next }
        $2 == "measured" && $4 == "expected" && ($NF == "PASS" || $NF == "FAIL") {
            if ($5 == ">=" || $5 == "<=") row($1, $3, ($5 == ">=" ? "≥ " : "≤ ") $6, $NF)
            else if ($6 == "tol") row($1, $3, ($7 == 0 ? "= " $5 : $5 " ± " $7), $NF)
            else row($1, $3, "", $NF)
            next
        }
        /^FAIL / { line = $0; sub(/^FAIL /, "", line); split(line, w, " "); id = w[1]; sub(/:$/, "", id)
                   pending = pending (pending == "" ? "" : "; ") substr(line, length(w[1]) + 2)
                   row(id, "-", "", "FAIL"); next }
        { line = $0; sub(/^#[ \t]*/, "", line); sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line)
          if (line != "") pending = pending (pending == "" ? "" : "; ") line }
        END {
            printf "<details><summary>The check lines of <code>exercises/%s.c</code> as measured (float build): %d lines, %d PASS, %d FAIL</summary>\n\n", prog, total, pass, fail
            print "| id | measured | must be | status | what the program prints before it |"
            print "|---|---|---|---|---|"
            printf "%s", rows
            print ""
            print "</details>"
            printf "%s|%d|%d|%d\n", prog, total, pass, fail > "/dev/stderr"
        }' "$2"
}

: >$OUT/counts.txt
for p in $PROGS; do
    block "$p" "$outputs/$p.out" >$OUT/$p.md 2>>$OUT/counts.txt
done
{
    echo "| program | check lines | PASS | FAIL |"
    echo "|---|---|---|---|"
    awk -F'|' '{ t += $2; p += $3; f += $4; printf "| `exercises/%s.c` | %d | %d | %d |\n", $1, $2, $3, $4 }
        END { printf "| all | %d | %d | %d |\n", t, p, f }' $OUT/counts.txt
    echo
    echo "(float build, nnd.h $SHA)"
} >$OUT/summary.md
[ -n "$matrix" ] && cp "$matrix" $OUT/mutants.md

# Replace each marked part by its file ($OUT/NAME.md); the marker lines stay.
awk -v dir="$OUT" -v withmatrix="$([ -n "$matrix" ] && echo 1)" '
    function emit(f,   l) { while ((getline l < f) > 0) print l; close(f) }
    /^<!-- checks:[a-z0-9_]+ begin/ { print; name = $0; sub(/^<!-- checks:/, "", name); sub(/ .*/, "", name)
                                      emit(dir "/" name ".md"); skip = 1; next }
    /^<!-- checks:[a-z0-9_]+ end -->/ { skip = 0; print; next }
    /^<!-- mutants begin/ && withmatrix { print; emit(dir "/mutants.md"); skip = 1; next }
    /^<!-- mutants end -->/ && withmatrix { skip = 0; print; next }
    !skip { print }' $README >$OUT/README.new
if cmp -s $OUT/README.new $README; then
    echo "exercise_index.sh: $README is up to date" >&2
else
    cp $OUT/README.new $README
    echo "exercise_index.sh: $README rewritten ($(awk -F'|' '{ t += $2; f += $4 } END { print t " check lines, " f " FAIL" }' $OUT/counts.txt))" >&2
fi
