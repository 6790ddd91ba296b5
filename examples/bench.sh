#!/bin/sh
# make bench: seconds per training epoch of the book's [784,30,10] network
# (cross-entropy, lambda 5, 50,000 MNIST images) at mini-batch 10 and 100,
# for nnd (1 and 2 threads; sparse input layer, and dense kernels only) and,
# measured in the same run, the peers:
#   * PyTorch on the CPU (examples/peers/network2_torch.py): the usual
#     autograd + torch.optim.SGD form, and --manual, the same step written out
#     on tensors (no autograd), which is PyTorch's fastest form for a net this
#     small; OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1 or 2);
#   * the book's numpy network2.py when NIELSEN_SRC points at its src/ dir.
# Every time is the fastest of several epochs (this machine's timing noise is
# large); "vs best PyTorch" divides the fastest PyTorch variant's time by ours.
# Then the chapter 6 conv nets (examples/bench_network3.sh) when present, and
# the busy-machine rows (examples/bench_busy.sh).
set -u
B=build
OPT=${OPT:--O3 -march=native -ffp-contract=fast}
OMP=${OMP--fopenmp}
CC=${CC:-cc}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else print "-" }'; }
min() { awk 'BEGIN { m = "" } { for (i = 1; i <= NF; ++i) if ($i != "" && (m == "" || $i + 0 < m + 0)) m = $i } END { print m }'; }

mkdir -p $B
$CC -std=c99 -pedantic -Wall -Wextra -Werror $OPT $OMP examples/bench_network2.c -o $B/bench_network2 -lm || exit 1
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(grep -m1 -o 'avx512f' /proc/cpuinfo || grep -m1 -o 'avx2' /proc/cpuinfo)"
echo "compiler: $($CC --version | head -1); flags: -std=c99 $OPT $OMP"
roof=""
if [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ]; then
    if $CC -O2 examples/bench_roof.c -o $B/bench_roof -lopenblas 2>/dev/null; then
        roof=$(OPENBLAS_NUM_THREADS=1 $B/bench_roof | field gflops)
        echo "practical FP32 roof (OpenBLAS sgemm 2048^3, 1 thread): $roof GFLOP/s"
    fi
fi
[ -n "$roof" ] || echo "(no OpenBLAS: install libopenblas-dev to print the sgemm roof)"
# the BLAS behind PyTorch's and numpy's products (Debian's libblas.so.3 alternative)
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null)
echo "BLAS of PyTorch and numpy: ${blas:-unknown}"
case "$blas" in */blas/libblas.so.3) echo "  (the reference BLAS: the peers run slowly; make deps-bench installs OpenBLAS)" ;; esac

PY=""
for p in /usr/bin/python3 python3; do
    if command -v $p >/dev/null 2>&1 && $p -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
NPY=""
for p in /usr/bin/python3 python3; do
    if command -v $p >/dev/null 2>&1 && $p -c "import numpy" 2>/dev/null; then NPY=$p; break; fi
done
torch() { # torch MINIBATCH THREADS [--manual]
    OPENBLAS_NUM_THREADS=1 $PY examples/peers/network2_torch.py --mini-batch $1 --threads $2 \
        --epochs 3 --lambda 5 ${3:-} | field seconds_per_epoch
}
row() { printf '%-6s %-40s %9s %10s %16s %9s\n' "$@"; }

echo
row "batch" "program" "s/epoch" "GFLOP/s*" "vs best PyTorch" "vs numpy"
for m in 10 100; do
    nnd1=$($B/bench_network2 --mini-batch $m --epochs 8 --threads 1)
    nnd2=$($B/bench_network2 --mini-batch $m --epochs 8 --threads 2)
    dense=$($B/bench_network2 --mini-batch $m --epochs 4 --dense)
    t1=$(echo "$nnd1" | field seconds_per_epoch)
    t2=$(echo "$nnd2" | field seconds_per_epoch)
    td=$(echo "$dense" | field seconds_per_epoch)
    ta="" tm1="" tm2="" best=""
    if [ -n "$PY" ]; then
        ta=$(torch $m 1)
        tm1=$(torch $m 1 --manual)
        tm2=$(torch $m 2 --manual)
        best=$(echo "$ta $tm1 $tm2" | min)
    fi
    tnp=""
    if [ -n "${NIELSEN_SRC:-}" ] && [ -n "$NPY" ] && [ "$m" = 10 ]; then
        tnp=$($NPY examples/peers/network2_book.py train --mini-batch $m --epochs 1 --lambda 5 2>/dev/null |
            field seconds_per_epoch)
    fi
    row "$m" "nnd, 1 thread" "$t1" "$(echo "$nnd1" | field gflops_dense) ($(echo "$nnd1" | field gflops_executed))" \
        "$(ratio "$best" "$t1")" "$(ratio "$tnp" "$t1")"
    row "$m" "nnd, 2 threads" "$t2" "$(echo "$nnd2" | field gflops_dense)" "$(ratio "$best" "$t2")" "$(ratio "$tnp" "$t2")"
    row "$m" "nnd --dense (dense kernels only), 1 thr" "$td" "$(echo "$dense" | field gflops_dense)" \
        "$(ratio "$best" "$td")" "$(ratio "$tnp" "$td")"
    row "$m" "PyTorch autograd + optim.SGD, 1 thread" "${ta:-skipped}"
    row "$m" "PyTorch hand-written backprop, 1 thread" "${tm1:-skipped}"
    row "$m" "PyTorch hand-written backprop, 2 threads" "${tm2:-skipped}"
    [ "$m" = 10 ] && row "$m" "network2.py (numpy), the book's code" "${tnp:-skipped}"
    echo "       (peak memory of the nnd run: $(echo "$nnd1" | field peak_rss_mib) MiB)"
done
echo
echo "* GFLOP/s counts the dense network's multiply-adds (forward, weight gradients,"
echo "  deltas); in brackets, what the sparse input layer executes (nonzero pixels only)."
[ -n "$PY" ] || echo "PyTorch skipped: install python3-torch (make deps-bench does)."
[ -n "${NIELSEN_SRC:-}" ] || echo "network2.py skipped: set NIELSEN_SRC to the book's src/ directory."
if [ -f examples/bench_network3.sh ]; then
    echo
    sh examples/bench_network3.sh
fi
echo
sh examples/bench_busy.sh
