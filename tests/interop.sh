#!/bin/sh
# File compatibility with the book's own network2.py, both ways:
#   1. network2.py trains briefly and saves; nnd loads the file and computes
#      the same outputs (double build, |difference| < 1e-9) and the same
#      test accuracy;
#   2. build/network2 trains briefly and saves; network2.py loads the file and
#      computes the same outputs and accuracy.
# Needs NIELSEN_SRC (the directory holding the book's network2.py; we do not
# ship it) and a python3 with numpy. Without them it prints a SKIPPED: line
# (tests/run.sh shows it instead of counts) and counts nothing. Prints "N passed, N failed" like every test program.
set -u
B=build
tmp=$B/interop
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL interop: $*"; }

PY=""
for p in /usr/bin/python3 python3; do
    if command -v $p >/dev/null 2>&1 && $p -c "import numpy" 2>/dev/null; then PY=$p; break; fi
done
if [ -z "${NIELSEN_SRC:-}" ] || [ ! -f "${NIELSEN_SRC:-/nonexistent}/network2.py" ] || [ -z "$PY" ]; then
    echo "SKIPPED: set NIELSEN_SRC to the book's src/ directory (and install python3-numpy)"
    echo "0 passed, 0 failed"
    exit 0
fi
CC=${CC:-cc}
$CC -std=c99 -pedantic -Wall -Wextra -Werror -O2 -DNND_DOUBLE tests/interop_outputs.c \
    -o $B/interop_outputs -lm || { echo "FAIL interop: cannot build tests/interop_outputs.c"; echo "0 passed, 1 failed"; exit 1; }

# compare A B: the output lines agree to 1e-9 and the accuracy lines are equal
compare() {
    what=$1
    if awk 'NR == FNR { a[FNR] = $0; n = FNR; next }
            { if (!(FNR in a)) exit 1
              if ($1 == "Accuracy") { if ($0 != a[FNR]) exit 1; next }
              split(a[FNR], u, " ")
              for (i = 1; i <= NF; ++i) { d = u[i] - $i; if (d < 0) d = -d; if (d > 1e-9) exit 1 } }
            END { if (FNR != n) exit 1 }' "$tmp/a.out" "$tmp/b.out"; then ok
    else bad "$what"; diff "$tmp/a.out" "$tmp/b.out" | head -6; fi
}

# 1. saved by network2.py, loaded by nnd
if $PY examples/peers/network2_book.py train --epochs 1 --train-size 5000 --eta 0.5 \
        --save "$tmp/book.json" >/dev/null 2>"$tmp/err"; then
    $PY examples/peers/network2_book.py evaluate "$tmp/book.json" --outputs 20 >"$tmp/a.out" 2>>"$tmp/err"
    $B/interop_outputs "$tmp/book.json" data/mnist 20 >"$tmp/b.out" 2>>"$tmp/err"
    compare "a network2.py model loaded by nnd gives different outputs or accuracy"
    build/network2 --load "$tmp/book.json" --epochs 0 | grep "Accuracy on test" >"$tmp/c.out"
    if [ "$(cat "$tmp/c.out")" = "$(tail -1 "$tmp/a.out")" ]; then ok
    else bad "build/network2 --load: $(cat "$tmp/c.out") vs network2.py: $(tail -1 "$tmp/a.out")"; fi
else
    bad "network2.py could not train: $(tail -2 "$tmp/err")"
fi

# 2. saved by nnd, loaded by network2.py (quadratic cost, to cover both names)
if build/network2 --epochs 1 --train-size 5000 --cost quadratic --eta 3.0 --save "$tmp/nnd.json" \
        >/dev/null 2>"$tmp/err"; then
    $B/interop_outputs "$tmp/nnd.json" data/mnist 20 >"$tmp/a.out"
    $PY examples/peers/network2_book.py evaluate "$tmp/nnd.json" --outputs 20 >"$tmp/b.out" 2>>"$tmp/err"
    compare "an nnd model loaded by network2.py gives different outputs or accuracy"
else
    bad "build/network2 could not train: $(tail -2 "$tmp/err")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
