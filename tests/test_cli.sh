#!/bin/sh
# Command-line checks of build/network2 (or the binary given as $1): bad
# flags, missing and corrupt files give a one-line error and a non-zero exit
# (and, for a sanitizer build, no AddressSanitizer/LeakSanitizer report);
# save -> load -> evaluate works; --plot-data writes gnuplot data.
# Prints "N passed, N failed" like every test program.
set -u
bin=${1:-build/network2}
tmp=build/cli
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_cli: $*"; }

# expect_error CODE WORDS -- ARGS: exit status CODE, a single stderr line
# containing WORDS, no sanitizer report.
expect_error() {
    code=$1 words=$2
    shift 3
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(grep -v '^network2: (run' "$tmp/err" | wc -l)
    if [ "$rc" -ne "$code" ]; then bad "$*: exit $rc, expected $code"; return; fi
    if grep -q "Sanitizer" "$tmp/err"; then bad "$*: sanitizer report"; cat "$tmp/err"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$*: $lines lines on stderr"; cat "$tmp/err"; return; fi
    if ! grep -q -- "$words" "$tmp/err"; then bad "$*: stderr lacks '$words': $(cat "$tmp/err")"; return; fi
    ok
}

expect_error 2 "--eta" -- --eta abc
expect_error 2 "--eta" -- --eta -1
expect_error 2 "--epochs" -- --epochs 1.5
expect_error 2 "--mini-batch" -- --mini-batch 0
expect_error 2 "--threads" -- --threads 0
expect_error 2 "--lambda" -- --lambda nan
expect_error 2 "unknown option" -- --bogus
expect_error 2 "--sizes" -- --sizes 784,,10
expect_error 2 "--sizes" -- --sizes 784
expect_error 2 "--cost" -- --cost log
expect_error 2 "--evaluate-on" -- --evaluate-on training
expect_error 2 "needs a value" -- --save
expect_error 1 "cannot open" -- --data "$tmp/nowhere"

# Output paths are checked before MNIST is read or a net trained.
expect_error 1 "does not exist" -- --save "$tmp/nowhere/m.json"
expect_error 1 "not a regular file" -- --plot-data /dev/null
chmod 444 "$tmp/readonly.json" 2>/dev/null || { echo x >"$tmp/readonly.json"; chmod 444 "$tmp/readonly.json"; }
expect_error 1 "write-protected" -- --save "$tmp/readonly.json"

# A run that blows up while staying finite warns once, naming eta, saves and
# exits 3; a mini-batch larger than the training set runs.
"$bin" --eta 1e9 --train-size 200 --epochs 2 --threads 1 --save "$tmp/big.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "diverging.*eta 1e+09" "$tmp/err" &&
    [ -s "$tmp/big.json" ] && ok || bad "eta 1e9: exit $rc, stderr: $(cat "$tmp/err")"
"$bin" --mini-batch 1000000 --train-size 100 --epochs 1 --threads 1 >"$tmp/out" 2>"$tmp/err" && ok ||
    bad "mini-batch 10^6 on 100 images: $(cat "$tmp/err")"

# Truncated and corrupt data: a copy of MNIST with the training images cut short.
mkdir -p "$tmp/short"
for f in train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    cp data/mnist/$f "$tmp/short/$f"
done
head -c 1000000 data/mnist/train-images-idx3-ubyte >"$tmp/short/train-images-idx3-ubyte"
expect_error 1 "truncated" -- --data "$tmp/short"
printf 'not an IDX file' >"$tmp/short/train-images-idx3-ubyte"
expect_error 1 "magic" -- --data "$tmp/short"

# Corrupt and mismatched models.
printf '{"sizes": [784, 30, 10],\n "weights": [[[0.5, ' >"$tmp/truncated.json"
expect_error 1 "line 2" -- --load "$tmp/truncated.json" --epochs 0
printf '{"sizes": [2, 1], "weights": [[[1.0, 2.0]]], "biases": [[[0.0]]], "cost": "QuadraticCost"}' >"$tmp/small.json"
expect_error 1 "inputs" -- --load "$tmp/small.json" --epochs 0
expect_error 1 "cannot open" -- --load "$tmp/missing.json" --epochs 0

# A real run: train briefly, save, load, evaluate; the plot data has a header.
if "$bin" --train-size 2000 --epochs 2 --mini-batch 10 --eta 0.5 --threads 2 --monitor-evaluation-accuracy \
    --monitor-training-cost --save "$tmp/model.json" --plot-data "$tmp/curve.dat" >"$tmp/out" 2>"$tmp/err"; then ok
else bad "short training run failed: $(cat "$tmp/err")"; fi
grep -q "^Epoch 1 training complete" "$tmp/out" && ok || bad "no 'Epoch 1 training complete' line"
grep -q "^Accuracy on evaluation data: [0-9]* / 10000" "$tmp/out" && ok || bad "no accuracy line"
grep -q "^Cost on training data: " "$tmp/out" && ok || bad "no training cost line"
[ "$(grep -c '^#' "$tmp/curve.dat")" -ge 2 ] && [ "$(grep -vc '^#' "$tmp/curve.dat")" -eq 2 ] && ok ||
    bad "plot data: $(cat "$tmp/curve.dat")"
grep -q "seed=12345678" "$tmp/curve.dat" && ok || bad "plot data header lacks the seed"
last=$(grep "^Accuracy on evaluation" "$tmp/out" | tail -1)
"$bin" --load "$tmp/model.json" --epochs 0 >"$tmp/out2" 2>"$tmp/err" && ok || bad "evaluating a saved model: $(cat "$tmp/err")"
grep -q "^Accuracy on test data: [0-9]* / 10000$" "$tmp/out2" && ok || bad "no test accuracy line: $(cat "$tmp/out2")"
"$bin" --help >"$tmp/out" && ok || bad "--help failed"
for flag in --data --sizes --cost --init --epochs --mini-batch --eta --lambda --l1 --train-size --seed \
    --evaluate-on --monitor-evaluation-accuracy --monitor-evaluation-cost --monitor-training-accuracy \
    --monitor-training-cost --save --load --plot-data; do
    grep -q -- "$flag" "$tmp/out" || bad "--help does not document $flag"
done
ok
: "$last"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
