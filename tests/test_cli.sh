#!/bin/sh
# Command-line checks of build/network2 (or the binary given as $1): bad
# flags, missing and corrupt files give a one-line error and a non-zero exit
# (and, for a sanitizer build, no AddressSanitizer/LeakSanitizer report);
# every option error has the one format "network2: --name: what"; an option
# that cannot apply to the run is refused; save -> load -> evaluate works
# (on the data --evaluate-on names); --save-best keeps the best epoch's net;
# --plot-data writes gnuplot data; a log gets no progress line.
# Prints "N passed, N failed" like every test program.
set -u
bin=${1:-build/network2}
tmp=build/cli
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_cli: $*"; }

# run_bin ARGS: the binary's exit status in rc, its outputs in $tmp/out and
# $tmp/err (err without network2's "(run `make data` ...)" hint).
run_bin() {
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err.all"
    rc=$?
    grep -v '^network2: (run' "$tmp/err.all" >"$tmp/err"
}

# expect_error CODE WORDS -- ARGS: exit status CODE, a single stderr line
# containing WORDS, no sanitizer report.
expect_error() {
    code=$1 words=$2
    shift 3
    run_bin "$@"
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -ne "$code" ]; then bad "$*: exit $rc, expected $code"; return; fi
    if grep -q "Sanitizer" "$tmp/err"; then bad "$*: sanitizer report"; cat "$tmp/err"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$*: $lines lines on stderr"; cat "$tmp/err"; return; fi
    if ! grep -q -- "$words" "$tmp/err"; then bad "$*: stderr lacks '$words': $(cat "$tmp/err")"; return; fi
    ok
}

# expect_line LINE -- ARGS: exit status 2 and exactly LINE on stderr.
expect_line() {
    line=$1
    shift 2
    run_bin "$@"
    if [ "$rc" -ne 2 ]; then bad "$*: exit $rc, expected 2"; return; fi
    if [ "$(cat "$tmp/err")" != "$line" ]; then bad "$*: stderr '$(cat "$tmp/err")', expected '$line'"; return; fi
    ok
}

# expect_refusal FLAG WORDS -- ARGS: FLAG refused: exit 2 and one stderr
# line "network2: FLAG: ..." containing WORDS.
expect_refusal() {
    flag=$1 words=$2
    shift 3
    run_bin "$@"
    if [ "$rc" -ne 2 ]; then bad "$* ($flag): exit $rc, expected 2"; return; fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q -e "^network2: $flag: .*$words" "$tmp/err"; then
        bad "$*: expected 'network2: $flag: ...$words...', got: $(cat "$tmp/err")"
        return
    fi
    ok
}

# accuracy_of FILE KIND: the last count of "Accuracy on KIND data: N / M" in FILE.
accuracy_of() { sed -n "s|^Accuracy on $2 data: \([0-9]*\) / [0-9]*\$|\1|p" "$1" | tail -1; }

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
expect_error 2 "expected a file name, got nothing" -- --save
expect_error 1 "cannot open" -- --data "$tmp/nowhere"

# One format for every option error, "network2: --name: expected X, got 'V'",
# with --name=value as well as --name value; the nearest option or value for
# a near miss; a second value of an option is refused, not a silent override.
expect_line "network2: --eta: expected a positive number, got 'x'" -- --eta x
expect_line "network2: --eta: expected a positive number, got 'x'" -- --eta=x
expect_line "network2: --epochs: expected an integer 0..1000000, got '1.5'" -- --epochs=1.5
expect_line "network2: --epoch: unknown option; did you mean --epochs?" -- --epoch 3
expect_line "network2: --monitor-evaluation-acuracy: unknown option; did you mean --monitor-evaluation-accuracy?" \
    -- --monitor-evaluation-acuracy
expect_line "network2: --evaluate-on: expected validation or test, got 'validaton'; did you mean validation?" \
    -- --evaluate-on validaton
expect_line "network2: --eta: given twice ('0.1', then '0.5')" -- --eta 0.1 --eta=0.5
expect_line "network2: --l1: takes no value, got '1'" -- --l1=1
expect_line "network2: --save: expected a file name, got the option '--epochs'" -- --save --epochs 3
expect_line "network2: --seed: expected an integer >= 0, got '-1'" -- --seed -1

