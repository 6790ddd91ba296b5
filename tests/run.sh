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

# report NAME OUT RC SECS [SHOW]: show the FAIL lines of a finished
# program (output OUT, exit status RC, SECS seconds) and its summary with
# its seconds, and add its counts (a crash or a missing summary counts as
# one failure); SHOW: a pattern of more lines of OUT to show (what it
# measured).
report() {
    name=$1 out_=$2 rc=$3 secs_=$4
    grep -E "^FAIL|FAIL$|Sanitizer|runtime error" $out_ | head -20
    line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" $out_ | tail -1)
    if [ -z "$line" ]; then
        echo "FAIL $name: exited with $rc and no summary line"
        tail -5 $out_
        total_fail=$((total_fail + 1))
        return
    fi
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $name: exit status $rc"; fi
    skip=$(sed -n 's/^SKIPPED: //p' $out_ | head -1)
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ -n "$skip" ]; then
        printf '%-34s %s (%ss)\n' "$name" "skipped: $skip" "$secs_"
        return
    fi
    printf '%-34s %s (%ss)\n' "$name" "$p passed, $f failed" "$secs_"
    [ -n "${5-}" ] && grep -E "$5" $out_ | sed 's/^/    /'
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

# run NAME COMMAND...: run a program now and report it.
run() {
    name=$1
    shift
    t0_=$(date +%s)
    "$@" >$B/last.out 2>&1
    report "$name" $B/last.out $? $(($(date +%s) - t0_))
}

# prun NAME COMMAND...: the same, started in the background, $JOBS at a
# time; `shows PATTERN` sets the SHOW lines of the one started last.
# collect waits for them all and reports them in the order they were
# started. Programs started together write no file in common.
nruns=0
rm -rf $B/runs
mkdir -p $B/runs
prun() {
    nruns=$((nruns + 1))
    k_=$B/runs/$nruns
    echo "$1" >$k_.name
    shift
    throttle
    (t0_=$(date +%s)
     "$@" >$k_.out 2>&1
     echo $? >$k_.rc
     echo $(($(date +%s) - t0_)) >$k_.secs) &
    track $!
}
shows() { echo "$1" >$B/runs/$nruns.show; }
collect() {
    wait
    k_=1
    while [ $k_ -le $nruns ]; do
        f_=$B/runs/$k_
        report "$(cat $f_.name)" $f_.out "$(cat $f_.rc)" "$(cat $f_.secs)" "$(cat $f_.show 2>/dev/null)"
        k_=$((k_ + 1))
    done
    rm -rf $B/runs
    mkdir -p $B/runs
    nruns=0
}

. tests/jobs.sh # JOBS, throttle and track: the compiles below run one per core

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
# the programs and scripts below, the longest first (the unit tests above
# run one by one: float and double builds write the same files)
prun "test_cli3 (build/network3)" sh tests/test_cli3.sh $B/network3
prun "ONNX models in ONNX Runtime (test_onnx)" sh tests/test_onnx.sh $B
shows "classes equal|^nnd_feedforward|--export-onnx:"
prun "test_faults (saves that fail or are killed)" sh tests/test_faults.sh $B/network2 $B/network3
prun "fuzz corpus and findings replayed" sh tests/fuzz/replay.sh
for t in $SLOW; do
    prun "$t (real MNIST)" $B/tests/$t
