#!/bin/sh
# Reproduce the book's network.py / network2.py results (chapters 1, 3, 5)
# with build/network2 and print them as the README's Markdown table rows:
# id | network and hyper-parameters | ours | book | command | wall time.
# "ours" is the best evaluation accuracy over the epochs, the number the book
# reads off its runs; one run with the book scripts' seed 12345678 unless the
# row says otherwise. Usage: sh examples/results_network2.sh [ID...]
set -u
bin=build/network2
[ -x $bin ] || { echo "build $bin first (make)" >&2; exit 1; }
only="$*"

now() { date +%s.%N; }
# run ID BOOK DESCRIPTION -- FLAGS...
run() {
    id=$1 book=$2 what=$3
    shift 4
    if [ -n "$only" ] && ! echo " $only " | grep -q " $id "; then return; fi
    t0=$(now)
    best=$($bin "$@" 2>/dev/null | sed -n 's/^Best accuracy.*(\([0-9.]*\)%).*/\1/p')
    t1=$(now)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f s", b - a }')
    printf '| %s | %s | %s %% | %s %% | `build/network2 %s` | %s |\n' "$id" "$what" "${best:-failed}" "$book" "$*" "$wall"
}
# spread ID BOOK DESCRIPTION SEEDS -- FLAGS...: min-max over several seeds
spread() {
    id=$1 book=$2 what=$3 seeds=$4
    shift 5
    if [ -n "$only" ] && ! echo " $only " | grep -q " $id "; then return; fi
    t0=$(now)
    vals=""
    for s in $seeds; do
        v=$($bin "$@" --seed "$s" 2>/dev/null | sed -n 's/^Best accuracy.*(\([0-9.]*\)%).*/\1/p')
        vals="$vals ${v:-nan}"
    done
    t1=$(now)
    range=$(echo "$vals" | awk '{ mn = $1; mx = $1; s = 0; for (i = 1; i <= NF; ++i) { if ($i < mn) mn = $i; if ($i > mx) mx = $i; s += $i }
                                 printf "%.2f-%.2f (mean %.2f)", mn, mx, s / NF }')
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f s", b - a }')
    printf '| %s | %s, seeds %s | %s %% | %s %% | `build/network2 %s --seed S` | %s |\n' "$id" "$what" "$(echo $seeds | tr ' ' ',')" "$range" "$book" "$*" "$wall"
}

echo "| id | network, hyper-parameters | ours | book | command | wall time |"
echo "|---|---|---|---|---|---|"
run R1-1 95.42 "[784,30,10] quadratic, N(0,1) init, η 3.0, 30 epochs, test" -- \
    --sizes 784,30,10 --cost quadratic --init large --eta 3.0 --epochs 30 --evaluate-on test
run R1-2 96.59 "[784,100,10] quadratic, N(0,1) init, η 3.0, 30 epochs, test" -- \
    --sizes 784,100,10 --cost quadratic --init large --eta 3.0 --epochs 30 --evaluate-on test
spread R1-2s 96.59 "R1-2" "1 2 3" -- \
    --sizes 784,100,10 --cost quadratic --init large --eta 3.0 --epochs 30 --evaluate-on test
run R3-1 95.49 "[784,30,10] cross-entropy, N(0,1) init, η 0.5, 30 epochs, test" -- \
    --sizes 784,30,10 --init large --eta 0.5 --epochs 30 --evaluate-on test
run R3-2 96.82 "[784,100,10] cross-entropy, N(0,1) init, η 0.5, 30 epochs, test" -- \
    --sizes 784,100,10 --init large --eta 0.5 --epochs 30 --evaluate-on test
run R3-6 96.49 "[784,30,10] cross-entropy, N(0,1) init, η 0.5, λ 5, 30 epochs, test" -- \
    --sizes 784,30,10 --init large --eta 0.5 --lambda 5.0 --epochs 30 --evaluate-on test
spread R3-6s 96.49 "R3-6" "1 2 3 4 5" -- \
    --sizes 784,30,10 --init large --eta 0.5 --lambda 5.0 --epochs 30 --evaluate-on test
run R3-7 97.92 "[784,100,10] cross-entropy, N(0,1) init, η 0.5, λ 5, 30 epochs, validation" -- \
    --sizes 784,100,10 --init large --eta 0.5 --lambda 5.0 --epochs 30
run R3-8 98.04 "[784,100,10] cross-entropy, N(0,1/n_in) init, η 0.1, λ 5, 60 epochs, validation" -- \
    --sizes 784,100,10 --eta 0.1 --lambda 5.0 --epochs 60
run R3-14 "≈10 (chance)" "[784,30,10] η 10, λ 1000, 30 epochs, validation" -- \
    --sizes 784,30,10 --eta 10 --lambda 1000 --epochs 30
run R5-1 96.48 "[784,30,10] N(0,1/n_in), η 0.1, λ 5, 30 epochs, validation" -- \
    --sizes 784,30,10 --eta 0.1 --lambda 5.0 --epochs 30
run R5-2 96.90 "[784,30,30,10] same" -- --sizes 784,30,30,10 --eta 0.1 --lambda 5.0 --epochs 30
run R5-3 96.57 "[784,30,30,30,10] same" -- --sizes 784,30,30,30,10 --eta 0.1 --lambda 5.0 --epochs 30
run R5-4 96.53 "[784,30,30,30,30,10] same" -- --sizes 784,30,30,30,30,10 --eta 0.1 --lambda 5.0 --epochs 30
