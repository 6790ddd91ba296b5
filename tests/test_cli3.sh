#!/bin/sh
# Command-line checks of build/network3 (or the binary given as $1): bad
# options and files give a one-line error and a non-zero exit (and, for a
# sanitizer build, no sanitizer report); unless $2 is "quick", a short
# ensemble on a small copy of MNIST saves its nets, and --resume then loads
# the nets already saved and trains only the missing ones, to the same vote.
# Prints "N passed, N failed" like every test program.
set -u
bin=${1:-build/network3}
mode=${2:-full}
tmp=build/cli3
rm -rf "$tmp"
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_cli3: $*"; }

# expect_error WORDS -- ARGS: a non-zero exit, one line on stderr containing
# WORDS, no sanitizer report.
expect_error() {
    words=$1
    shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -eq 0 ]; then bad "$*: exit 0, expected an error"; return; fi
    if grep -q "Sanitizer" "$tmp/err"; then bad "$*: sanitizer report"; cat "$tmp/err"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$*: $lines lines on stderr"; cat "$tmp/err"; return; fi
    if ! grep -q -- "$words" "$tmp/err"; then bad "$*: stderr lacks '$words': $(cat "$tmp/err")"; return; fi
    ok
}

expect_error "--preset is required" --
expect_error "unknown preset" -- --preset lenet
expect_error "--threads" -- --preset conv --threads 0
expect_error "--nets" -- --preset ensemble --nets 0
expect_error "--epochs" -- --preset conv --epochs -1
expect_error "unknown option" -- --preset conv --bogus
expect_error "needs --save" -- --preset ensemble --resume
expect_error "exclude" -- --preset ensemble --resume --save "$tmp/x.json" --load "$tmp/x.json"
expect_error "needs --checkpoint" -- --preset conv --stop-after 1
expect_error "does not go with" -- --preset conv --checkpoint "$tmp/ck" --shuffle
expect_error "--stop-after" -- --preset conv --checkpoint "$tmp/ck" --stop-after 0
expect_error "cannot open" -- --preset conv --data "$tmp/nowhere"
expect_error "cannot open" -- --preset conv --load "$tmp/missing.json" --epochs 0
printf '{"format": "nnd", "version": 1, "layers": [' >"$tmp/truncated.json"
expect_error "truncated.json" -- --preset conv --load "$tmp/truncated.json" --epochs 0
# Output paths are checked before MNIST is read or a net trained.
expect_error "does not exist" -- --preset conv --save "$tmp/nowhere/m.json"
expect_error "does not exist" -- --preset ensemble --nets 2 --predictions "$tmp/nowhere/p"
expect_error "not a regular file" -- --preset conv --plot-data /dev/null
expect_error "not a regular file" -- --preset conv --checkpoint "$tmp"

if [ "$mode" = quick ]; then
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
fi

# A small MNIST: the first 20,000 training images (10,000 to train on, the
# last 10,000 for validation, as nnd_mnist_load splits) and 500 test images.
# IDX: the count is the big-endian 32-bit word at byte 4.
small=$tmp/small
mkdir -p "$small"
cut_idx() { # FILE COUNT HEADER_BYTES ITEM_BYTES COUNT_AS_4_OCTAL_ESCAPES
    head -c $(($3 + $2 * $4)) "data/mnist/$1" >"$small/$1"
    printf "$5" | dd of="$small/$1" bs=1 seek=4 conv=notrunc 2>/dev/null
}
cut_idx train-images-idx3-ubyte 20000 16 784 '\000\000\116\040'
cut_idx train-labels-idx1-ubyte 20000 8 1 '\000\000\116\040'
cut_idx t10k-images-idx3-ubyte 500 16 784 '\000\000\001\364'
cut_idx t10k-labels-idx1-ubyte 500 8 1 '\000\000\001\364'

ens="--preset ensemble --data $small --train-size 40 --epochs 1 --nets 2 --threads 1
     --save $tmp/ens.json --errors-png $tmp/errors.png --filters-png $tmp/filters.png"