# --threads above 1 in a build without OpenMP is refused (it would run on
# one thread); with OpenMP the run gets to the next check, here --sizes.
run_bin --threads 2 --sizes 5
if [ "$(cat "$tmp/err")" = "network2: --threads: this build has no OpenMP and runs on one thread (build with -fopenmp)" ]
then threads=1; ok
elif grep -q "^network2: --sizes: expected at least two layers" "$tmp/err"; then threads=2; ok
else threads=1; bad "--threads 2: $(cat "$tmp/err")"; fi

# The net's first and last sizes are the data's: 784 pixels, 10 classes.
expect_refusal --sizes "the last layer must match the 10 classes of the data, got 30" -- --sizes 784,30
expect_refusal --sizes "the first layer must match the 784 pixels of an image, got 100" -- --sizes 100,30,10

# An option that cannot apply to the run is refused, never ignored. (The
# refusals come before any file is read: none.json does not exist.)
for f in "--mini-batch 5" "--eta 1" "--lambda 1" "--l1" "--momentum 0.5" "--early-stopping 2" \
    "--train-size 100" --monitor-evaluation-accuracy --monitor-evaluation-cost --monitor-training-accuracy \
    --monitor-training-cost "--save-best $tmp/b.json" "--plot-data $tmp/p.dat"; do
    # shellcheck disable=SC2086
    expect_refusal "${f%% *}" "nothing is trained with --epochs 0" -- --load "$tmp/none.json" --epochs 0 $f
done
expect_refusal --sizes "the net comes from --load" -- --load "$tmp/none.json" --sizes 784,30,10
expect_refusal --cost "the net comes from --load" -- --load "$tmp/none.json" --cost quadratic
expect_refusal --init "the net comes from --load" -- --load "$tmp/none.json" --init large
expect_refusal --seed "nothing is random" -- --load "$tmp/none.json" --epochs 0 --seed 3
expect_refusal --l1 "needs --lambda above 0" -- --l1
expect_refusal --l1 "needs --lambda above 0" -- --l1 --lambda 0
expect_refusal --evaluate-on "nothing is evaluated" -- --monitor-training-cost --evaluate-on test
expect_refusal --save-best "add --monitor-evaluation-accuracy" -- --monitor-training-cost --save-best "$tmp/b.json"
expect_refusal --plot-data "'$tmp/same' is also the file of --save" -- --save "$tmp/same" --plot-data "$tmp/same"
expect_refusal --save-best "is also the file of --save" -- --save "$tmp/same" --save-best "$tmp/same"
expect_refusal --export-onnx "is also the file of --save" -- --save "$tmp/same" --export-onnx "$tmp/same"
# ... and what can apply is not refused: early stopping evaluates, so
# --evaluate-on goes with it; --l1 goes with a positive --lambda.
run_bin --monitor-training-cost --early-stopping 1 --evaluate-on test --train-size 300 --epochs 1 --threads 1
[ "$rc" -eq 0 ] && ok || bad "--early-stopping with --evaluate-on and a training monitor: exit $rc: $(cat "$tmp/err")"
run_bin --l1 --lambda 1 --train-size 300 --epochs 1 --threads 1
[ "$rc" -eq 0 ] && ok || bad "--l1 --lambda 1: exit $rc: $(cat "$tmp/err")"

# Output paths are checked before MNIST is read or a net trained.
expect_error 1 "does not exist" -- --save "$tmp/nowhere/m.json"
expect_error 1 "does not exist" -- --save-best "$tmp/nowhere/m.json"
expect_error 1 "not a regular file" -- --plot-data /dev/null
chmod 444 "$tmp/readonly.json" 2>/dev/null || { echo x >"$tmp/readonly.json"; chmod 444 "$tmp/readonly.json"; }
expect_error 1 "write-protected" -- --save "$tmp/readonly.json"
expect_error 1 "does not exist" -- --export-onnx "$tmp/nowhere/m.onnx"

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
# NND_PROGRESS_AFTER=0 would draw the progress line from the first batch on
# a terminal: in this log there is none (no carriage return).
if NND_PROGRESS_AFTER=0 "$bin" --train-size 2000 --epochs 2 --mini-batch 10 --eta 0.5 --threads "$threads" \
    --monitor-evaluation-accuracy --monitor-training-cost --save "$tmp/model.json" --plot-data "$tmp/curve.dat" \
    >"$tmp/run" 2>"$tmp/err"; then ok
