#!/bin/sh
# Runs every test program and exercise check, the build variants and the
# sanitizer runs, and adds up their "N passed, N failed" lines. Called by
# `make test` (which builds the unit tests and examples first). The last line
# of the output is the total, "N passed, N failed".
set -u
# The suite measures no speed: its threads sleep while they wait instead of
# spinning, so that a machine whose cores are busy slows it only in
# proportion (a spinning thread would hold the core the thread it waits for
# needs).
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export OMP_WAIT_POLICY
CC=${CC:-cc}
STRICT="-std=c99 -pedantic -Wall -Wextra -Werror"
# `sh tests/run.sh unit` (make check) runs only the unit tests, from
# $B (build/check: make check's -O1 builds).
MODE=${1:-all}
B=${B:-build}
T=$B/tests
[ "$MODE" = unit ] && T=$B
total_pass=0
total_fail=0
mkdir -p $B/variants $B/asan $B/exercises

# run NAME COMMAND...: run a program, show its FAIL lines and its summary,
# add its counts (a crash or a missing summary counts as one failure).
run() {
    name=$1
    shift
    "$@" >$B/last.out 2>&1
    rc=$?
    grep -E "^FAIL|FAIL$|Sanitizer|runtime error" $B/last.out | head -20
    line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" $B/last.out | tail -1)
    if [ -z "$line" ]; then
        echo "FAIL $name: exited with $rc and no summary line"
        tail -5 $B/last.out
        total_fail=$((total_fail + 1))
        return
    fi
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $name: exit status $rc"; fi
    skip=$(sed -n 's/^SKIPPED: //p' $B/last.out | head -1)
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ -n "$skip" ]; then
        printf '%-34s %s\n' "$name" "skipped: $skip"
        return
    fi
    printf '%-34s %s\n' "$name" "$p passed, $f failed"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

. tests/jobs.sh # JOBS, throttle and track: the compiles below run one per core

# variant NAME COMMAND...: one build-variant check (the command must succeed).
vpass=0
vfail=0
variant() {
    name=$1
    shift
    if "$@" >$B/variant.out 2>&1; then
        vpass=$((vpass + 1))
    else
        vfail=$((vfail + 1))
        echo "FAIL build variant: $name"
        head -20 $B/variant.out
    fi
}

echo "== unit tests (float and double)"
UNIT=${UNIT:-$(cd tests && ls test_*.c | sed 's/\.c$//' | grep -v -e '^test_mnist' -e '^test_reference$')}
SLOW=${SLOW:-$(cd tests && ls test_mnist*.c | sed 's/\.c$//')}
for t in $UNIT; do
    run "$t (float)" $T/$t
    run "$t (double)" $T/${t}_double
done
if [ "$MODE" = unit ]; then
    echo "$total_pass passed, $total_fail failed"
    [ "$total_fail" -eq 0 ]
    exit
fi
for t in $SLOW; do
    run "$t (real MNIST)" $B/tests/$t
done
run "test_cli (build/network2)" sh tests/test_cli.sh $B/network2
run "test_cli3 (build/network3)" sh tests/test_cli3.sh $B/network3
run "test_classify (build/classify)" sh tests/test_classify.sh $B
run "interop with network2.py" sh tests/interop.sh
run "ONNX models in ONNX Runtime (test_onnx)" sh tests/test_onnx.sh $B
grep -E "classes equal|^nnd_feedforward|--export-onnx:" $B/last.out | sed 's/^/    /' # what it measured
run "test_faults (saves that fail or are killed)" sh tests/test_faults.sh $B/network2 $B/network3
run "fuzz corpus and findings replayed" sh tests/fuzz/replay.sh
run "chapter map and section banners of nnd.h" sh tests/test_map.sh

echo "== the reference path (NND_REFERENCE, nnd.h section 5)"
# test_reference's default build saves its numbers; its NND_REFERENCE build
# recomputes them with the plain loops and checks them. The gradient checks
# REF_CHECKS must pass on the reference build alone.
REF_CHECKS=${REF_CHECKS:-test_gradients test_layers test_kernels}
for d in "" _double; do # (not p: run sets it)
    r=float
    [ -n "$d" ] && r=double
    run "test_reference ($r, writes)" $B/tests/test_reference$d --write $B/reference$d.txt
    run "test_reference_ref ($r, checks)" $B/tests/test_reference_ref$d --compare $B/reference$d.txt
    for t in $REF_CHECKS; do
        run "${t}_ref ($r)" $B/tests/${t}_ref$d
    done
