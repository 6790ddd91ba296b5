#!/bin/sh
# Checks of build/classify (examples/classify.c), the program that classifies
# a user's own digit images. A [784,30,10] network2 net trained for one epoch
# (network2.py JSON) and a one-epoch network3 "shallow" net (softmax output,
# nnd JSON) classify the first 200 MNIST test digits rendered as image files
# by tests/render_digits.c; the expected class of each is the one the net
# gives the original test image. Also: --save-28 reproduces an MNIST digit
# from its renderings (the conversion undoes polarity, transparency and
# enlargement), and bad files and options give one clear error line.
# Usage: sh tests/test_classify.sh [BUILD_DIR]   (needs BUILD_DIR/classify,
# network2, network3 and data/mnist). Prints "N passed, N failed".
set -u
B=${1:-build}
bin=$B/classify
tmp=$B/test_classify
img=$tmp/img
N=200
mkdir -p "$img"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_classify: $*"; }
finish() {
    echo "$pass passed, $fail failed"
    exit 0
}

# bound NAME MEASURED OP BOUND: MEASURED >= or <= BOUND, printed like
# check.h's bounds; a measurement that is not a number fails.
bound() {
    if awk -v m="$2" -v b="$4" -v k="$3" \
        'BEGIN { exit !(m ~ /^[0-9]+(\.[0-9]+)?$/ && (k == ">=" ? m + 0 >= b + 0 : m + 0 <= b + 0)) }'; then
        printf '%-34s measured %-10s expected %s %-8s PASS\n' "$1" "$2" "$3" "$4"
        ok
    else
        printf '%-34s measured %-10s expected %s %-8s FAIL\n' "$1" "$2" "$3" "$4"
        bad "$1: $2, expected $3 $4"
    fi
}

# tests/render_digits.c, built here (-O0: it compiles stb_image in
# a second; it runs in a tenth) unless it is newer than its sources.
if [ "$tmp/render_digits" -nt tests/render_digits.c ] && [ "$tmp/render_digits" -nt nnd.h ]; then :
elif ! ${CC:-cc} -std=c99 -pedantic -Wall -Wextra -Werror -O0 tests/render_digits.c -o "$tmp/render_digits" -lm \
    2>"$tmp/err"; then
    bad "cannot build tests/render_digits.c: $(head -5 "$tmp/err")"
    finish
fi

# The two models, under a second each.
if ! "$B/network2" --sizes 784,30,10 --epochs 1 --threads 1 --save "$tmp/net2.json" >"$tmp/out" 2>"$tmp/err"; then
    bad "network2 could not train the model: $(cat "$tmp/err")"
    finish
fi
if ! "$B/network3" --preset shallow --epochs 1 --threads 1 --save "$tmp/net3.json" \
    --predictions "$tmp/net3_predictions" >"$tmp/out" 2>"$tmp/err"; then
    bad "network3 could not train the model: $(cat "$tmp/err")"
    finish
fi

# Renderings and the network2 net's classes of the originals ("i label class").
if ! "$tmp/render_digits" render data/mnist "$tmp/net2.json" "$img" $N >"$tmp/net2_expected" 2>"$tmp/err"; then
    bad "render_digits failed: $(cat "$tmp/err")"
    finish
fi
# network3's own classes of the test images (line k+2 is image k), as "k - class".
awk 'NR > 1 { print NR - 2, "-", $1 }' "$tmp/net3_predictions" >"$tmp/net3_expected"

# files KIND EXT: the N renderings of a kind, in order.
files() {
    i=0
    while [ $i -lt $N ]; do
        printf '%s/%s_%d.%s\n' "$img" "$1" $i "$2"
        i=$((i + 1))
    done
}

# agree MODEL EXPECTED KIND EXT: how many of the N renderings classify gives
# the expected class (column 3 of EXPECTED, by index); classify's lines read
# "DIR/KIND_i.EXT: CLASS  top 3: ...". "failed" when classify failed.
agree() {
    if ! files "$3" "$4" | xargs "$bin" "$1" >"$tmp/classified" 2>"$tmp/err"; then
        echo "failed: $(head -3 "$tmp/err")" >&2
        echo failed
        return
    fi
    sed -n 's|^.*_\([0-9]*\)\.[a-z]*: \([0-9]*\)  top 3:.*$|\1 \2|p' "$tmp/classified" >"$tmp/got"
    awk 'NR == FNR { want[$1] = $3; next } ($1 in want) && want[$1] == $2 { n++ } END { print n + 0 }' \
        "$2" "$tmp/got"
}