else bad "short training run failed: $(cat "$tmp/err")"; fi
grep -q "^Epoch 1 training complete" "$tmp/run" && ok || bad "no 'Epoch 1 training complete' line"
grep -q "^Accuracy on evaluation data: [0-9]* / 10000" "$tmp/run" && ok || bad "no accuracy line"
grep -q "^Cost on training data: " "$tmp/run" && ok || bad "no training cost line"
[ "$(tr -cd '\r' <"$tmp/run" | wc -c)" -eq 0 ] && ok || bad "a carriage return (a progress line) in a log"
[ "$(grep -c '^#' "$tmp/curve.dat")" -ge 2 ] && [ "$(grep -vc '^#' "$tmp/curve.dat")" -eq 2 ] && ok ||
    bad "plot data: $(cat "$tmp/curve.dat")"
grep -q "seed=12345678" "$tmp/curve.dat" && ok || bad "plot data header lacks the seed"
# --save says what it wrote: the net after epoch 1, the last of the 2.
grep -q "^saved $tmp/model.json (network2.py JSON): the net after the last epoch, 1 (2 epochs of training)\$" \
    "$tmp/run" && ok || bad "--save's line: $(grep '^saved' "$tmp/run")"
last=$(accuracy_of "$tmp/run" evaluation)
NND_PROGRESS_AFTER=soon "$bin" --train-size 100 --epochs 1 --threads 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && [ "$(cat "$tmp/err")" = "network2: NND_PROGRESS_AFTER: expected a number of seconds >= 0, got 'soon'" ] &&
    ok || bad "NND_PROGRESS_AFTER=soon: exit $rc: $(cat "$tmp/err")"

# --load --epochs 0 evaluates on the test data by default and on the
# validation data with --evaluate-on validation: there the saved net scores
# what the run's last epoch printed for it (the run evaluated validation).
"$bin" --load "$tmp/model.json" --epochs 0 >"$tmp/out2" 2>"$tmp/err" && ok || bad "evaluating a saved model: $(cat "$tmp/err")"
grep -q "^Accuracy on test data: [0-9]* / 10000$" "$tmp/out2" && ok || bad "no test accuracy line: $(cat "$tmp/out2")"
grep -q "^loaded $tmp/model.json: 784 inputs -> dense(30, sigmoid) -> dense(10, sigmoid); cross-entropy cost; 23860 parameters\$" \
    "$tmp/out2" && ok || bad "--load's line: $(grep '^loaded' "$tmp/out2")" # 784*30+30 + 30*10+10 = 23860
"$bin" --load "$tmp/model.json" --epochs 0 --evaluate-on validation >"$tmp/out3" 2>"$tmp/err" ||
    bad "--evaluate-on validation: $(cat "$tmp/err")"
[ -n "$last" ] && [ "$(accuracy_of "$tmp/out3" validation)" = "$last" ] && ok ||
    bad "--load --epochs 0 --evaluate-on validation: $(grep Accuracy "$tmp/out3"), the run's last epoch: $last"
"$bin" --load="$tmp/model.json" --epochs=0 --evaluate-on=validation >"$tmp/out4" 2>"$tmp/err"
cmp -s "$tmp/out3" "$tmp/out4" && ok || bad "--name=value differs from --name value: $(cat "$tmp/out4" "$tmp/err")"
# --epochs 0 --save writes the net as loaded: the same file, byte for byte.
"$bin" --load "$tmp/model.json" --epochs 0 --save "$tmp/copy.json" >"$tmp/out" 2>"$tmp/err" &&
    cmp -s "$tmp/model.json" "$tmp/copy.json" && grep -q "^saved $tmp/copy.json (network2.py JSON): the net as loaded" \
    "$tmp/out" && ok || bad "--epochs 0 --save: $(cat "$tmp/out" "$tmp/err")"