done
# Neither the vector width (nnd.h section 2, nnd__vec) nor the register blocks
# (NND__NV4) nor the cache share (NND__L2_BYTES: at 1 KB every dense layer
# above the first is large, and takes its weight gradient inside its step)
# changes a number: test_reference built with 32- and 64-byte vectors, and
# with a 1 KB share and two or three vectors a block, writes the same file
# four times. (Its nets are too small for a second thread: the split layer's
# bits are checked by test_kernels and test_mnist_conv, at 1 to 3 threads.)
ref_variant() { # NAME FLAGS...: build test_reference with FLAGS, write $B/reference_NAME.txt
    n=$1
    shift
    rm -f $B/reference_$n.txt
    throttle
    ($CC $STRICT ${OPT:--O3 -march=native -ffp-contract=fast} ${OMP-} "$@" tests/test_reference.c \
        -o $B/tests/test_reference_$n -lm >$B/tests/test_reference_$n.out 2>&1 &&
        $B/tests/test_reference_$n --write $B/reference_$n.txt >>$B/tests/test_reference_$n.out 2>&1) &
    track $!
}
ref_variant w32 -DNND__VBYTES=32
ref_variant w64 -DNND__VBYTES=64
ref_variant nv2 -DNND__L2_BYTES=1024.0 -DNND__NV4=2
ref_variant nv3 -DNND__L2_BYTES=1024.0 -DNND__NV4=3
wait
run "test_reference with 32- and 64-byte vectors, a 1 KB cache share and 2 or 3 vectors a block writes the same numbers" sh -c \
    "if cmp $B/reference_w32.txt $B/reference_w64.txt && cmp $B/reference_w32.txt $B/reference_nv2.txt &&
        cmp $B/reference_w32.txt $B/reference_nv3.txt; then echo '1 passed, 0 failed';
     else echo 'FAIL: other numbers (or no build: $B/tests/test_reference_*.out)'; echo '0 passed, 1 failed'; fi"

