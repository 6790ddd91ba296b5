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

# expect_line LINE -- ARGS: exit status 2 and exactly LINE on stderr.
expect_line() {
    line=$1
    shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then bad "$*: exit $rc, expected 2"; return; fi
    if [ "$(cat "$tmp/err")" != "$line" ]; then bad "$*: stderr '$(cat "$tmp/err")', expected '$line'"; return; fi
    ok
}

# expect_refusal FLAG WORDS -- ARGS: FLAG refused: exit 2 and one stderr
# line "network3: FLAG: ..." containing WORDS.
expect_refusal() {
    flag=$1 words=$2
    shift 3
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then bad "$* ($flag): exit $rc, expected 2"; return; fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q -e "^network3: $flag: .*$words" "$tmp/err"; then
        bad "$*: expected 'network3: $flag: ...$words...', got: $(cat "$tmp/err")"
        return
    fi
    ok
}

expect_refusal --preset "required, or --load FILE" --
expect_error "--preset: expected shallow, conv, " -- --preset lenet
expect_error "--threads" -- --preset conv --threads 0
expect_error "--nets" -- --preset ensemble --nets 0
expect_error "--epochs" -- --preset conv --epochs -1
expect_error "unknown option" -- --preset conv --bogus
expect_error "needs --save" -- --preset ensemble --resume
expect_refusal --resume "excludes --load" -- --preset conv --resume --save "$tmp/x.json" --load "$tmp/x.json"
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
expect_error "does not exist" -- --preset conv --save-best "$tmp/nowhere/b.json"

# --threads above 1 in a build without OpenMP is refused (it would run on
# one thread); with OpenMP the run gets to reading --load's file.
"$bin" --preset conv --threads 2 --load "$tmp/none.json" --epochs 0 >"$tmp/out" 2>"$tmp/err"
if [ "$(cat "$tmp/err")" = "network3: --threads: this build has no OpenMP and runs on one thread (build with -fopenmp)" ]
then threads=1; ok
elif grep -q "none.json: cannot open" "$tmp/err"; then threads=2; ok
else threads=1; bad "--threads 2: $(cat "$tmp/err")"; fi

# One format for every option error, as build/network2's: "network3:
# --name: expected X, got 'V'", with --name=value as well as --name value;
# the nearest option or value for a near miss; a second value of an option
# is refused, not a silent override.
expect_line "network3: --eta: expected a positive number up to 1e6, got 'x'" -- --preset conv --eta=x
expect_line "network3: --epochs: expected an integer 0..1000000, got '1.5'" -- --preset conv --epochs 1.5
expect_line "network3: --epoch: unknown option; did you mean --epochs?" -- --preset conv --epoch 3
expect_line "network3: --preset: expected shallow, conv, omit-fc, conv2, conv2-relu, expanded, expanded-fc, dropout or ensemble, got 'conv-relu'; did you mean conv2-relu?" \
    -- --preset conv-relu
expect_line "network3: --seed: given twice ('1', then '2')" -- --preset conv --seed 1 --seed=2
expect_line "network3: --shuffle: takes no value, got 'yes'" -- --preset conv --shuffle=yes
expect_line "network3: --save: expected a file name, got the option '--epochs'" -- --preset conv --save --epochs 1
expect_line "network3: --seed: expected an integer >= 0, got '1e3'" -- --preset conv --seed 1e3

# An option that cannot apply to the run is refused, never ignored (before
# any file is read: none.json does not exist).
for f in "--eta 1" "--lambda 1" "--mini-batch 5" --shuffle "--train-size 100" --no-eval "--plot-data $tmp/p" \
    "--save-best $tmp/b" "--checkpoint $tmp/ck0"; do
    # shellcheck disable=SC2086
    expect_refusal "${f%% *}" "nothing is trained with --epochs 0" -- --preset conv --epochs 0 $f
done
expect_refusal --fan-in "nothing is initialised" -- --load "$tmp/none.json" --fan-in
expect_refusal --load "the ensemble trains" -- --preset ensemble --load "$tmp/none.json"
expect_refusal --epochs "needs --eta" -- --load "$tmp/none.json" --epochs 2
expect_refusal --seed "nothing is random" -- --load "$tmp/none.json" --seed 3
expect_refusal --save-best "with --no-eval" -- --preset conv --no-eval --save-best "$tmp/b"
expect_refusal --plot-data "with --no-eval" -- --preset conv --no-eval --plot-data "$tmp/p"
expect_refusal --no-eval "the ensemble's vote" -- --preset ensemble --no-eval
expect_refusal --nets "only --preset ensemble" -- --preset conv --nets 3
expect_refusal --net "only --preset ensemble" -- --preset conv --net 0
expect_refusal --errors-png "only --preset ensemble votes" -- --preset conv --errors-png "$tmp/e.png"
expect_refusal --errors-png "with --net K" -- --preset ensemble --net 1 --errors-png "$tmp/e.png"
for f in "--epochs 3" "--eta 1" "--seed 2" "--threads 1" --shuffle "--save $tmp/s" "--predictions $tmp/p" \
    "--filters-png $tmp/f.png" "--nets 2" "--export-onnx $tmp/m.onnx"; do
    # shellcheck disable=SC2086
    expect_refusal "${f%% *}" "--vote trains and runs no net" -- --preset ensemble --vote "$tmp/a,$tmp/b" $f