# --load reads network2.py's files and nnd's alike (the content tells them
# apart). A [784, 10] net of zero weights and biases gives every class the
# same score, 0.5, and so answers class 0 for every image: its accuracy is
# the number of zeros among the test labels, counted here from the IDX
# bytes. An nnd net that is not network2's (softmax) is refused.
zeros() { # N: N zeros, comma-separated
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; ++i) printf "%s0.0", i ? ", " : "" }'
}
printf '{"sizes": [784, 10], "weights": [[' >"$tmp/zero2.json"
for j in 0 1 2 3 4 5 6 7 8 9; do printf '%s[%s]' "$([ $j = 0 ] || echo ', ')" "$(zeros 784)"; done >>"$tmp/zero2.json"
printf ']], "biases": [[[0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0]]], "cost": "CrossEntropyCost"}\n' \
    >>"$tmp/zero2.json"
nnd_zero() { # ACTIVATION COST: a one-layer nnd file of zeros
    printf '{"format": "nnd", "version": 1, "input": [784, 1, 1], "cost": "%s", "layers": [{"type": "dense", ' "$2"
    printf '"activation": "%s", "neurons": 10, "p_dropout": 0.0, "weights": [%s], "biases": [%s]}]}\n' "$1" \
        "$(zeros 7840)" "$(zeros 10)"
}
nnd_zero sigmoid cross_entropy >"$tmp/zero_nnd.json"
nnd_zero softmax log_likelihood >"$tmp/zero_softmax.json"
test_zeros=$(tail -c +9 data/mnist/t10k-labels-idx1-ubyte | od -An -v -tu1 | tr -s ' ' '\n' | grep -cx 0)
for f in zero2 zero_nnd; do
    "$bin" --load "$tmp/$f.json" --epochs 0 >"$tmp/out" 2>&1
    grep -q "^loaded $tmp/$f.json: 784 inputs -> dense(10, sigmoid); cross-entropy cost; 7850 parameters\$" "$tmp/out" &&
        [ "$(accuracy_of "$tmp/out" test)" = "$test_zeros" ] && ok ||
        bad "--load $f.json: $(cat "$tmp/out"), expected $test_zeros (the zeros among the test labels)"
done
expect_error 1 "not a network2 net (dense sigmoid layers" -- --load "$tmp/zero_softmax.json" --epochs 0

# --save-best keeps the net of the best epoch, --save the last one. Early
# stopping after one epoch without a better accuracy makes the last epoch
# no better than the best; the best file scores the 'Best accuracy' line,
# the last one the last epoch's line, and they are different nets.
"$bin" --train-size 1000 --epochs 30 --early-stopping 1 --threads 1 --save "$tmp/last.json" \
    --save-best "$tmp/best.json" >"$tmp/runb" 2>"$tmp/err" || bad "--save-best run: $(cat "$tmp/err")"
best_epoch=$(sed -n 's/^Best accuracy on validation data: .* at epoch \([0-9]*\)$/\1/p' "$tmp/runb")
last_epoch=$(sed -n 's/^Epoch \([0-9]*\) training complete.*/\1/p' "$tmp/runb" | tail -1)
best=$(sed -n 's/^Best accuracy on validation data: \([0-9]*\) .*/\1/p' "$tmp/runb")
if [ -n "$best_epoch" ] && [ -n "$last_epoch" ] && [ "$best_epoch" -lt "$last_epoch" ] &&
    grep -q "^Early stopping: no better evaluation accuracy in the last 1 epoch$" "$tmp/runb"; then ok
else bad "--save-best run: not stopped early after its best epoch ($best_epoch, last $last_epoch)"; fi
grep -q "^saved $tmp/best.json (network2.py JSON): the net of epoch $best_epoch, the best accuracy on validation data, $best / 10000\$" \
    "$tmp/runb" && ok || bad "--save-best's line: $(grep '^saved' "$tmp/runb")"