echo "== build variants"
# Every source compiles clean with both compilers, float and double: these
# compiles run $JOBS at a time, each into its own object. (The unit tests'
# gcc builds are the sanitizer builds below, with the same warnings.)
n=0
rm -f $B/variants/c_*
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || { echo "($cc not installed: its variants are skipped)"; continue; }
    for prec in "" -DNND_DOUBLE; do
        for src in tests/test_*.c examples/*.c exercises/*.c; do
            [ -f "$src" ] || continue
            case "$cc $src" in "gcc tests/test_"*) continue ;; esac
            n=$((n + 1))
            echo "$cc $prec $src" >$B/variants/c_$n.name
            throttle
            ($cc $STRICT $prec -O1 -c "$src" -o $B/variants/c_$n.o >$B/variants/c_$n.out 2>&1
             echo $? >$B/variants/c_$n.rc) &
            track $!
        done
        [ $cc = gcc ] && continue # (gcc: the sanitizer builds below take the reference path)
        n=$((n + 1))
        echo "$cc $prec -DNND_REFERENCE tests/test_reference.c" >$B/variants/c_$n.name
        throttle
        ($cc $STRICT $prec -DNND_REFERENCE -O1 -c tests/test_reference.c -o $B/variants/c_$n.o \
            >$B/variants/c_$n.out 2>&1
         echo $? >$B/variants/c_$n.rc) &
        track $!
    done
done
wait
for f in $B/variants/c_*.name; do
    [ -f "$f" ] || continue
    c=${f%.name}
    if [ "$(cat "$c.rc")" = 0 ]; then vpass=$((vpass + 1)); else
        vfail=$((vfail + 1))
        echo "FAIL build variant: $(cat "$f")"
        head -20 "$c.out"
    fi
done
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || continue
    variant "$cc two translation units, NND_STATIC" sh -c \
        "$cc $STRICT tests/variant_static_a.c tests/variant_static_b.c -o $B/variants/static -lm && $B/variants/static"
    variant "$cc custom allocator macros" sh -c \
        "$cc $STRICT tests/variant_alloc.c -o $B/variants/alloc -lm && $B/variants/alloc"
    variant "$cc rejects a partial allocator (#error)" sh -c \
        "! $cc -std=c99 -c tests/variant_bad_alloc.c -o $B/variants/bad.o 2>$B/variants/bad.err && grep -q 'NND_MALLOC, NND_REALLOC and NND_FREE' $B/variants/bad.err"
    variant "$cc NND_NO_STDIO (the in-memory writers and readers)" sh -c \
        "$cc $STRICT tests/variant_no_stdio.c -o $B/variants/no_stdio -lm && $B/variants/no_stdio"
    variant "$cc plain-C kernels (no vector extensions)" sh -c \
        "$cc $STRICT -O2 -DNND_NO_VECTOR_EXTENSIONS tests/test_gradients.c -o $B/variants/novec -lm && $B/variants/novec && \
         $cc $STRICT -O2 -DNND_NO_VECTOR_EXTENSIONS -DNND_DOUBLE tests/test_gradients.c -o $B/variants/novec -lm && $B/variants/novec"
done
# Every ```c block of README.md must compile, link and run (README
# examples stay true).
rm -f $B/variants/readme_*.c
awk '/^```c$/ { n++; f = sprintf("build/variants/readme_%d.c", n); skip = 1 }
     /^```$/ { f = "" } { if (f != "" && !skip) print > f; skip = 0 }' README.md
for src in $B/variants/readme_*.c; do
    [ -f "$src" ] || continue
    for cc in gcc clang; do
        command -v $cc >/dev/null 2>&1 || continue
        variant "$cc README.md snippet $(basename "$src")" $cc $STRICT -O3 -march=native -I. "$src" \
            -o $B/variants/readme_$cc -lm
    done
    # (in a folder of its own, where it reads data/ and writes its model)
    mkdir -p $B/variants/run && ln -sfn ../../../data $B/variants/run/data
    variant "README.md snippet $(basename "$src") runs" sh -c "cd $B/variants/run && ../readme_gcc"
done
# make install's header and pkg-config file compile the first snippet.
rm -rf $B/prefix
command -v pkg-config >/dev/null 2>&1 ||
    echo "(pkg-config not installed: the make install check is skipped)"
command -v pkg-config >/dev/null 2>&1 &&
    variant "make install + pkg-config" sh -c "make --no-print-directory install PREFIX=$PWD/$B/prefix >/dev/null &&
    $CC $STRICT \$(PKG_CONFIG_PATH=$PWD/$B/prefix/lib/pkgconfig pkg-config --cflags nnd) \
    $B/variants/readme_1.c -o $B/variants/readme_pc -lm"
for cxx in g++ clang++; do
    command -v $cxx >/dev/null 2>&1 || continue
    variant "$cxx C++ build" sh -c \
        "$cxx -std=c++11 -Wall -Wextra -Werror tests/variant_cxx.cpp -o $B/variants/cxx && $B/variants/cxx"
    variant "$cxx C++ build, NND_REFERENCE" sh -c \
        "$cxx -std=c++11 -Wall -Wextra -Werror -DNND_REFERENCE tests/variant_cxx.cpp -o $B/variants/cxx && $B/variants/cxx"
done
echo "$vpass passed, $vfail failed" >$B/variants.out
run "build variants" cat $B/variants.out

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
# with OpenMP when gcc has it, so that the threaded paths run under the sanitizers too
SAN="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all"
if echo 'int main(void){return 0;}' | gcc -fopenmp -x c - -o $B/asan/omp_probe 2>/dev/null; then
    SAN="$SAN -fopenmp"
fi
for t in $UNIT; do # built $JOBS at a time, then run one by one
    rm -f $B/asan/$t $B/asan/${t}_double
    throttle
    gcc $STRICT $SAN tests/$t.c -o $B/asan/$t -lm >$B/asan/$t.out 2>&1 &
    track $!
    throttle
    gcc $STRICT $SAN -DNND_DOUBLE tests/$t.c -o $B/asan/${t}_double -lm >$B/asan/${t}_double.out 2>&1 &
    track $!
done
for d in "" _double; do # the reference path checks the numbers of the fast one (above)
    rm -f $B/asan/test_reference_ref$d
    throttle
    gcc $STRICT $SAN -DNND_REFERENCE $([ -n "$d" ] && echo -DNND_DOUBLE) tests/test_reference.c \
        -o $B/asan/test_reference_ref$d -lm >$B/asan/test_reference_ref$d.out 2>&1 &
    track $!
done
wait
for t in $UNIT; do
    if [ -x $B/asan/$t ] && [ -x $B/asan/${t}_double ]; then
        run "asan $t (float)" $B/asan/$t
        run "asan $t (double)" $B/asan/${t}_double
    else
        echo "FAIL could not build the sanitizer $t"
        cat $B/asan/$t.out $B/asan/${t}_double.out | head -20
        total_fail=$((total_fail + 1))
    fi
done
for d in "" _double; do
    if [ -x $B/asan/test_reference_ref$d ]; then
        run "asan test_reference_ref$d (checks)" $B/asan/test_reference_ref$d --compare $B/reference$d.txt
    else
        echo "FAIL could not build the sanitizer test_reference_ref$d"
        head -20 $B/asan/test_reference_ref$d.out
        total_fail=$((total_fail + 1))
    fi
done
if gcc $STRICT $SAN examples/network2.c -o $B/asan/network2 -lm; then
    run "asan test_cli" sh tests/test_cli.sh $B/asan/network2
else
    echo "FAIL could not build the sanitizer network2"
    total_fail=$((total_fail + 1))
fi
if gcc $STRICT $SAN examples/network3.c -o $B/asan/network3 -lm; then
    run "asan test_cli3 (errors only)" sh tests/test_cli3.sh $B/asan/network3 quick
else
    echo "FAIL could not build the sanitizer network3"
    total_fail=$((total_fail + 1))
fi

if ls exercises/*.c >/dev/null 2>&1; then
    echo "== exercise checks (exercises/README.md)"
    for src in exercises/*.c; do # built $JOBS at a time, then run one by one
        name=$(basename "$src" .c)
        rm -f $B/exercises/$name
        throttle
        $CC $STRICT -O3 -march=native -ffp-contract=fast "$src" -o $B/exercises/$name -lm \
            >$B/exercises/$name.out 2>&1 &
        track $!
    done
    wait
    for src in exercises/*.c; do
        name=$(basename "$src" .c)
        if [ -x $B/exercises/$name ]; then
            run "exercises/$name" $B/exercises/$name
        else
            echo "FAIL could not build $src"
            head -20 $B/exercises/$name.out
            total_fail=$((total_fail + 1))
        fi
    done
fi

echo "== total"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
