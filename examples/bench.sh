#!/bin/sh
# make bench: seconds per training epoch of the book's [784,30,10] network
# (cross-entropy, lambda 5, 50,000 MNIST images) at mini-batch 10 and 100, for
# nnd and, measured in the same run, PyTorch on the CPU (our twin script,
# examples/peers/network2_torch.py, one thread, OPENBLAS_NUM_THREADS=1 - its
# fastest setting here) and the book's numpy network2.py when NIELSEN_SRC
# points at its src/ directory. Missing peers are reported and skipped.
set -u
B=build
OPT=${OPT:--O3 -march=native -ffp-contract=fast}
CC=${CC:-cc}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else print "-" }'; }

$CC -std=c99 -pedantic -Wall -Wextra -Werror $OPT examples/bench_network2.c -o $B/bench_network2 -lm || exit 1
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "compiler: $($CC --version | head -1); flags: -std=c99 $OPT"
roof=""
if [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ]; then
    if $CC -O2 examples/bench_roof.c -o $B/bench_roof -lopenblas 2>/dev/null; then
        roof=$(OPENBLAS_NUM_THREADS=1 $B/bench_roof | field gflops)
        echo "practical FP32 roof (OpenBLAS sgemm 2048^3, 1 thread): $roof GFLOP/s"
    fi
fi
[ -n "$roof" ] || echo "(no OpenBLAS: install libopenblas-dev to print the sgemm roof)"

PY=""
for p in /usr/bin/python3 python3; do
    if command -v $p >/dev/null 2>&1 && $p -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
NPY=""
for p in /usr/bin/python3 python3; do
    if command -v $p >/dev/null 2>&1 && $p -c "import numpy" 2>/dev/null; then NPY=$p; break; fi
done

printf '\n%-12s %-34s %10s %12s %12s %10s\n' "mini-batch" "program" "s/epoch" "GFLOP/s*" "vs PyTorch" "vs numpy"
for m in 10 100; do
    nnd=$($B/bench_network2 --mini-batch $m --epochs 8)
    t_nnd=$(echo "$nnd" | field seconds_per_epoch)
    g_nnd=$(echo "$nnd" | field gflops_dense)
    g_exec=$(echo "$nnd" | field gflops_executed)
    rss=$(echo "$nnd" | field peak_rss_mib)
    dense=$($B/bench_network2 --mini-batch $m --epochs 4 --dense)
    t_dense=$(echo "$dense" | field seconds_per_epoch)
    g_dense=$(echo "$dense" | field gflops_dense)
    t_torch=""
    if [ -n "$PY" ]; then
        t_torch=$(OPENBLAS_NUM_THREADS=1 $PY examples/peers/network2_torch.py --mini-batch $m --epochs 3 \
            --threads 1 --lambda 5 | field seconds_per_epoch)
    fi
    t_np=""
    if [ -n "${NIELSEN_SRC:-}" ] && [ -n "$NPY" ] && [ "$m" = 10 ]; then
        t_np=$($NPY examples/peers/network2_book.py train --mini-batch $m --epochs 1 --lambda 5 2>/dev/null |
            field seconds_per_epoch)
    fi
    printf '%-12s %-34s %10s %12s %12s %10s\n' "$m" "nnd (sparse input layer)" "$t_nnd" \
        "$g_nnd ($g_exec)" "$(ratio "$t_torch" "$t_nnd")" "$(ratio "$t_np" "$t_nnd")"
    printf '%-12s %-34s %10s %12s %12s %10s\n' "$m" "nnd --dense (dense kernels only)" "$t_dense" \
        "$g_dense" "$(ratio "$t_torch" "$t_dense")" "$(ratio "$t_np" "$t_dense")"
    printf '%-12s %-34s %10s\n' "$m" "PyTorch CPU, 1 thread" "${t_torch:-skipped}"
    [ "$m" = 10 ] && printf '%-12s %-34s %10s\n' "$m" "network2.py (numpy)" \
        "${t_np:-skipped}"
    echo "   (peak memory of the nnd run: $rss MiB)"
done
echo
echo "* GFLOP/s counts the dense network's multiply-adds (forward, weight gradients,"
echo "  deltas); in brackets, what the sparse input layer executes (nonzero pixels only)."
[ -n "$PY" ] || echo "PyTorch skipped: install python3-torch (make deps-bench does)."
[ -n "${NIELSEN_SRC:-}" ] || echo "network2.py skipped: set NIELSEN_SRC to the book's src/ directory."