"$bin" --load "$tmp/best.json" --epochs 0 --evaluate-on validation >"$tmp/out" 2>&1
[ "$(accuracy_of "$tmp/out" validation)" = "$best" ] && ok || bad "--save-best's net scores $(cat "$tmp/out"), best $best"
"$bin" --load "$tmp/last.json" --epochs 0 --evaluate-on validation >"$tmp/out" 2>&1
[ "$(accuracy_of "$tmp/out" validation)" = "$(accuracy_of "$tmp/runb" evaluation)" ] && ok ||
    bad "--save's net scores $(cat "$tmp/out"), not the last epoch's $(accuracy_of "$tmp/runb" evaluation)"
cmp -s "$tmp/best.json" "$tmp/last.json" && bad "--save-best wrote the last epoch's net" || ok
# --export-onnx writes the net --save writes: after training, and as
# loaded with --epochs 0 (the same bytes); an ONNX file given to --load is
# named for what it is. (tests/test_onnx.sh runs such models in ONNX Runtime.)
rm -f "$tmp/n2.onnx" "$tmp/n2_loaded.onnx"
"$bin" --train-size 300 --epochs 1 --threads 1 --save "$tmp/n2.json" --export-onnx "$tmp/n2.onnx" >"$tmp/runx" 2>&1
grep -q "^saved $tmp/n2.onnx (ONNX, opset 13, input \[N, 784\], output \[N, 10\]): the net after the last epoch, 0$" \
    "$tmp/runx" && ok || bad "--export-onnx after training: $(grep -i onnx "$tmp/runx")"
run_bin --load "$tmp/n2.json" --epochs 0 --export-onnx "$tmp/n2_loaded.onnx"
[ "$rc" -eq 0 ] && grep -q "^saved $tmp/n2_loaded.onnx (ONNX.*): the net as loaded$" "$tmp/out" &&
    cmp -s "$tmp/n2.onnx" "$tmp/n2_loaded.onnx" && ok ||
    bad "--load --epochs 0 --export-onnx: exit $rc, $(cat "$tmp/out" "$tmp/err"), same file: $(cmp "$tmp/n2.onnx" "$tmp/n2_loaded.onnx" 2>&1)"
expect_error 1 "this is an ONNX model" -- --load "$tmp/n2.onnx" --epochs 0

# "1 epoch", never "1 epochs", in what a run prints.
"$bin" --train-size 200 --epochs 1 --threads 1 --save "$tmp/one.json" >"$tmp/runo" 2>&1
grep -q "(1 epoch of training)" "$tmp/runo" && ok || bad "no '(1 epoch of training)': $(cat "$tmp/runo")"
cat "$tmp/runo" "$tmp/runb" | grep -qE '(^|[^0-9])1 epochs' && bad "'1 epochs' in a run's output" || ok

# On a terminal (script(1) gives the run one) a build whose nnd.h calls
# back after each mini-batch draws the progress line; other builds say in
# --help that they cannot.
"$bin" --help >"$tmp/help" || bad "--help failed"
if grep -q "^The progress line: in this build" "$tmp/help" && command -v script >/dev/null 2>&1; then
    script -qec "NND_PROGRESS_AFTER=0 $bin --train-size 2000 --epochs 1 --threads 1" /dev/null >"$tmp/tty" 2>&1
    # the line is erased ("\r", blanks, "\r") before the epoch's own lines
    grep -q "epoch 0: 2000 images trained" "$tmp/tty" && grep -q "$(printf '\r') *$(printf '\r')Epoch 0 training complete" \
        "$tmp/tty" && ok ||
        bad "no progress line on a terminal: $(cat -A "$tmp/tty" | head -5)"
else
    grep -q "^The progress line: not in this build" "$tmp/help" && ok || bad "--help does not say whether it draws progress"
fi

for flag in --data --sizes --cost --init --epochs --mini-batch --eta --lambda --l1 --train-size --seed \
    --evaluate-on --monitor-evaluation-accuracy --monitor-evaluation-cost --monitor-training-accuracy \
    --monitor-training-cost --save --save-best --export-onnx --load --plot-data --dense --threads; do
    grep -q -- "$flag" "$tmp/help" || bad "--help does not document $flag"
done
ok
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
