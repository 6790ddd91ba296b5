#!/bin/sh
# nnd's ONNX models in a real ONNX runtime. Usage, from the top of the
# repository:  sh tests/test_onnx.sh [BUILD_DIR]   (default build)
#   1. ONNX Runtime for Node.js (onnxruntime-node 1.30.0, whose CPU runtime
#      ships inside the package; --ignore-scripts skips its install script,
#      which only fetches GPU extras) is installed into BUILD_DIR/onnx;
#   2. tests/onnx_export.c, in a float and a double build, trains eight nets
#      for one epoch on 5,000 images - network2's [784,30,10], a 784-60-30-10
#      quadratic-cost net, network3's shallow, conv, conv2-relu and dropout
#      presets, a LeNet-style conv/pool stack and a net whose conv layer
#      reads a dense layer's rows as 3-channel maps - saves each with
#      nnd_onnx_save and writes nnd_feedforward's outputs on the 10,000
#      MNIST test images;
#   3. tests/onnx_run.js runs every model in ONNX Runtime on the same
#      images (its own IDX reader, pixel/256) and writes its outputs;
#   4. every one of the 10,000 classes must be nnd's, and no output may
#      differ from nnd's by more than 1e-5;
#   5. with Debian's python3-onnx (installed with apt-get when run as root)
#      onnx.checker.check_model(full_check=True) accepts every file, and
#      the fields nnd.h documents are there (IR 7, opset 13, producer nnd
#      at NND_VERSION, input "input" [N, 784], output "output" [N, 10]);
#   6. the refusals: a net of unset or NaN parameters, no net, a missing
#      folder, a folder as the path, and - through tests/fault_shim.c - a
#      failing write or rename and a write-protected file, which leave the
#      previous file byte for byte and no temporary file;
#   7. when build/network2 and build/network3 have --export-onnx: the
#      model they export after training and after --load is the same file,
#      and gives in ONNX Runtime the program's own classes (network3's
#      --predictions) and test accuracy; and examples/README.md's Node.js
#      script for users gives the program's classes of the first 10 images.
# Without node and npm it prints a SKIPPED: line. The last line is
# "N passed, N failed"; the exit status is non-zero when a check failed.
set -u
B=${1:-build}
D=$B/onnx
M=$D/models
CC=${CC:-cc}
STRICT="-std=c99 -pedantic -Wall -Wextra -Werror"
IMAGES=data/mnist/t10k-images-idx3-ubyte
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_onnx: $*"; }
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
}
# add OUTPUT_FILE: a program's "N passed, N failed" line into the counts
add() {
    line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$1" | tail -1)
    if [ -z "$line" ]; then bad "no summary line in $1: $(tail -3 "$1" | tr '\n' '|')"; return; fi
    p=${line%% passed*}
    f=${line#*passed, }
    pass=$((pass + p))
    fail=$((fail + ${f%% failed}))
    grep -E "^FAIL" "$1" | head -10
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIPPED: node and npm are not installed (Debian: apt-get install nodejs npm)"
    echo "0 passed, 0 failed"
    exit 0
fi
[ -f "$IMAGES" ] || { bad "$IMAGES is missing (make data)"; finish; }
rm -rf "$M"
mkdir -p "$M"

# 1. ONNX Runtime, once per build folder
ORT=$D/node_modules/onnxruntime-node/package.json
if ! grep -q '"version": "1.30.0"' "$ORT" 2>/dev/null; then
    echo "installing onnxruntime-node@1.30.0 into $D (npm) ..."
    if ! npm install --prefix "$D" --ignore-scripts --no-audit --no-fund onnxruntime-node@1.30.0 \
            >"$D/npm.log" 2>&1; then
        bad "npm could not install onnxruntime-node@1.30.0: $(tail -3 "$D/npm.log" | tr '\n' '|')"
        finish
    fi
fi

# 2-4, for the float and the double build: the nets and nnd's outputs;
# ONNX Runtime's outputs (tests/onnx_run.js: one line per model, FAIL lines
# for problems); classes and outputs against nnd's
for prec in float double; do
    flags=
    [ $prec = double ] && flags=-DNND_DOUBLE
    X=$D/onnx_export_$prec
    mkdir -p "$M/$prec"
    if ! $CC $STRICT ${OPT:--O3 -march=native -ffp-contract=fast} $flags tests/onnx_export.c -o "$X" -lm \
            >"$D/cc.out" 2>&1; then
        bad "cannot build tests/onnx_export.c ($prec): $(head -5 "$D/cc.out")"
        finish
    fi
    # the double build: the nets of every kind of layer and reshaping, not
    # the dropout preset (half of the run's time; its Gemm alpha is also
    # in the reshaped net's last layer)
    only=
    [ $prec = double ] && only="network2 conv2-relu lenet reshaped"
    # shellcheck disable=SC2086
    if ! "$X" export data/mnist "$M/$prec" $only >"$D/names" 2>"$D/err"; then
        bad "onnx_export export ($prec): $(tail -3 "$D/err")"
        finish
    fi
    names=$(cat "$D/names")
    [ $prec = float ] && float_names=$names
    models=
    for n in $names; do models="$models $M/$prec/$n.onnx"; done
    # shellcheck disable=SC2086
    node tests/onnx_run.js "$D" "$IMAGES" $models >"$D/run.out" 2>&1
    grep "^FAIL" "$D/run.out"
    for n in $names; do
        if [ -s "$M/$prec/$n.ort" ]; then ok
        else bad "ONNX Runtime gave no outputs for $prec/$n.onnx: $(tail -2 "$D/run.out")"; fi
    done
    echo "nnd_feedforward ($prec build) against ONNX Runtime on the 10,000 test images:"
    # shellcheck disable=SC2086
    "$X" compare data/mnist "$M/$prec" $names >"$D/compare.out" 2>&1
    grep -E " classes equal " "$D/compare.out"
    add "$D/compare.out"
    "$X" bad "$M/$prec" >"$D/bad.out" 2>&1
    add "$D/bad.out"
done
X=$D/onnx_export_float
names=$float_names
models=
for n in $names; do models="$models $M/float/$n.onnx"; done

# 5. Debian's ONNX checker (python3-onnx)
PY=/usr/bin/python3
if ! $PY -c "import onnx" 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing python3-onnx (apt-get) ..."
    apt-get install -y -qq python3-onnx >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq python3-onnx >/dev/null 2>&1; }
fi
if $PY -c "import onnx" 2>/dev/null; then
    version=$(sed -n 's/^#define NND_VERSION "\(.*\)"/\1/p' nnd.h)
    # shellcheck disable=SC2086
    $PY - "$version" $models >"$D/checker.out" 2>&1 <<'EOF'
import sys, onnx
version, files = sys.argv[1], sys.argv[2:]
def dims(v):
    return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
for f in files:
    try:
        m = onnx.load(f)
        onnx.checker.check_model(m, full_check=True)
        meta = {p.key: p.value for p in m.metadata_props}
        got = (m.ir_version, [(o.domain, o.version) for o in m.opset_import], m.producer_name,
               m.producer_version, [(v.name, dims(v)) for v in m.graph.input],
               [(v.name, dims(v)) for v in m.graph.output], meta.get("nnd_version"))
        want = (7, [("", 13)], "nnd", version, [("input", ["N", 784])], [("output", ["N", 10])], version)
        desc = meta.get("description", "")
        if got != want:
            print("FAIL test_onnx: %s: %r, expected %r" % (f, got, want))
        elif not desc.startswith("nnd %s network: 784 inputs" % version) or m.doc_string != desc:
            print("FAIL test_onnx: %s: description %r, doc string %r" % (f, desc, m.doc_string))
        else:
            print("ok %s: checked (full_check), %s" % (f, desc))
    except Exception as e:
        print("FAIL test_onnx: %s: %s" % (f, str(e).splitlines()[0] if str(e) else type(e).__name__))
EOF
    grep "^FAIL" "$D/checker.out"
    for n in $names; do
        if grep -q "^ok $M/float/$n.onnx: " "$D/checker.out"; then ok
        elif ! grep -q "^FAIL test_onnx: $M/float/$n.onnx" "$D/checker.out"; then
            bad "onnx.checker did not report on $n.onnx: $(tail -2 "$D/checker.out" | tr '\n' '|')"
        else fail=$((fail + 1)); fi
    done
else
    echo "(python3-onnx is not installed: onnx.checker is skipped; apt-get install python3-onnx)"
fi

# 6. the refusals (those of onnx_export bad ran above)
SHIM=$D/shim.so
if $CC -shared -fPIC -O2 tests/fault_shim.c -o "$SHIM" -ldl >"$D/cc.out" 2>&1; then
    target=$M/saved.onnx
    # refused PATH WORDS ENV...: the save failed (exit 1, one line naming the
    # path and WORDS), the previous file is unchanged, no temporary file is left
    refused() {
        t=$1
        words=$2
        shift 2
        printf 'the previous model\n' >"$D/previous"
        cp "$D/previous" "$t"
        [ -n "${PROTECT:-}" ] && chmod 444 "$t"
        env "$@" "$X" save "$t" >"$D/out" 2>"$D/err"
        rc=$?
        chmod 644 "$t"
        if [ "$rc" -ne 1 ] || [ "$(wc -l <"$D/err")" -ne 1 ] || ! grep -q "$t" "$D/err" ||
            ! grep -q "$words" "$D/err"; then
            bad "save to $t with $*: exit $rc, stderr: $(head -2 "$D/err" | tr '\n' '|')"
        elif ! cmp -s "$D/previous" "$t"; then
            bad "a failed save ($*) changed $t"
        elif ls "$t".tmp-* >/dev/null 2>&1; then
            bad "a failed save ($*) left $(ls "$t".tmp-* | head -1)"
        else ok; fi
    }
    refused "$target" "writing the temporary file failed" LD_PRELOAD="$SHIM" NND_FAULT=write NND_FAULT_PARTIAL=1 \
        NND_FAULT_ERRNO=ENOSPC
    refused "$target" "renaming the temporary file failed" LD_PRELOAD="$SHIM" NND_FAULT=rename
    PROTECT=1
    refused "$target" "write-protected" NND_FAULT=none
    PROTECT=
    # and a save that can succeed replaces the file with a model: its first
    # field is ir_version, key 0x08 (field 1, varint), value 7
    "$X" save "$target" >"$D/out" 2>"$D/err"
    first=$(od -A n -t x1 -N 2 "$target" | tr -d ' ')
    if [ "$first" = 0807 ] && ! ls "$target".tmp-* >/dev/null 2>&1; then ok
    else bad "a save over $target gave bytes $first (expected 0807), stderr: $(head -1 "$D/err")"; fi
else
    bad "cannot build tests/fault_shim.c: $(head -3 "$D/cc.out")"
fi

# 7. the programs' --export-onnx
C=$D/cli
mkdir -p "$C"
rm -f "$C"/*
if [ -x "$B/network3" ] && "$B/network3" --help 2>&1 | grep -q -- "--export-onnx"; then
    if "$B/network3" --preset conv --train-size 5000 --epochs 1 --threads 1 --save "$C/conv.json" \
            --export-onnx "$C/conv.onnx" >"$C/train.out" 2>&1 &&
        "$B/network3" --preset conv --load "$C/conv.json" --epochs 0 --threads 1 --predictions "$C/conv.pred" \
            --export-onnx "$C/conv_loaded.onnx" >"$C/load.out" 2>&1; then
        cmp -s "$C/conv.onnx" "$C/conv_loaded.onnx" && ok ||
            bad "build/network3: the model exported with --load differs from the one exported after training"
        node tests/onnx_run.js "$D" "$IMAGES" "$C/conv.onnx" >"$C/run.out" 2>&1
        "$X" classes data/mnist "$C/conv.ort" "$C/conv.pred" >"$C/classes.out" 2>&1
        echo "build/network3 --preset conv --export-onnx: $(grep '^classes equal' "$C/classes.out")"
        add "$C/classes.out"
        # and the accuracy it prints ("test accuracy 49.76%": 4976 of the 10,000)
        count=$(sed -n 's/^test accuracy \([0-9]*\)\.\([0-9][0-9]\)%$/\1\2/p' "$C/load.out" | sed 's/^0*\([0-9]\)/\1/')
        "$X" accuracy data/mnist "$C/conv.ort" "${count:--1}" >"$C/acc3.out" 2>&1
        add "$C/acc3.out"
        # examples/README.md's script for users: the classes of the first 10
        # test images, as the program's --predictions has them
        sed -n '/<!-- onnx-example begin/,/<!-- onnx-example end/p' examples/README.md | sed '1,2d;$d' | sed '$d' \
            >"$C/run_onnx.js"
        NODE_PATH=$D/node_modules node "$C/run_onnx.js" "$C/conv.onnx" >"$C/example.out" 2>&1
        got=$(sed -n 's/^image [0-9]*: class \([0-9]\) .*/\1/p' "$C/example.out" | tr -d '\n')
        want=$(grep -v '^#' "$C/conv.pred" | head -10 | tr -d '\n')
        if [ ${#got} -eq 10 ] && [ "$got" = "$want" ]; then ok
        else bad "examples/README.md's ONNX Runtime script: classes '$got', the program's '$want': $(tail -2 "$C/example.out")"; fi
    else
        bad "build/network3 --export-onnx: $(tail -2 "$C/train.out" "$C/load.out" 2>/dev/null | tr '\n' '|')"
    fi
else
    echo "($B/network3 has no --export-onnx: its check is skipped)"
fi
if [ -x "$B/network2" ] && "$B/network2" --help 2>&1 | grep -q -- "--export-onnx"; then
    if "$B/network2" --epochs 1 --train-size 5000 --threads 1 --save "$C/n2.json" --export-onnx "$C/n2.onnx" \
            >"$C/train2.out" 2>&1 &&
        "$B/network2" --load "$C/n2.json" --epochs 0 --export-onnx "$C/n2_loaded.onnx" >"$C/load2.out" 2>&1; then
        cmp -s "$C/n2.onnx" "$C/n2_loaded.onnx" && ok ||
            bad "build/network2: the model exported with --load differs from the one exported after training"
        count=$(sed -n 's/^Accuracy on test data: \([0-9]*\) \/ 10000$/\1/p' "$C/load2.out")
        node tests/onnx_run.js "$D" "$IMAGES" "$C/n2.onnx" >"$C/run2.out" 2>&1
        "$X" accuracy data/mnist "$C/n2.ort" "${count:--1}" >"$C/acc2.out" 2>&1
        echo "build/network2 --export-onnx: $(grep '^test accuracy' "$C/acc2.out")"
        add "$C/acc2.out"
    else
        bad "build/network2 --export-onnx: $(tail -2 "$C/train2.out" "$C/load2.out" 2>/dev/null | tr '\n' '|')"
    fi
else
    echo "($B/network2 has no --export-onnx: its check is skipped)"
fi
finish