# shellcheck disable=SC2086
"$bin" $ens --plot-data "$tmp/ens.dat" >"$tmp/run1" 2>&1 || bad "ensemble run: exit $?: $(tail -3 "$tmp/run1")"
vote=$(grep '^Accuracy is' "$tmp/run1")
[ -n "$vote" ] && ok || bad "ensemble run: no 'Accuracy is' line"
for f in ens.json.0 ens.json.1 errors.png filters.png ens.dat.0 ens.dat.1; do
    [ -s "$tmp/$f" ] && ok || bad "ensemble run did not write $f"
done

# --predictions writes each net's test predictions; --vote on those files
# gives the whole run's vote and the same errors figure; --net K trains net K
# alone, to the bits it has in the whole run.
# shellcheck disable=SC2086
"$bin" $ens --resume --predictions "$tmp/pred" >"$tmp/runp" 2>&1 || bad "--predictions: exit $?"
for k in 0 1; do
    [ "$(grep -vc '^#' "$tmp/pred.$k")" -eq 500 ] && ok || bad "pred.$k: not 500 predictions"
done
"$bin" --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/pred.1" --errors-png "$tmp/errors_v.png" \
    >"$tmp/runv" 2>&1 || bad "--vote: exit $?: $(tail -2 "$tmp/runv")"
[ "$(grep '^Accuracy is' "$tmp/runv")" = "$vote" ] && ok || bad "--vote: $(grep '^Accuracy' "$tmp/runv") vs $vote"
grep -q '^Epoch' "$tmp/runv" && bad "--vote trained a net" || ok
cmp -s "$tmp/errors.png" "$tmp/errors_v.png" && ok || bad "--vote: another errors figure"
# shellcheck disable=SC2086
"$bin" $ens --net 1 --save "$tmp/alone.json" >"$tmp/runn" 2>&1 || bad "--net 1: exit $?"
[ "$(grep -c '^Epoch 0' "$tmp/runn")" -eq 1 ] && ok || bad "--net 1: not exactly one net trained"
grep -q '^Accuracy is' "$tmp/runn" && bad "--net 1 voted" || ok
cmp -s "$tmp/ens.json.1" "$tmp/alone.json.1" && ok || bad "--net 1: the net differs from net 1 of the whole run"
head -300 "$tmp/pred.1" >"$tmp/pred.cut"
expect_error "fewer predictions" -- --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/pred.cut"
sed '5s/.*/12/' "$tmp/pred.1" >"$tmp/pred.bad"
expect_error "not a class" -- --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/pred.bad"
expect_error "cannot read" -- --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/nothing"
expect_error "below --nets" -- --preset ensemble --nets 2 --net 2
expect_error "--vote goes with" -- --preset conv --vote "$tmp/pred.0"

# Every net saved: --resume loads both, trains none, votes the same.
# shellcheck disable=SC2086
"$bin" $ens --resume >"$tmp/run2" 2>&1 || bad "--resume (all saved): exit $?"
[ "$(grep -c '^loaded .*--resume' "$tmp/run2")" -eq 2 ] && ok || bad "--resume (all saved): not 2 nets loaded"
grep -q '^Epoch' "$tmp/run2" && bad "--resume (all saved) trained a net" || ok
[ "$(grep '^Accuracy is' "$tmp/run2")" = "$vote" ] && ok || bad "--resume (all saved): vote differs: $(grep '^Accuracy' "$tmp/run2") vs $vote"

# Net 2 missing (a run stopped part-way): it is trained again, to the same bits.
sum1=$(cksum <"$tmp/ens.json.1")
rm "$tmp/ens.json.1"
# shellcheck disable=SC2086
"$bin" $ens --resume >"$tmp/run3" 2>&1 || bad "--resume (one missing): exit $?"
[ "$(grep -c '^loaded .*--resume' "$tmp/run3")" -eq 1 ] && ok || bad "--resume (one missing): not 1 net loaded"
[ "$(grep -c '^Epoch 0' "$tmp/run3")" -eq 1 ] && ok || bad "--resume (one missing): not 1 net trained"
[ "$(cksum <"$tmp/ens.json.1")" = "$sum1" ] && ok || bad "--resume (one missing): retrained net differs"
[ "$(grep '^Accuracy is' "$tmp/run3")" = "$vote" ] && ok || bad "--resume (one missing): vote differs"