done
prun "test_cli (build/network2)" sh tests/test_cli.sh $B/network2
prun "test_classify (build/classify)" sh tests/test_classify.sh $B
prun "interop with network2.py" sh tests/interop.sh
prun "chapter map and section banners of nnd.h" sh tests/test_map.sh
collect

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
# Every source compiles clean with both compilers, float and double, and
# the configuration variants build and run. Each check is a job of its own
# (vjob), $JOBS at a time, into files of its own: $B/variants/c_N.*. The
# unit tests' gcc builds are the sanitizer builds below, with the same
# warnings; every clang diagnostic comes from its front end, so clang
# checks the sources with -fsyntax-only.
n=0
rm -rf $B/variants
mkdir -p $B/variants
vjob() { # NAME COMMAND...: run COMMAND in the background as check number n
    n=$((n + 1))
    echo "$1" >$B/variants/c_$n.name
    shift
    throttle
    ("$@" >$B/variants/c_$n.out 2>&1
     echo $? >$B/variants/c_$n.rc) &
    track $!
}
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || { echo "($cc not installed: its variants are skipped)"; continue; }
    how="-O1 -c"
    [ $cc = clang ] && how=-fsyntax-only
    for prec in "" -DNND_DOUBLE; do
        for src in tests/test_*.c examples/*.c exercises/*.c; do
            [ -f "$src" ] || continue
            case "$cc $src" in "gcc tests/test_"*) continue ;; esac
            vjob "$cc $prec $src" $cc $STRICT $prec $how "$src" -o $B/variants/o_$n.o
        done
        [ $cc = gcc ] && continue # (gcc: the sanitizer builds below take the reference path)
        vjob "$cc $prec -DNND_REFERENCE tests/test_reference.c" \
            $cc $STRICT $prec -DNND_REFERENCE $how tests/test_reference.c -o $B/variants/o_$n.o
    done
done
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || continue
    V=$B/variants/$cc
    vjob "$cc two translation units, NND_STATIC" sh -c \
        "$cc $STRICT tests/variant_static_a.c tests/variant_static_b.c -o ${V}_static -lm && ${V}_static"
    vjob "$cc custom allocator macros" sh -c \
        "$cc $STRICT tests/variant_alloc.c -o ${V}_alloc -lm && ${V}_alloc"
    vjob "$cc rejects a partial allocator (#error)" sh -c \
        "! $cc -std=c99 -c tests/variant_bad_alloc.c -o ${V}_bad.o 2>${V}_bad.err && grep -q 'NND_MALLOC, NND_REALLOC and NND_FREE' ${V}_bad.err"
    vjob "$cc NND_NO_STDIO (the in-memory writers and readers)" sh -c \
        "$cc $STRICT tests/variant_no_stdio.c -o ${V}_no_stdio -lm && ${V}_no_stdio"
    for prec in "" -DNND_DOUBLE; do
        vjob "$cc $prec plain-C kernels (no vector extensions)" sh -c \
            "$cc $STRICT -O2 -DNND_NO_VECTOR_EXTENSIONS $prec tests/test_gradients.c -o ${V}_novec$prec -lm && ${V}_novec$prec"
    done
done
# Every ```c block of README.md must compile, link and run (README
# examples stay true).
awk -v d=$B/variants '/^```c$/ { n++; f = sprintf("%s/readme_%d.c", d, n); skip = 1 }
     /^```$/ { f = "" } { if (f != "" && !skip) print > f; skip = 0 }' README.md
for src in $B/variants/readme_*.c; do
    [ -f "$src" ] || continue
    r=$(basename "$src" .c)
    for cc in gcc clang; do
        command -v $cc >/dev/null 2>&1 || continue
        vjob "$cc README.md snippet $r.c" $cc $STRICT -O3 -march=native -I. "$src" -o $B/variants/${r}_$cc -lm
    done
done
for cxx in g++ clang++; do
    command -v $cxx >/dev/null 2>&1 || continue
    for ref in "" -DNND_REFERENCE; do
        vjob "$cxx C++ build $ref" sh -c \
            "$cxx -std=c++11 -Wall -Wextra -Werror $ref tests/variant_cxx.cpp -o $B/variants/cxx_$cxx$ref && $B/variants/cxx_$cxx$ref"
    done
done
wait
# each snippet runs in a folder of its own, where it reads data/ and writes its model
for src in $B/variants/readme_*.c; do
    [ -f "$src" ] || continue
    r=$(basename "$src" .c)
    mkdir -p $B/variants/run_$r && ln -sfn ../../../data $B/variants/run_$r/data
    vjob "README.md snippet $r.c runs" sh -c "cd $B/variants/run_$r && ../${r}_gcc"
done
# make install's header and pkg-config file compile the first snippet.
rm -rf $B/prefix
command -v pkg-config >/dev/null 2>&1 ||
    echo "(pkg-config not installed: the make install check is skipped)"
command -v pkg-config >/dev/null 2>&1 &&
    vjob "make install + pkg-config" sh -c "make --no-print-directory install PREFIX=$PWD/$B/prefix >/dev/null &&
    $CC $STRICT \$(PKG_CONFIG_PATH=$PWD/$B/prefix/lib/pkgconfig pkg-config --cflags nnd) \
    $B/variants/readme_1.c -o $B/variants/readme_pc -lm"
wait
vpass=0
vfail=0
for f in $B/variants/c_*.name; do
    [ -f "$f" ] || continue
    c=${f%.name}
    if [ "$(cat "$c.rc")" = 0 ]; then vpass=$((vpass + 1)); else
        vfail=$((vfail + 1))
        echo "FAIL build variant: $(cat "$f")"
        head -20 "$c.out"
    fi
done
echo "$vpass passed, $vfail failed" >$B/variants.out
run "build variants" cat $B/variants.out

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
# with OpenMP when gcc has it, so that the threaded paths run under the
# sanitizers too. As in make test's builds, the tests outside OWN_IMPL link
# one object of the implementation per precision, built at -O1 for the
# training loops' sake; the test programs themselves build at -O0, which
# compiles faster, but for the two that train, which carry the
# implementation.
SAN="-g -fsanitize=address,undefined -fno-sanitize-recover=all"
if echo 'int main(void){return 0;}' | gcc -fopenmp -x c - -o $B/asan/omp_probe 2>/dev/null; then
    SAN="$SAN -fopenmp"
fi
OWN_IMPL=${OWN_IMPL:-test_asserts test_limits test_nomem test_kernels test_training test_json}
san() { # NAME FLAGS... SOURCE: build $B/asan/NAME in the background
    n_=$1
    shift
    rm -f $B/asan/$n_
    throttle
    gcc $STRICT $SAN "$@" -o $B/asan/$n_ -lm >$B/asan/$n_.out 2>&1 &
    track $!
}
rm -f $B/asan/nnd_impl.o $B/asan/nnd_impl_double.o
gcc $STRICT $SAN -O1 -DNND_IMPLEMENTATION -x c -c nnd.h -o $B/asan/nnd_impl.o >$B/asan/nnd_impl.out 2>&1 &
track $!
throttle
gcc $STRICT $SAN -O1 -DNND_IMPLEMENTATION -DNND_DOUBLE -x c -c nnd.h -o $B/asan/nnd_impl_double.o \
    >$B/asan/nnd_impl_double.out 2>&1 &
track $!
wait
for t in $UNIT; do
    case " $OWN_IMPL " in
    *" $t "*)
        o=-O0
        case $t in test_training | test_kernels) o=-O1 ;; esac
        san $t $o tests/$t.c
        san ${t}_double $o -DNND_DOUBLE tests/$t.c
        ;;
    *)
        san $t -O0 -DNND_IMPLEMENTATION_DONE tests/$t.c $B/asan/nnd_impl.o
        san ${t}_double -O0 -DNND_DOUBLE -DNND_IMPLEMENTATION_DONE tests/$t.c $B/asan/nnd_impl_double.o
        ;;
    esac
done
# the reference path checks the numbers of the fast one (above)
san test_reference_ref -O1 -DNND_REFERENCE tests/test_reference.c
san test_reference_ref_double -O1 -DNND_REFERENCE -DNND_DOUBLE tests/test_reference.c
san network2 -O1 examples/network2.c
san network3 -O1 examples/network3.c
# the exercise checks (exercises/README.md) are built in the same batch
for src in exercises/*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    rm -f $B/exercises/$name
    throttle
    $CC $STRICT -O3 -march=native -ffp-contract=fast "$src" -o $B/exercises/$name -lm \
        >$B/exercises/$name.out 2>&1 &
    track $!
done
wait
# built: run it (prun), or a failure with the compiler's first lines
built() { # NAME FILE
    [ -x "$2" ] && return 0
    echo "FAIL could not build $1"
    head -20 "$2.out"
    total_fail=$((total_fail + 1))
    return 1
}
# the scripts and the exercise checks run in the background while the unit
# tests (which write the same files in float and double) run one by one
built "the sanitizer network2" $B/asan/network2 && prun "asan test_cli" sh tests/test_cli.sh $B/asan/network2
built "the sanitizer network3" $B/asan/network3 &&
    prun "asan test_cli3 (errors only)" sh tests/test_cli3.sh $B/asan/network3 quick
for src in exercises/*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    built "$src" $B/exercises/$name && prun "exercises/$name" $B/exercises/$name
done
for t in $UNIT; do
    built "the sanitizer $t" $B/asan/$t && run "asan $t (float)" $B/asan/$t
    built "the sanitizer ${t}_double" $B/asan/${t}_double && run "asan $t (double)" $B/asan/${t}_double
done
for d in "" _double; do
    built "the sanitizer test_reference_ref$d" $B/asan/test_reference_ref$d &&
        run "asan test_reference_ref$d (checks)" $B/asan/test_reference_ref$d --compare $B/reference$d.txt
done
echo "== the sanitizer scripts and the exercise checks (exercises/README.md)"
collect

echo "== total"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