done
expect_refusal --vote "goes with --preset ensemble only" -- --preset conv --vote "$tmp/a"
expect_refusal --filters-png "not convolutional" -- --preset shallow --filters-png "$tmp/f.png"
expect_refusal --stop-after "expected fewer epochs than the run's 60, got 60" -- --preset conv --checkpoint "$tmp/ck" \
    --stop-after 60
expect_refusal --save-best "'$tmp/same' is also the file of --save" -- --preset conv --save "$tmp/same" \
    --save-best "$tmp/same"
expect_refusal --predictions "is also the file of --plot-data" -- --preset conv --plot-data "$tmp/same" \
    --predictions "$tmp/same"
expect_refusal --export-onnx "is also the file of --save" -- --preset conv --save "$tmp/same" \
    --export-onnx "$tmp/same"

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

net_opts="--preset ensemble --data $small --train-size 40 --epochs 1 --nets 2 --threads 1"
ens="$net_opts --save $tmp/ens.json --errors-png $tmp/errors.png --filters-png $tmp/filters.png"
# shellcheck disable=SC2086
# (NND_PROGRESS_AFTER=0 would draw the progress line from the first batch
# on a terminal: this log has none, no carriage return.)
# shellcheck disable=SC2086
NND_PROGRESS_AFTER=0 "$bin" $ens --plot-data "$tmp/ens.dat" >"$tmp/run1" 2>&1 ||
    bad "ensemble run: exit $?: $(tail -3 "$tmp/run1")"
vote=$(grep '^Accuracy is' "$tmp/run1")
[ -n "$vote" ] && ok || bad "ensemble run: no 'Accuracy is' line"
[ "$(tr -cd '\r' <"$tmp/run1" | wc -c)" -eq 0 ] && ok || bad "a carriage return (a progress line) in a log"
for f in ens.json.0 ens.json.1 errors.png filters.png ens.dat.0 ens.dat.1; do
    [ -s "$tmp/$f" ] && ok || bad "ensemble run did not write $f"
done
# --export-onnx: a model per net of an ensemble (FILE.k), the same bytes
# when --resume loads the saved nets, and from --load without --preset; an
# ONNX file given to --load is named for what it is
rm -f "$tmp"/ens.onnx* "$tmp"/one.onnx
# shellcheck disable=SC2086
"$bin" $ens --resume --export-onnx "$tmp/ens.onnx" >"$tmp/runx" 2>&1 || bad "--resume --export-onnx: exit $?"
[ "$(grep -c "^saved $tmp/ens.onnx.[01] (ONNX, opset 13, input \[N, 784\], output \[N, 10\]): the net of the file --resume found" \
    "$tmp/runx")" -eq 2 ] && [ -s "$tmp/ens.onnx.0" ] && [ -s "$tmp/ens.onnx.1" ] && ok ||
    bad "--resume --export-onnx: $(grep -i onnx "$tmp/runx")"
"$bin" --load "$tmp/ens.json.1" --data "$small" --epochs 0 --export-onnx "$tmp/one.onnx" >"$tmp/runl" 2>&1 &&
    grep -q "^saved $tmp/one.onnx (ONNX.*): the net as loaded" "$tmp/runl" && cmp -s "$tmp/one.onnx" "$tmp/ens.onnx.1" &&
    ok || bad "--load --epochs 0 --export-onnx: $(tail -2 "$tmp/runl"), $(cmp "$tmp/one.onnx" "$tmp/ens.onnx.1" 2>&1)"
