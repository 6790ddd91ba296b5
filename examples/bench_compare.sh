#!/bin/sh
# Two builds of nnd timed in one sitting, turn about, so that the machine's
# drift falls on both alike: the check that a change kept the speed (as
# tests/same_bits.sh checks that it kept the bits).
#   sh examples/bench_compare.sh OLD_BUILD_DIR NEW_BUILD_DIR
# Each directory needs bench_network2 and network3 (make; bench.sh builds
# bench_network2). The rows are those of make bench: [784,30,10] at
# mini-batch 10 and 100 (one thread, 4 epochs of 50,000 images, the fastest
# epoch) and the chapter 6 nets (i) `conv` and (ii) `conv2-relu` with one
# and two threads (5,000 images, 2 epochs, the fastest; --no-eval), and R6-7's
# `dropout` net likewise (1,000 images, which it expands to 5,000). Every
# row runs ROUNDS times (default 5) alternating old and new; the fastest
# of each counts, and new / old is printed (below 1: the new build is
# faster). ROWS="m10 conv.2 ..." times only those rows. MNIST must be in data/mnist.
set -u
[ $# -eq 2 ] || { echo "usage: sh examples/bench_compare.sh OLD_BUILD_DIR NEW_BUILD_DIR"; exit 2; }
OLD=$1
NEW=$2
R=${ROUNDS:-5}
for d in "$OLD" "$NEW"; do
    for p in bench_network2 network3; do
        [ -x "$d/$p" ] || { echo "bench_compare: $d/$p is missing (make; sh examples/bench.sh builds bench_network2)"; exit 2; }
    done
done
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | tail -1; }
lower() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || (b != "" && b + 0 < a + 0)) ? b : a }'; }

# time_row DIR ROW: one timing (seconds per epoch) of ROW with DIR's binaries
time_row() {
    case $2 in
    m10) "$1/bench_network2" --mini-batch 10 --epochs 4 --threads 1 | field seconds_per_epoch ;;
    m100) "$1/bench_network2" --mini-batch 100 --epochs 4 --threads 1 | field seconds_per_epoch ;;
    dropout.*) # the expanded data: 1,000 images become 5,000
        "$1/network3" --preset dropout --no-eval --epochs 2 --train-size 1000 --threads "${2#*.}" |
            field seconds_per_epoch ;;
    *) # PRESET.THREADS
        "$1/network3" --preset "${2%.*}" --no-eval --epochs 2 --train-size 5000 --threads "${2#*.}" |
            field seconds_per_epoch ;;
    esac
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg); $R rounds, old and new in turn, the fastest kept"
printf '%-34s %10s %10s %9s\n' "row (seconds per epoch)" "old" "new" "new/old"
for row in ${ROWS:-m10 m100 conv.1 conv.2 conv2-relu.1 conv2-relu.2 dropout.1 dropout.2}; do
    o="" n=""
    i=0
    while [ $i -lt "$R" ]; do
        o=$(lower "$o" "$(time_row "$OLD" $row)")
        n=$(lower "$n" "$(time_row "$NEW" $row)")
        i=$((i + 1))
    done
    case $row in
    m10) name="[784,30,10], mini-batch 10" ;;
    m100) name="[784,30,10], mini-batch 100" ;;
    *) name="network3 ${row%.*}, ${row#*.} thread(s), 5000 img" ;;
    esac
    printf '%-34s %10s %10s %9s\n' "$name" "$o" "$n" "$(awk -v a="$o" -v b="$n" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "-" }')"
done