# A damaged saved net stops the run with its name and is left as it was;
# a net of another preset is refused.
head -c 5000 "$tmp/ens.json.0" >"$tmp/cut" && cp "$tmp/cut" "$tmp/ens.json.0"
sum0=$(cksum <"$tmp/ens.json.0")
# shellcheck disable=SC2086
expect_error "ens.json.0" -- $ens --resume
[ "$(cksum <"$tmp/ens.json.0")" = "$sum0" ] && ok || bad "--resume changed a damaged file"
expect_error "not a net of this preset" -- --preset conv --data "$small" --resume --save "$tmp/ens.json.1"


# --checkpoint: a dropout run stopped after each of its three epochs and
# continued twice ends with the bits of one uninterrupted run (the dropout
# stream is part of the checkpoint), the same summary and the same curve.
drop="--preset dropout --data $small --train-size 40 --epochs 3 --threads 2"
# shellcheck disable=SC2086
"$bin" $drop --save "$tmp/whole.json" --plot-data "$tmp/whole.dat" >"$tmp/whole" 2>&1 || bad "dropout run: exit $?"
for part in 1 2 3; do
    # shellcheck disable=SC2086
    "$bin" $drop --checkpoint "$tmp/ck" --stop-after 1 --save "$tmp/parts.json" --plot-data "$tmp/parts.dat" \
        >"$tmp/part$part" 2>&1 || bad "checkpointed part $part: exit $?"
done
grep -q "^stopped after epoch 0 of 3" "$tmp/part1" && ok || bad "--stop-after 1: no 'stopped after epoch 0' line"
grep -q '^saved' "$tmp/part1" "$tmp/part2" && bad "a stopped run saved its unfinished net" || ok
grep -q "^continuing from .*: 2 of 3 epochs done" "$tmp/part3" && ok || bad "part 3 did not continue from epoch 2"
cmp -s "$tmp/whole.json" "$tmp/parts.json" && ok || bad "checkpointed run's net differs from the uninterrupted one"
[ "$(grep -E '^(Best|Corresponding)' "$tmp/whole")" = "$(grep -E '^(Best|Corresponding)' "$tmp/part3")" ] && ok ||
    bad "checkpointed run's summary differs"
[ "$(cut -d' ' -f1-3 "$tmp/whole.dat")" = "$(cut -d' ' -f1-3 "$tmp/parts.dat")" ] && ok ||
    bad "checkpointed run's curve differs"
# A checkpoint of another run, or a damaged one, is refused and left as it is.
sum=$(cksum <"$tmp/ck")
# shellcheck disable=SC2086
expect_error "another run" -- $drop --checkpoint "$tmp/ck" --eta 0.5
head -c 300 "$tmp/ck" >"$tmp/ck.cut"
expect_error "ck.cut" -- $drop --checkpoint "$tmp/ck.cut"
[ "$(cksum <"$tmp/ck")" = "$sum" ] && ok || bad "a refused checkpoint was changed"
# A checkpoint's numbers are range-checked: a best epoch beyond the epochs
# done (once accepted, then overflowing the summary) is refused.
sed 's/^best [0-9-]* /best 2147483647 /' "$tmp/ck" >"$tmp/ck.best"
expect_error "out of range" -- $drop --checkpoint "$tmp/ck.best"
sed 's/^epoch 1 [0-9]* /epoch 1 10001 /' "$tmp/ck" >"$tmp/ck.acc"
expect_error "out of range" -- $drop --checkpoint "$tmp/ck.acc"

# A run that blows up while staying finite warns once, naming eta, saves its
# net and exits 3.
"$bin" --preset conv --data "$small" --train-size 200 --epochs 2 --eta 1e6 --threads 1 --save "$tmp/big.json" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "diverging.*eta 1e+06" "$tmp/err" &&
    [ -s "$tmp/big.json" ] && ok || bad "eta 1e6: exit $rc, stderr: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