expect_error "this is an ONNX model" -- --load "$tmp/one.onnx" --data "$small" --epochs 0

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
"$bin" $net_opts --net 1 --save "$tmp/alone.json" >"$tmp/runn" 2>&1 || bad "--net 1: exit $?"
[ "$(grep -c '^Epoch 0' "$tmp/runn")" -eq 1 ] && ok || bad "--net 1: not exactly one net trained"
grep -q '^Accuracy is' "$tmp/runn" && bad "--net 1 voted" || ok
cmp -s "$tmp/ens.json.1" "$tmp/alone.json.1" && ok || bad "--net 1: the net differs from net 1 of the whole run"
head -300 "$tmp/pred.1" >"$tmp/pred.cut"
expect_error "fewer predictions" -- --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/pred.cut"
sed '5s/.*/12/' "$tmp/pred.1" >"$tmp/pred.bad"
expect_error "not a class" -- --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/pred.bad"
expect_error "cannot read" -- --preset ensemble --data "$small" --vote "$tmp/pred.0,$tmp/nothing"
expect_error "below --nets" -- --preset ensemble --nets 2 --net 2
expect_refusal --vote "goes with --preset ensemble only" -- --preset conv --vote "$tmp/pred.0"

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
drop="--preset dropout --data $small --train-size 40 --epochs 3 --threads $threads"
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

# --save-best keeps the net of the best validation epoch (network3's rule:
# the last of equal ones), --save the last. This short run on 100 images
# peaks before its last epoch; the best file scores the summary's best
# validation accuracy, the last one the last epoch's, and they differ.
sb="--preset shallow --data $small --train-size 100 --eta 3 --epochs 8 --threads 1"
# shellcheck disable=SC2086
"$bin" $sb --save "$tmp/sb_last.json" --save-best "$tmp/sb_best.json" >"$tmp/runsb" 2>&1 || bad "--save-best run: exit $?"
best_epoch=$(awk '/^Epoch/ { e = $2 } /^This is the best/ { b = e } END { sub(":", "", b); print b }' "$tmp/runsb")
last_epoch=$(awk '/^Epoch/ { e = $2 } END { sub(":", "", e); print e }' "$tmp/runsb")
best=$(sed -n 's/^Best validation accuracy of \([0-9.]*\)%.*/\1/p' "$tmp/runsb")
last=$(sed -n 's/^Epoch [0-9]*: validation accuracy \([0-9.]*\)%.*/\1/p' "$tmp/runsb" | tail -1)
[ -n "$best_epoch" ] && [ -n "$last_epoch" ] && [ "$best_epoch" -lt "$last_epoch" ] && ok ||
    bad "--save-best run: its best epoch ($best_epoch) is not before its last ($last_epoch): no test of --save-best"
grep -q "^saved $tmp/sb_best.json: the net of epoch $best_epoch, the best validation accuracy ($best%)\$" "$tmp/runsb" &&
    ok || bad "--save-best's line: $(grep '^saved' "$tmp/runsb")"
grep -q "^saved $tmp/sb_last.json: the net after the last epoch, $last_epoch\$" "$tmp/runsb" && ok ||
    bad "--save's line: $(grep '^saved' "$tmp/runsb")"
"$bin" --load "$tmp/sb_best.json" --data "$small" >"$tmp/out" 2>&1
grep -q "^validation accuracy $best%\$" "$tmp/out" && ok || bad "--save-best's net: $(cat "$tmp/out"), best $best%"
"$bin" --load "$tmp/sb_last.json" --data "$small" >"$tmp/loaded" 2>&1
grep -q "^validation accuracy $last%\$" "$tmp/loaded" && ok || bad "--save's net: $(cat "$tmp/loaded"), last $last%"
cmp -s "$tmp/sb_best.json" "$tmp/sb_last.json" && bad "--save-best wrote the last epoch's net" || ok
# The same run in two parts through a checkpoint keeps the same best net.
for part in 1 2; do
    # shellcheck disable=SC2086
    "$bin" $sb --checkpoint "$tmp/sbck" --stop-after 4 --save-best "$tmp/sbk_best.json" >"$tmp/sbk$part" 2>&1 ||
        bad "--save-best with --checkpoint, part $part: exit $?"
done
cmp -s "$tmp/sb_best.json" "$tmp/sbk_best.json" && grep -q "the net of epoch $best_epoch, the best" "$tmp/sbk2" && ok ||
    bad "--save-best with --checkpoint: another net than the uninterrupted run's: $(tail -2 "$tmp/sbk2")"

# --load needs no --preset: the file says what the net is, and the run
# prints its layers (784*100+100 + 100*10+10 = 79510 parameters), not a
# preset's name; --name=value reads as --name value.
grep -q "^loaded $tmp/sb_last.json: 784 inputs -> dense(100, sigmoid) -> softmax(10); log-likelihood cost; 79510 parameters\$" \
    "$tmp/loaded" && ok || bad "--load's line: $(head -1 "$tmp/loaded")"
