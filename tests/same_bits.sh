#!/bin/sh
# Same bits: train and save the same nets with two builds of the command-line
# programs and compare the saved models byte for byte.
#
#   sh tests/same_bits.sh OLD_DIR NEW_DIR [THREADS...]
#
# OLD_DIR and NEW_DIR each hold a network2 and a network3 binary (for example
# a copy of build/ made before a change, and build/ after it). Trains
# network3's presets shallow, conv, conv2, conv2-relu, dropout and omit-fc
# (1,000 images, 2 epochs) and network2's 784-30-10 (sparse and --dense),
# 784-100-10 and 784-60-30-10 (2,000 images, L2, and 784-60-30-10 also with
# --l1 and with --momentum), each at every thread count given (default 1 2 3).
# Prints one line per model and "N passed, N failed"; exits non-zero when a
# model differs. Needs MNIST in data/mnist (make data).
set -u
old=${1:?usage: same_bits.sh OLD_DIR NEW_DIR [THREADS...]}
new=${2:?usage: same_bits.sh OLD_DIR NEW_DIR [THREADS...]}
shift 2
threads=${*:-1 2 3}
tmp=${TMPDIR:-/tmp}/nnd_same_bits.$$
mkdir -p "$tmp"
pass=0
fail=0

# compare NAME PROGRAM ARGS...: train with both builds, compare the saved files.
compare() {
    name=$1 prog=$2
    shift 2
    for side in old new; do
        dir=$old
        [ "$side" = new ] && dir=$new
        if ! "$dir/$prog" "$@" --save "$tmp/$side.json" >"$tmp/$side.out" 2>&1; then
            echo "FAIL $name: $side build failed: $(tail -1 "$tmp/$side.out")"
            fail=$((fail + 1))
            return
        fi
    done
    if cmp -s "$tmp/old.json" "$tmp/new.json"; then
        echo "same  $name  $(md5sum <"$tmp/new.json" | cut -c1-12)"
        pass=$((pass + 1))
    else
        echo "FAIL $name: the saved models differ"
        fail=$((fail + 1))
    fi
}

for t in $threads; do
    for p in shallow conv conv2 conv2-relu dropout omit-fc; do
        compare "network3 $p, threads=$t" network3 --preset "$p" --train-size 1000 --epochs 2 --threads "$t"
    done
    n2="--train-size 2000 --epochs 2 --lambda 5 --threads $t"
    compare "network2 784-30-10, threads=$t" network2 --sizes 784,30,10 $n2
    compare "network2 784-30-10 --dense, threads=$t" network2 --sizes 784,30,10 --dense $n2
    compare "network2 784-100-10, threads=$t" network2 --sizes 784,100,10 $n2
    compare "network2 784-60-30-10, threads=$t" network2 --sizes 784,60,30,10 $n2
    compare "network2 784-60-30-10 --l1, threads=$t" network2 --sizes 784,60,30,10 --l1 $n2
    compare "network2 784-60-30-10 --momentum 0.5, threads=$t" network2 --sizes 784,60,30,10 --momentum 0.5 $n2
done
rm -rf "$tmp"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
