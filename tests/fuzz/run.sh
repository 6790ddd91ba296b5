#!/bin/sh
# Long fuzzing runs with libFuzzer (clang -fsanitize=fuzzer,address,undefined).
#
#   sh tests/fuzz/run.sh [harness ...]      (default: all five, one after another)
#   FUZZ_S=600 sh tests/fuzz/run.sh nnd     (seconds per harness; default 60)
#   make fuzz FUZZ_S=600                    (the same, all harnesses)
#
# For each harness it builds build/fuzz/bin/fuzz_<harness>, copies the
# committed seeds (tests/fuzz/corpus/<harness>/) into the working corpus
# build/fuzz/corpus/<harness>/ (kept between runs, so a later run goes on
# from what an earlier one found; nothing is written into tests/), and fuzzes
# it for FUZZ_S seconds with the harness's dictionary. A crash, a leak, a
# timeout (-timeout 10) or running out of memory (-rss_limit_mb 2048) is
# saved to build/fuzz/findings/<harness>/ and ends that harness's run.
# Variables: FUZZ_S, FUZZ_CC (default clang), FUZZ_FLAGS (more libFuzzer
# flags, e.g. "-jobs=2 -workers=2" or "-use_value_profile=1").
#
# At the end one line per harness: executions, coverage (cov: edges) and
# features (ft:) from libFuzzer's final stats, the corpus libFuzzer kept
# (inputs/bytes, and the files in the working directory) and the number of
# new findings. The exit status is 1 when any harness found
# something (see tests/fuzz/README.md for what to do with it).
set -u
cd "$(dirname "$0")/../.." || exit 2
FUZZ_S=${FUZZ_S:-60}
CC=${FUZZ_CC:-clang}
FUZZ_FLAGS=${FUZZ_FLAGS:-}
ALL="idx network2 nnd checkpoint predictions"
HARNESSES=${*:-$ALL}
B=build/fuzz
FLAGS="-std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
mkdir -p $B/bin $B/logs

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "run.sh: $CC not found; libFuzzer needs clang (FUZZ_CC=clang-NN to pick one)" >&2
    exit 2
fi
# nnd's numeric kernels without coverage hooks (coverage_ignore.txt says why),
# when this clang knows the flag (clang 13 and later)
IGNORE="-fsanitize-coverage-ignorelist=tests/fuzz/coverage_ignore.txt"
if echo 'int f(void){return 0;}' | $CC -fsanitize=fuzzer-no-link $IGNORE -x c -c - -o /dev/null 2>/dev/null; then
    FLAGS="$FLAGS $IGNORE"
fi

# The longest input each harness tries: the models and checkpoints need room
# for their numbers, a predictions file or an IDX header far less.
max_len() {
    case $1 in
    idx) echo 16384 ;;
    predictions) echo 4096 ;;
    *) echo 65536 ;;
    esac
}

summary=
found=0
for h in $HARNESSES; do
    if [ ! -f tests/fuzz/fuzz_$h.c ]; then
        echo "run.sh: no harness tests/fuzz/fuzz_$h.c (harnesses: $ALL)" >&2
        exit 2
    fi
    bin=$B/bin/fuzz_$h
    echo "== fuzz_$h: building"
    if ! $CC $FLAGS tests/fuzz/fuzz_$h.c -o $bin -lm; then
        echo "run.sh: fuzz_$h does not build" >&2
        exit 2
    fi
    corpus=$B/corpus/$h
    findings=$B/findings/$h
    mkdir -p $corpus $findings
    [ -d tests/fuzz/corpus/$h ] && find tests/fuzz/corpus/$h -maxdepth 1 -type f -exec cp {} $corpus/ \;
    before=$(ls $findings | wc -l)
    log=$B/logs/$h.log
    echo "== fuzz_$h: fuzzing for $FUZZ_S s (log $log)"
    # shellcheck disable=SC2086
    $bin -max_total_time=$FUZZ_S -max_len=$(max_len $h) -dict=tests/fuzz/$h.dict -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$findings/ $FUZZ_FLAGS $corpus >$log 2>&1
    rc=$?
    after=$(ls $findings | wc -l)
    new=$((after - before))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' $log | tail -1)
    last=$(grep -a -E '^#[0-9]+.*cov: [0-9]+' $log | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
    files=$(ls $corpus | wc -l | tr -d ' ')
    if [ "$rc" -ne 0 ] && [ "$new" -eq 0 ]; then
        echo "fuzz_$h: libFuzzer exited with $rc and saved nothing; see $log" >&2
        new=1
    fi
    if [ "$new" -gt 0 ]; then
        found=1
        grep -a -E "fuzz invariant failed|ERROR: |SUMMARY: |Test unit written" $log | head -5
    fi
    summary="$summary$(printf '%-18s executions %-10s cov %-6s ft %-7s corpus %-14s findings %s' \
        "fuzz_$h" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?} ($files files)" "$new")
"
done
echo "== summary (FUZZ_S=$FUZZ_S)"
printf '%s' "$summary"
if [ "$found" -ne 0 ]; then
    echo "findings in $B/findings/: replay one with build/fuzz/bin/fuzz_<harness> FILE (tests/fuzz/README.md)"
    exit 1
fi
exit 0