# Every MNIST digit as it is (white on black, 28x28) is already in MNIST's
# form: the conversion changes no pixel by more than one level (checked
# below), so the class must stay. Measured 200 / 200 (network2 and network3).
bound "white-on-black 28x28, network2" "$(agree "$tmp/net2.json" "$tmp/net2_expected" wb28 png)" ">=" $N
bound "white-on-black 28x28, network3" "$(agree "$tmp/net3.json" "$tmp/net3_expected" wb28 png)" ">=" $N
# Black on white, enlarged to 64x64 (RGB PNG, and a grey JPEG of quality 90):
# the enlargement and the conversion's reduction blur the strokes, which
# moves a few digits the net was unsure of. The bound is the required 95 %.
# Measured 195 / 200 for both (the default seed; 193-198 for seeds 1-5 of
# the network2 net); network3's net: 197.
bound "black-on-white 64x64 PNG, network2" "$(agree "$tmp/net2.json" "$tmp/net2_expected" bw64 png)" ">=" 190
bound "black-on-white 64x64 JPEG, network2" "$(agree "$tmp/net2.json" "$tmp/net2_expected" bw64 jpg)" ">=" 190
bound "black-on-white 64x64 PNG, network3" "$(agree "$tmp/net3.json" "$tmp/net3_expected" bw64 png)" ">=" 190

# --save-28: the converted image of a digit's renderings against the digit's
# own bytes in the MNIST file. First 20 digits.
# diff_28 KIND EXT: "max M mean D" over the 20 converted images, or
# "failed" when classify failed on one.
diff_28() {
    i=0
    list=
    rm -f "$tmp"/s28_*.png
    while [ $i -lt 20 ]; do
        if ! "$bin" --save-28 "$tmp/s28_$i.png" "$tmp/net2.json" "$img/$1_$i.$2" >/dev/null 2>"$tmp/err"; then
            echo "classify failed on $img/$1_$i.$2: $(head -3 "$tmp/err")" >&2
            echo failed
            return
        fi
        list="$list $tmp/s28_$i.png"
        i=$((i + 1))
    done
    "$tmp/render_digits" diff data/mnist 0 $list
}
# The three 28x28 renderings - white on black, black on white, black ink on a
# transparent background - all convert to the MNIST digit itself, but for
# the stretch of the ink's maximum to 255 (MNIST's maxima are 254 or 255):
# at most one grey level. Measured: max 1 for each.
for kind in wb28 bw28 rgba28; do
    bound "--save-28 $kind: largest difference" "$(diff_28 $kind png | awk '{ print $2 }')" "<=" 1
done
# Grey ink on grey paper (paper 220, the ink 140 levels deep at most): the
# paper's level is subtracted and the ink stretched back to 255, which undoes
# the rendering but for its rounding, 255/140 levels at most. Measured: max 2
# (without the stretch 115, without the subtraction 255).
bound "--save-28 faint28: largest difference" "$(diff_28 faint28 png | awk '{ print $2 }')" "<=" 2
# The 64x64 rendering comes back blurred and up to a pixel off (MNIST centres
# by whole pixels): measured mean 7.74 grey levels over the 20 digits, against
# 5.5 for the enlargement and an exactly aligned reduction alone; the bound
# leaves room for rounding only. A digit scaled to 22 instead of 20 pixels
# measures 14.5, one centred on its box instead of its centre of mass 25.9,
# one half a pixel off centre 11.4.
bound "--save-28 bw64: mean difference" "$(diff_28 bw64 png | awk '{ print $4 }')" "<=" 8.0
# Area averaging, by hand: a one-pixel checkerboard filling a 40x40 box
# halves to uniform grey 127.5 (128 rounded), a 20x20 square placed at rows
# and columns 4..23 (its centre of mass at 13.5). Measured: identical
# (sampling the nearest pixel instead gives 255).
rm -f "$tmp/checker28.png"
"$tmp/render_digits" checker "$tmp/checker.png" "$tmp/checker_expected.png" &&
    "$bin" --save-28 "$tmp/checker28.png" "$tmp/net2.json" "$tmp/checker.png" >/dev/null 2>&1