grep -qi "preset" "$tmp/loaded" && bad "--load without --preset names a preset: $(cat "$tmp/loaded")" || ok
"$bin" --load="$tmp/sb_last.json" --data="$small" >"$tmp/out" 2>&1
cmp -s "$tmp/loaded" "$tmp/out" && ok || bad "--name=value differs from --name value: $(cat "$tmp/out")"
# with --preset the file must be that preset's net; a loaded net without
# dropout has nothing --seed could seed; it has no filters to draw.
expect_error "is not a net of preset conv: it is 784 inputs -> dense(100" -- --preset conv --load "$tmp/sb_last.json" \
    --data "$small"
expect_refusal --seed "nothing is random" -- --load "$tmp/sb_last.json" --data "$small" --epochs 1 --eta 0.1 --seed 2
expect_refusal --filters-png "not convolutional" -- --load "$tmp/sb_last.json" --data "$small" \
    --filters-png "$tmp/f.png"
# A --load net trains with --epochs and --eta; "1 epoch", never "1 epochs".
"$bin" --load "$tmp/sb_last.json" --data "$small" --epochs 1 --eta 0.1 --train-size 100 --threads 1 \
    --save "$tmp/one.json" --predictions "$tmp/one.pred" >"$tmp/runo" 2>&1 || bad "training a --load net: exit $?"
grep -q "^training: 1 epoch, mini-batch 10, eta 0.1, lambda 0, 100 training images\$" "$tmp/runo" && ok ||
    bad "no 'training: 1 epoch' line: $(cat "$tmp/runo")"
cat "$tmp/runo" "$tmp/one.pred" "$tmp/run1" "$tmp/runsb" | grep -qE '(^|[^0-9])1 epochs' &&
    bad "'1 epochs' in a run's output" || ok
# network2.py's format loads too: a [784, 10] net of zero weights and biases
# gives every class the same score, 0.5, so it answers class 0 for every
# image - its accuracy is the share of zeros among the validation labels
# (images 10000..19999 of the small set), counted here from the IDX bytes.
awk 'BEGIN { printf "{\"sizes\": [784, 10], \"weights\": [["; for (j = 0; j < 10; ++j) { printf "%s[", j ? ", " : "";
    for (k = 0; k < 784; ++k) printf "%s0.0", k ? ", " : ""; printf "]" }
    printf "]], \"biases\": [["; for (j = 0; j < 10; ++j) printf "%s[0.0]", j ? ", " : "";
    printf "]], \"cost\": \"CrossEntropyCost\"}\n" }' >"$tmp/zero2.json"
zeros=$(tail -c 10000 "$small/train-labels-idx1-ubyte" | od -An -v -tu1 | tr -s ' ' '\n' | grep -cx 0)
expected=$(awk -v z="$zeros" 'BEGIN { printf "%.2f", 100 * z / 10000 }')
"$bin" --load "$tmp/zero2.json" --data "$small" >"$tmp/out" 2>&1
grep -q "^loaded $tmp/zero2.json: 784 inputs -> dense(10, sigmoid); cross-entropy cost; 7850 parameters\$" "$tmp/out" &&
    grep -q "^validation accuracy $expected%\$" "$tmp/out" && ok ||
    bad "a network2.py file: $(cat "$tmp/out"), expected validation accuracy $expected% ($zeros zeros)"

# On a terminal (script(1) gives the run one) a build whose nnd.h calls
# back after each mini-batch draws the progress line; other builds say in
# --help that they cannot.
"$bin" --help >"$tmp/help" || bad "--help failed"
if grep -q "^The progress line: in this build" "$tmp/help" && command -v script >/dev/null 2>&1; then
    script -qec "NND_PROGRESS_AFTER=0 $bin --preset shallow --data $small --train-size 500 --epochs 1 --threads 1" \
        /dev/null >"$tmp/tty" 2>&1
    grep -q "epoch 0: 500 images trained" "$tmp/tty" &&
        grep -q "$(printf '\r') *$(printf '\r')Epoch 0: validation accuracy" "$tmp/tty" && ok ||
        bad "no progress line on a terminal: $(cat -A "$tmp/tty" | head -5)"
else
    grep -q "^The progress line: not in this build" "$tmp/help" && ok || bad "--help does not say whether it draws progress"
fi

# A run that blows up while staying finite warns once, naming eta, saves its
# net and exits 3.
"$bin" --preset conv --data "$small" --train-size 200 --epochs 2 --eta 1e6 --threads 1 --save "$tmp/big.json" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "diverging.*eta 1e+06" "$tmp/err" &&
    [ -s "$tmp/big.json" ] && ok || bad "eta 1e6: exit $rc, stderr: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