bound "--save-28 checkerboard: largest difference" \
    "$("$tmp/render_digits" same "$tmp/checker28.png" "$tmp/checker_expected.png" | awk '{ print $2 }')" "<=" 0

# The scores' meaning is stated: activations for the sigmoid net, probabilities
# for the softmax one (which, for the top 3, sum to at most 1).
"$bin" "$tmp/net2.json" "$img/wb28_0.png" >"$tmp/out" 2>&1
grep -q "^scores: .*sigmoid activations - not probabilities" "$tmp/out" && ok ||
    bad "sigmoid net: no 'not probabilities' line: $(cat "$tmp/out")"
"$bin" "$tmp/net3.json" "$img/wb28_0.png" >"$tmp/out" 2>&1
grep -q "^scores: the probabilities of the classes (softmax" "$tmp/out" && ok ||
    bad "softmax net: no 'probabilities' line: $(cat "$tmp/out")"
sum=$(sed -n 's/^.*top 3: [0-9]* \([0-9.]*\), [0-9]* \([0-9.]*\), [0-9]* \([0-9.]*\)$/\1 \2 \3/p' "$tmp/out" |
    awk '{ print $1 + $2 + $3 }')
# Probabilities sum to 1 (to the printed 4 decimals): measured 0.9999 for
# digit 0, a 7 the net gives 0.9981.
bound "softmax top-3 scores: sum, at most" "$sum" "<=" 1.0002
bound "softmax top-3 scores: sum, at least" "$sum" ">=" 0.99

# --save-28=FILE is the same option.
rm -f "$tmp/eq.png"
"$bin" --save-28="$tmp/eq.png" "$tmp/net2.json" "$img/wb28_1.png" >/dev/null 2>&1 && [ -s "$tmp/eq.png" ] && ok ||
    bad "--save-28=FILE wrote nothing"

# expect_error CODE WORDS -- ARGS: exit status CODE, one stderr line with WORDS.
expect_error() {
    code=$1 words=$2
    shift 3
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$code" ]; then bad "$*: exit $rc, expected $code"; return; fi
    if grep -q "Sanitizer" "$tmp/err"; then bad "$*: sanitizer report"; return; fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then bad "$*: not one line on stderr: $(cat "$tmp/err")"; return; fi
    if ! grep -q -- "$words" "$tmp/err"; then bad "$*: stderr lacks '$words': $(cat "$tmp/err")"; return; fi
    ok
}
good=$img/wb28_0.png
printf 'not an image\n' >"$tmp/text.png"
printf 'P5\n8 8\n255\n' >"$tmp/white.pgm"
i=0
while [ $i -lt 64 ]; do printf '\377' >>"$tmp/white.pgm"; i=$((i + 1)); done
printf '{"sizes": [2, 1], "weights": [[[1.0, 2.0]]], "biases": [[[0.0]]], "cost": "QuadraticCost"}' >"$tmp/small.json"
printf '{"sizes": [784, 30, 10],\n "weights": [[[0.5, ' >"$tmp/truncated.json"
expect_error 2 "unknown option --bogus" -- --bogus "$tmp/net2.json" "$good"
expect_error 2 "needs a value" -- "$tmp/net2.json" "$good" --save-28
expect_error 2 "one IMAGE" -- --save-28 "$tmp/x.png" "$tmp/net2.json" "$good" "$good"
expect_error 1 "$tmp/missing.png: cannot read the image" -- "$tmp/net2.json" "$tmp/missing.png"
expect_error 1 "$tmp/text.png: cannot read the image" -- "$tmp/net2.json" "$tmp/text.png"
expect_error 1 "no digit found" -- "$tmp/net2.json" "$tmp/white.pgm"
expect_error 1 "has 2 inputs; a 28x28 image needs 784" -- "$tmp/small.json" "$good"
expect_error 1 "line 2" -- "$tmp/truncated.json" "$good"
expect_error 1 "cannot open" -- "$tmp/nowhere.json" "$good"
# A bad image does not stop the others: the good one is still classified.
"$bin" "$tmp/net2.json" "$tmp/missing.png" "$good" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "^$good: 7  top 3: 7 " "$tmp/out" && ok ||
    bad "a missing image before a good one: exit $rc, output $(cat "$tmp/out")"
# No image: the usage, exit 2.
"$bin" "$tmp/net2.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "^usage: classify" "$tmp/err" && ok || bad "no IMAGE: exit $rc"

finish
