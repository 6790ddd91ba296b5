#!/bin/sh
# Fault injection for the files build/network2 and build/network3 write
# (their --save, --plot-data, --checkpoint and --predictions all go through
# nnd_save_file). Usage, from the top of the repository:
#     sh tests/test_faults.sh [NETWORK2 [NETWORK3]]
# (default build/network2 build/network3). It builds tests/fault_shim.c, an
# LD_PRELOAD library that makes open/write/fsync/close/rename fail or slows
# the writes down, and checks that every failure - a full disk, a missing
# folder, a write-protected file, a link at the target, a failing rename or
# fsync, a failing side output, two programs saving to one path, kill -9 in
# the middle of a save or of a checkpointed run - leaves the previous file
# byte for byte as it was (or, for a kill, either that or the complete new
# file), no temporary file behind (except after a kill), and a non-zero exit
# with a one-line error naming the path. Scratch files go to build/faults/.
# One line per failed case starts with "FAIL test_faults:"; the last line is
# "N passed, N failed", and the exit status is non-zero when a case failed.
set -u
n2=${1:-build/network2}
n3=${2:-build/network3}
CC=${CC:-cc}
D=build/faults
SHIM=$D/shim.so
# tiny runs: the point is the saving, not the training
N2="--sizes 784,2,10 --train-size 100 --epochs 1 --threads 1"
N3="--preset shallow --train-size 100 --epochs 1 --threads 1"
N3CK="--preset shallow --train-size 100 --epochs 3 --threads 1"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_faults: $*"; }
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
}

# nothing from the caller's environment may steer the shim
unset NND_FAULT NND_FAULT_ERRNO NND_FAULT_MATCH NND_FAULT_SKIP NND_FAULT_PARTIAL \
    NND_FAULT_SLOW_US NND_FAULT_SLOW_CHUNK NND_FAULT_PLANT NND_FAULT_LOG LD_PRELOAD

umount "$D/tiny" 2>/dev/null
rm -rf "$D"
mkdir -p "$D/ref"
trap 'umount "$D/tiny" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

for b in "$n2" "$n3"; do
    if [ ! -x "$b" ]; then
        bad "$b is not built (make build/network2 build/network3)"
        finish
    fi
done
if ! $CC -shared -fPIC -O2 tests/fault_shim.c -o "$SHIM" -ldl >"$D/cc.out" 2>&1; then
    bad "cannot build the shim: $(head -5 "$D/cc.out")"
    finish
fi

# ------------------------------------------------------------------ helpers
# run [VAR=VALUE...] PROGRAM ARGS...: run it with those variables added to
# the environment; stdout in $D/out, stderr in $D/err, exit status in $rc.
run() {
    env "$@" >"$D/out" 2>"$D/err"
    rc=$?
}

# The helpers below return non-zero and leave the reason in $why.
why=

# failed_as PATH WORDS: the last run failed as a file error must - exit 1,
# exactly one line on stderr (not counting network2's "(run ..." hints),
# naming PATH and containing WORDS.
failed_as() {
    if [ "$rc" -ne 1 ]; then
        why="exit status $rc, expected 1; stderr: $(head -3 "$D/err" | tr '\n' '|')"
        return 1
    fi
    grep -v -e '^network2: (run' "$D/err" >"$D/err1"
    lines=$(wc -l <"$D/err1")
    if [ "$lines" -ne 1 ]; then
        why="$lines lines on stderr: $(head -4 "$D/err" | tr '\n' '|')"
        return 1
    fi
    if ! grep -qF -- "$1" "$D/err1"; then
        why="the error does not name $1: $(cat "$D/err1")"
        return 1
    fi
    if [ -n "$2" ] && ! grep -qF -- "$2" "$D/err1"; then
        why="the error does not say '$2': $(cat "$D/err1")"
        return 1
    fi
}

# succeeded: the last run exited 0 with nothing on stderr.
succeeded() {
    if [ "$rc" -ne 0 ] || [ -s "$D/err" ]; then
        why="exit status $rc; stderr: $(head -3 "$D/err" | tr '\n' '|')"
        return 1
    fi
}

# not_trained: the last run printed no epoch (it stopped before training).
not_trained() {
    if grep -q '^Epoch' "$D/out"; then
        why="it trained before refusing"
        return 1
    fi
}

# same FILE REF: FILE exists, is a regular file, and is byte-identical to REF.
same() {
    if [ ! -f "$1" ] || [ -L "$1" ]; then
        why="$1 is gone or no longer a regular file"
        return 1
    fi
    if ! cmp -s "$1" "$2"; then
        why="$1 changed (differs from $2)"
        return 1
    fi
}

# no_temps DIR [KEEP]: no temporary file (*.tmp-*) in DIR, except the name
# KEEP (a file planted there by the test).
no_temps() {
    left=$(ls -A "$1" | grep -F '.tmp-' | grep -vxF "${2:-/}" | tr '\n' ' ')
    if [ -n "$left" ]; then
        why="temporary files left in $1: $left"
        return 1
    fi
}

# loads2 FILE: network2 can load FILE and evaluate it.
loads2() {
    if ! "$n2" --load "$1" --epochs 0 >"$D/load.out" 2>&1; then
        why="$1 does not load: $(head -2 "$D/load.out" | tr '\n' '|')"
        return 1
    fi
}

# now_ms: a clock in milliseconds; random_below N: 0..N-1; nap_ms MS: sleep.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
random_below() {
    r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
    echo $((r % $1))
}
nap_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

# fresh NAME: an empty case folder $D/NAME, in $c.
fresh() {
    c=$D/$1
    rm -rf "$c"
    mkdir -p "$c"
}

# ------------------------------------------------------------ references
# Models that later runs must reproduce bit for bit (training is
# deterministic for a seed): A and B from network2 with seeds 1 and 2, N3A
# and N3B from network3 with seeds 1 and 2, and N3C the model of an
# uninterrupted three-epoch network3 run with a checkpoint.
A=$D/ref/a.json
B=$D/ref/b.json
N3A=$D/ref/n3a.json
N3B=$D/ref/n3b.json
N3C=$D/ref/n3c.json
refs_ok=1
run "$n2" $N2 --seed 1 --save "$A" || refs_ok=0
run "$n2" $N2 --seed 2 --save "$B" || refs_ok=0
run "$n3" $N3 --seed 1 --save "$N3A" || refs_ok=0
run "$n3" $N3 --seed 2 --save "$N3B" || refs_ok=0
run "$n3" $N3CK --checkpoint "$D/ref/ck" --save "$N3C" || refs_ok=0
# the checkpoint after epoch 0 of that run (--stop-after 1)
run "$n3" $N3CK --checkpoint "$D/ref/ck1" --stop-after 1 || refs_ok=0
if [ "$refs_ok" -ne 1 ] || cmp -s "$A" "$B" || cmp -s "$N3A" "$N3B" || [ ! -f "$D/ref/ck1" ]; then
    bad "cannot make the reference models: $(head -3 "$D/err" | tr '\n' '|')"
    finish
fi

# ---------------------------------------------------- 1. a full device
# ENOSPC from write (the shim stores half of the first write, as a filling
# disk does, then fails): the save reports "writing", the previous model
# stays as it was and the temporary file is removed.
fresh full2
cp "$A" "$c/m.json"
run LD_PRELOAD=$SHIM NND_FAULT=write NND_FAULT_ERRNO=ENOSPC NND_FAULT_PARTIAL=1 \
    "$n2" $N2 --seed 2 --save "$c/m.json"
if failed_as "$c/m.json" "writing" && grep -q "No space left" "$D/err1" && same "$c/m.json" "$A" &&
    no_temps "$c"; then ok; else bad "network2 --save onto a full device (ENOSPC): $why"; fi

fresh full3
cp "$N3A" "$c/m.json"
run LD_PRELOAD=$SHIM NND_FAULT=write NND_FAULT_ERRNO=ENOSPC NND_FAULT_PARTIAL=1 \
    "$n3" $N3 --seed 2 --save "$c/m.json"
if failed_as "$c/m.json" "writing" && same "$c/m.json" "$N3A" && no_temps "$c"; then ok; else
    bad "network3 --save onto a full device (ENOSPC): $why"; fi

# The same on a real 64 KB tmpfs (only where mounting is allowed): the old
# model on it, the rest filled but for 8 KB, less than the new model needs.
mkdir -p "$D/tiny"
if mount -t tmpfs -o size=64k tmpfs "$D/tiny" 2>/dev/null; then
    cp "$A" "$D/tiny/m.json"
    dd if=/dev/zero of="$D/tiny/room" bs=8192 count=1 2>/dev/null
    dd if=/dev/zero of="$D/tiny/fill" bs=4096 2>/dev/null
    rm -f "$D/tiny/room"
    run "$n2" $N2 --seed 2 --save "$D/tiny/m.json"
    if failed_as "$D/tiny/m.json" "writing" && same "$D/tiny/m.json" "$A" &&
        no_temps "$D/tiny"; then ok; else bad "network2 --save onto a full tmpfs: $why"; fi
    umount "$D/tiny" 2>/dev/null
fi

# ------------------------------------------------- 2. a missing folder
# Every output path is checked before training: a path into a folder that
# does not exist stops the program at once (no epoch printed), exit 1, with
# the folder named; nothing is created.
missing_case() { # LABEL FOLDER PROGRAM ARGS...
    label=$1 folder=$2
    shift 2
    run "$@"
    if failed_as "$folder" "does not exist" && not_trained && [ ! -e "$folder" ]; then ok; else
        bad "$label into a missing folder: $why"; fi
}
fresh missing
missing_case "network2 --save" "$c/nowhere" "$n2" $N2 --save "$c/nowhere/m.json"
missing_case "network2 --plot-data" "$c/nowhere" "$n2" $N2 --save "$c/m.json" --plot-data "$c/nowhere/p.dat"
[ -e "$c/m.json" ] && bad "network2 saved its model although --plot-data was refused"
missing_case "network3 --save" "$c/nowhere" "$n3" $N3 --save "$c/nowhere/m.json"
missing_case "network3 --checkpoint" "$c/nowhere" "$n3" $N3CK --checkpoint "$c/nowhere/ck"
missing_case "network3 --predictions" "$c/nowhere" "$n3" $N3 --predictions "$c/nowhere/p.txt"
missing_case "network3 --plot-data" "$c/nowhere" "$n3" $N3 --plot-data "$c/nowhere/p.dat"

# ---------------------------------------- 3. a write-protected file (444)
# A target without the owner's write bit is refused before training (root
# could write it, so the mode itself must be honoured); it keeps its bytes
# and its mode.
protected_case() { # LABEL FILE REF PROGRAM ARGS...
    label=$1 file=$2 ref=$3
    shift 3
    cp "$ref" "$file"
    chmod 444 "$file"
    run "$@"
    mode=$(stat -c %a "$file")
    if failed_as "$file" "write-protected" && not_trained && same "$file" "$ref" &&
        [ "$mode" = 444 ] && no_temps "$(dirname "$file")"; then ok; else
        [ "$mode" = 444 ] || why="$why (mode now $mode)"
        bad "$label over a write-protected file: $why"
    fi
}
fresh protected
printf '# an older plot\n0 1\n' >"$c/plot.ref"
protected_case "network2 --save" "$c/m2.json" "$A" "$n2" $N2 --seed 2 --save "$c/m2.json"
protected_case "network2 --plot-data" "$c/p2.dat" "$c/plot.ref" "$n2" $N2 --plot-data "$c/p2.dat"
protected_case "network3 --save" "$c/m3.json" "$N3A" "$n3" $N3 --seed 2 --save "$c/m3.json"
protected_case "network3 --checkpoint" "$c/ck" "$D/ref/ck1" "$n3" $N3CK --checkpoint "$c/ck"
protected_case "network3 --predictions" "$c/p3.txt" "$c/plot.ref" "$n3" $N3 --predictions "$c/p3.txt"
chmod -R u+w "$c"

# ------------------------------- 4. not a regular file at the target
# A symbolic link at the target is refused (neither the link nor the file
# it points to changes, and a dangling link does not create its target); so
# are a directory, a fifo (which must not block the program) and, where one
# can be made, a device node.
fresh links
cp "$A" "$c/real.json"
cp "$D/ref/ck1" "$c/real.ck"
ln -s real.json "$c/m.json"
ln -s nothing.json "$c/dangling.json"
ln -s real.json "$c/p.dat"
ln -s real.ck "$c/ck"
link_case() { # LABEL LINK TARGET REF PROGRAM ARGS...
    label=$1 link=$2 target=$3 ref=$4
    shift 4
    run "$@"
    if failed_as "$link" "not a regular file" && not_trained &&
        [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ] && no_temps "$c"; then
        if [ -n "$ref" ]; then
            if same "$c/$target" "$ref"; then ok; else bad "$label onto a symlink: $why"; fi
        elif [ -e "$c/$target" ]; then
            bad "$label onto a dangling symlink created its target"
        else ok; fi
    else
        [ -L "$link" ] || why="$why (the link was replaced)"
        bad "$label onto a symlink: $why"
    fi
}
link_case "network2 --save" "$c/m.json" real.json "$A" "$n2" $N2 --seed 2 --save "$c/m.json"
link_case "network2 --save (dangling link)" "$c/dangling.json" nothing.json "" \
    "$n2" $N2 --save "$c/dangling.json"
link_case "network2 --plot-data" "$c/p.dat" real.json "$A" "$n2" $N2 --plot-data "$c/p.dat"
link_case "network3 --save" "$c/m.json" real.json "$A" "$n3" $N3 --save "$c/m.json"
link_case "network3 --checkpoint" "$c/ck" real.ck "$D/ref/ck1" "$n3" $N3CK --checkpoint "$c/ck"

mkdir "$c/dir.json"
run "$n2" $N2 --save "$c/dir.json"
if failed_as "$c/dir.json" "not a regular file" && not_trained && [ -d "$c/dir.json" ] &&
    [ -z "$(ls -A "$c/dir.json")" ]; then ok; else bad "network2 --save onto a directory: $why"; fi

mkfifo "$c/fifo.json"
# a program that opened the fifo would block: it gets 20 s at most
run timeout -s KILL 20 "$n2" $N2 --save "$c/fifo.json"
if failed_as "$c/fifo.json" "not a regular file" && not_trained && [ -p "$c/fifo.json" ]; then ok; else
    bad "network2 --save onto a fifo: $why"; fi

if mknod "$c/null.json" c 1 3 2>/dev/null; then
    run "$n2" $N2 --save "$c/null.json"
    if failed_as "$c/null.json" "not a regular file" && not_trained && [ -c "$c/null.json" ]; then ok; else
        bad "network2 --save onto a device: $why"; fi
fi

# ---------------------------- 5. something planted at the temporary name
# A regular file and a link planted at PATH.tmp and PATH.tmp-PID-0000 stay
# as they are and the save succeeds; and when the shim plants a link (or a
# file) at the exact name the program is about to create, the exclusive
# creation refuses it and the program takes another name: the save succeeds,
# the plant and the file its link points to are untouched.
fresh plant
cp "$A" "$c/m.json"
printf 'victim\n' >"$c/victim"
printf 'planted\n' >"$c/m.json.tmp"
ln -s victim "$c/m.json.tmp-1-0000"
run "$n2" $N2 --seed 2 --save "$c/m.json"
if succeeded && same "$c/m.json" "$B" && [ "$(cat "$c/m.json.tmp")" = planted ] &&
    [ "$(readlink "$c/m.json.tmp-1-0000")" = victim ] && [ "$(cat "$c/victim")" = victim ] &&
    no_temps "$c" m.json.tmp-1-0000; then ok; else bad "files planted at PATH.tmp*: $why"; fi

for kind in link file; do
    fresh "plant-$kind"
    cp "$A" "$c/m.json"
    printf 'victim\n' >"$c/victim"
    if [ $kind = link ]; then
        run LD_PRELOAD=$SHIM NND_FAULT=plant NND_FAULT_PLANT=victim NND_FAULT_MATCH=m.json.tmp- \
            "$n2" $N2 --seed 2 --save "$c/m.json"
    else
        run LD_PRELOAD=$SHIM NND_FAULT=plant NND_FAULT_MATCH=m.json.tmp- \
            "$n2" $N2 --seed 2 --save "$c/m.json"
    fi
    planted=$(ls -A "$c" | grep -F '.tmp-')
    if [ $kind = link ]; then
        [ -L "$c/$planted" ] && [ "$(readlink "$c/$planted")" = victim ] && intact=1 || intact=0
    else
        [ -f "$c/$planted" ] && [ ! -L "$c/$planted" ] && [ "$(cat "$c/$planted")" = planted ] &&
            intact=1 || intact=0
    fi
    if [ "$(echo "$planted" | wc -w)" -ne 1 ]; then
        bad "a $kind planted at the exact temporary name: expected the one plant, found: $planted"
    elif succeeded && same "$c/m.json" "$B" && [ "$(cat "$c/victim")" = victim ] && [ $intact = 1 ]; then
        ok
    else
        [ $intact = 1 ] || why="$why (the plant $planted was changed)"
        bad "a $kind planted at the exact temporary name: $why"
    fi
done

# ------------------------------- 6. a step of the save fails (the shim)
# rename, fsync, write, close or the creation of the temporary file fails
# (EIO, or the errno named): exit 1, one line naming the path and the step,
# the previous model byte-identical, no temporary file left.
step_case() { # LABEL WORDS PROGRAM REF-BEFORE VAR=VALUE...
    label=$1 words=$2 prog=$3 before=$4
    shift 4
    fresh "step-$prog-$(echo "$label" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-')"
    cp "$before" "$c/m.json"
    if [ "$prog" = network2 ]; then
        run LD_PRELOAD=$SHIM "$@" "$n2" $N2 --seed 2 --save "$c/m.json"
    else
        run LD_PRELOAD=$SHIM "$@" "$n3" $N3 --seed 2 --save "$c/m.json"
    fi
    if failed_as "$c/m.json" "$words" && same "$c/m.json" "$before" && no_temps "$c"; then ok; else
        bad "$prog --save, $label: $why"; fi
}
step_case "rename fails (EIO)" renaming network2 "$A" NND_FAULT=rename NND_FAULT_ERRNO=EIO
step_case "fsync fails (EIO)" syncing network2 "$A" NND_FAULT=fsync NND_FAULT_ERRNO=EIO
step_case "fsync fails (ENOSPC)" syncing network2 "$A" NND_FAULT=fsync NND_FAULT_ERRNO=ENOSPC
step_case "write fails (EIO)" writing network2 "$A" NND_FAULT=write NND_FAULT_ERRNO=EIO
step_case "close fails (EIO)" closing network2 "$A" NND_FAULT=close NND_FAULT_ERRNO=EIO
step_case "creating the temporary file fails (EACCES)" "temporary file" network2 "$A" \
    NND_FAULT=open NND_FAULT_ERRNO=EACCES
step_case "rename fails (EXDEV)" renaming network3 "$N3A" NND_FAULT=rename NND_FAULT_ERRNO=EXDEV
step_case "fsync fails (EIO)" syncing network3 "$N3A" NND_FAULT=fsync NND_FAULT_ERRNO=EIO

# ----------------------------------------- 7. a checkpoint cannot be written
# network3 continues from the checkpoint after epoch 0; writing the next one
# fails (rename, EIO): the run stops with exit 1 and an error naming the
# checkpoint, which still holds epoch 0's state, byte for byte; the same
# command afterwards continues from it and ends with the model of an
# uninterrupted run.
fresh ckfail
cp "$D/ref/ck1" "$c/ck"
run LD_PRELOAD=$SHIM NND_FAULT=rename NND_FAULT_MATCH=ck.tmp- "$n3" $N3CK --checkpoint "$c/ck" --save "$c/m.json"
if failed_as "$c/ck" "renaming" && same "$c/ck" "$D/ref/ck1" && no_temps "$c" && [ ! -e "$c/m.json" ]; then
    run "$n3" $N3CK --checkpoint "$c/ck" --save "$c/m.json"
    first=$(grep -m1 '^Epoch' "$D/out" | cut -d: -f1)
    if succeeded && [ "$first" = "Epoch 1" ] && same "$c/m.json" "$N3C"; then ok; else
        [ "$first" = "Epoch 1" ] || why="$why (the continued run began with '$first')"
        bad "network3 continuing after a failed checkpoint: $why"
    fi
else
    [ -e "$c/m.json" ] && why="$why (a model was saved although the run stopped)"
    bad "network3 --checkpoint failing after an epoch: $why"
fi

# --------------------------------- 8. a side output fails after training
# The model is saved first: when the plot data (or the predictions) cannot
# be written, the model is there and complete (the reference model, which
# loads), the side file keeps its previous bytes, exit 1 with one line.
fresh side2
cp "$A" "$c/m.json"
printf '# an older plot\n0 1\n' >"$c/p.dat"
cp "$c/p.dat" "$c/p.ref"
run LD_PRELOAD=$SHIM NND_FAULT=rename NND_FAULT_MATCH=p.dat "$n2" $N2 --seed 2 --save "$c/m.json" \
    --plot-data "$c/p.dat"
if failed_as "$c/p.dat" "renaming" && same "$c/m.json" "$B" && loads2 "$c/m.json" &&
    same "$c/p.dat" "$c/p.ref" && no_temps "$c"; then ok; else
    bad "network2 --plot-data failing after training: $why"; fi

fresh side2w
printf '# an older plot\n0 1\n' >"$c/p.dat"
cp "$c/p.dat" "$c/p.ref"
run LD_PRELOAD=$SHIM NND_FAULT=write NND_FAULT_ERRNO=ENOSPC NND_FAULT_MATCH=p.dat "$n2" $N2 --seed 2 \
    --save "$c/m.json" --plot-data "$c/p.dat"
if failed_as "$c/p.dat" "writing" && same "$c/m.json" "$B" && same "$c/p.dat" "$c/p.ref" &&
    no_temps "$c"; then ok; else bad "network2 --plot-data onto a full device after training: $why"; fi

fresh side3
printf '7\n' >"$c/pred.txt"
cp "$c/pred.txt" "$c/pred.ref"
run LD_PRELOAD=$SHIM NND_FAULT=fsync NND_FAULT_MATCH=pred.txt "$n3" $N3 --seed 2 --save "$c/m.json" \
    --predictions "$c/pred.txt"
if failed_as "$c/pred.txt" "syncing" && same "$c/m.json" "$N3B" && same "$c/pred.txt" "$c/pred.ref" &&
    no_temps "$c"; then ok; else bad "network3 --predictions failing after training: $why"; fi

fresh side3p
run LD_PRELOAD=$SHIM NND_FAULT=rename NND_FAULT_MATCH=p.dat "$n3" $N3 --seed 2 --save "$c/m.json" \
    --plot-data "$c/p.dat"
if failed_as "$c/p.dat" "renaming" && same "$c/m.json" "$N3B" && [ ! -e "$c/p.dat" ] &&
    no_temps "$c"; then ok; else bad "network3 --plot-data failing after training: $why"; fi

# ------------------------------------ 9. two saves to one path at once
# Two network2 runs (seeds 1 and 2) save to the same path at the same time,
# their writes slowed down so that they overlap: both succeed, the file is
# then exactly one of the two models, and no temporary file is left.
# Five trials.
fresh race
i=0
race_bad=
while [ $i -lt 5 ]; do
    i=$((i + 1))
    printf 'the previous file\n' >"$c/m.json"
    env LD_PRELOAD=$SHIM NND_FAULT_SLOW_US=3000 NND_FAULT_SLOW_CHUNK=1024 NND_FAULT_MATCH="$c/m.json" \
        "$n2" $N2 --seed 1 --save "$c/m.json" >"$D/race1.out" 2>"$D/race1.err" &
    p1=$!
    env LD_PRELOAD=$SHIM NND_FAULT_SLOW_US=3000 NND_FAULT_SLOW_CHUNK=1024 NND_FAULT_MATCH="$c/m.json" \
        "$n2" $N2 --seed 2 --save "$c/m.json" >"$D/race2.out" 2>"$D/race2.err" &
    p2=$!
    wait $p1
    r1=$?
    wait $p2
    r2=$?
    if [ $r1 -ne 0 ] || [ $r2 -ne 0 ] || [ -s "$D/race1.err" ] || [ -s "$D/race2.err" ]; then
        race_bad="trial $i: exit statuses $r1 and $r2: $(cat "$D/race1.err" "$D/race2.err" | head -2 | tr '\n' '|')"
        break
    fi
    if ! cmp -s "$c/m.json" "$A" && ! cmp -s "$c/m.json" "$B"; then
        why="it loads, though"
        loads2 "$c/m.json" || true
        race_bad="trial $i: the file is neither run's model ($why)"
        break
    fi
    if ! no_temps "$c"; then
        race_bad="trial $i: $why"
        break
    fi
done
if [ -z "$race_bad" ]; then ok; else bad "two concurrent saves to one path: $race_bad"; fi

# ------------------------------------ 10. kill -9 during network2 --save
# The model is written slowly (1 KB every 20 ms) and the program is killed
# at a random moment of its run (or just after it), 20 times: the file is
# then the previous model byte for byte or the complete new one, never
# anything else; the only other thing a kill may leave is a temporary file
# PATH.tmp-* (counted and reported, then removed for the next trial).
fresh kill2
# (the writes to the target itself are slowed too, should a save ever go there)
SLOW="NND_FAULT_SLOW_US=20000 NND_FAULT_SLOW_CHUNK=1024 NND_FAULT_MATCH=$c/m.json"
# an uninterrupted slow run sets the range of the kill times (its length
# and a quarter more, so that some runs end before the kill)
t0=$(now_ms)
run LD_PRELOAD=$SHIM $SLOW "$n2" $N2 --seed 2 --save "$c/m.json"
span=$(($(now_ms) - t0))
span=$((span + span / 4 + 1))
if ! succeeded || ! same "$c/m.json" "$B"; then bad "network2 with slow writes: $why"; fi
old=0 new=0 temps=0 bad_trials=0 kill_bad=
i=0
while [ $i -lt 20 ]; do
    i=$((i + 1))
    rm -f "$c"/*
    cp "$A" "$c/m.json"
    env LD_PRELOAD=$SHIM $SLOW "$n2" $N2 --seed 2 --save "$c/m.json" >"$D/out" 2>"$D/err" &
    pid=$!
    nap_ms "$(random_below $span)"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    trial_bad=
    if cmp -s "$c/m.json" "$A"; then
        old=$((old + 1))
    elif cmp -s "$c/m.json" "$B"; then
        new=$((new + 1))
    elif [ -f "$c/m.json" ] && loads2 "$c/m.json"; then
        new=$((new + 1)) # a complete model, if not the expected one
    else
        trial_bad="trial $i: m.json is neither the previous model nor a complete new one ($(wc -c <"$c/m.json" 2>/dev/null) bytes)"
    fi
    others=$(ls -A "$c" | grep -vx 'm\.json' | grep -v '^m\.json\.tmp-' | tr '\n' ' ')
    [ -z "$others" ] || trial_bad="trial $i: unexpected files left: $others"
    temps=$((temps + $(ls -A "$c" | grep -c '^m\.json\.tmp-')))
    if [ -n "$trial_bad" ]; then
        bad_trials=$((bad_trials + 1))
        [ -n "$kill_bad" ] || kill_bad=$trial_bad
    fi
done
if [ -z "$kill_bad" ]; then ok; else bad "kill -9 during network2 --save: $bad_trials of 20 trials; first: $kill_bad"; fi
echo "kill -9 during network2 --save: 20 runs: $old kept the previous model, $new had the new one," \
    "$temps left a temporary file m.json.tmp-*"

# -------------------------- 11. continuing from a finished run's checkpoint
# A checkpoint that records all the run's epochs: the same command trains no
# more, saves the model (that of the uninterrupted run) and exits 0.
fresh ckdone
cp "$D/ref/ck" "$c/ck"
run "$n3" $N3CK --checkpoint "$c/ck" --save "$c/m.json"
if succeeded && not_trained && same "$c/m.json" "$N3C" && same "$c/ck" "$D/ref/ck"; then ok; else
    bad "network3 continuing from the checkpoint of a finished run: $why"; fi

# ---------------------------- 12. kill -9 during network3 --checkpoint runs
# A three-epoch network3 run writing a checkpoint after every epoch (each
# checkpoint written slowly, 64 KB every 25 ms) is killed at a random
# moment, 20 times: the checkpoint is then absent (killed before the first)
# or complete - the same command run again continues from the epoch it
# records and ends with exit 0 and the model of an uninterrupted run, bit
# for bit. Temporary files (PATH.tmp-*) are the only other leftovers.
fresh kill3
SLOW3="NND_FAULT_SLOW_US=25000 NND_FAULT_SLOW_CHUNK=65536 NND_FAULT_MATCH=$c/ck"
t0=$(now_ms)
run LD_PRELOAD=$SHIM $SLOW3 "$n3" $N3CK --checkpoint "$c/ck" --save "$c/m.json"
span=$(($(now_ms) - t0))
span=$((span + span / 10 + 1))
if ! succeeded || ! same "$c/m.json" "$N3C"; then bad "network3 with slow checkpoint writes: $why"; fi
none=0 temps=0 at1=0 at2=0 at3=0 bad_trials=0 kill_bad=
i=0
while [ $i -lt 20 ]; do
    i=$((i + 1))
    rm -f "$c"/*
    env LD_PRELOAD=$SHIM $SLOW3 "$n3" $N3CK --checkpoint "$c/ck" --save "$c/m.json" >"$D/out" 2>"$D/err" &
    pid=$!
    nap_ms "$(random_below $span)"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    trial_bad=
    others=$(ls -A "$c" | grep -vx -e 'ck' -e 'm\.json' | grep -v -e '^ck\.tmp-' -e '^m\.json\.tmp-' | tr '\n' ' ')
    [ -n "$others" ] && trial_bad="trial $i: unexpected files left: $others"
    temps=$((temps + $(ls -A "$c" | grep -c -e '^ck\.tmp-' -e '^m\.json\.tmp-')))
    rm -f "$c"/*.tmp-*
    done_=0
    if [ -e "$c/ck" ]; then
        done_=$(sed -n '3s/^done //p' "$c/ck")
        case "$done_" in
        1) at1=$((at1 + 1)) ;;
        2) at2=$((at2 + 1)) ;;
        3) at3=$((at3 + 1)) ;;
        *) trial_bad="trial $i: the checkpoint is damaged ($(wc -c <"$c/ck") bytes, line 3 '$(sed -n 3p "$c/ck")')" ;;
        esac
    else
        none=$((none + 1))
    fi
    if [ -z "$trial_bad" ]; then
        run "$n3" $N3CK --checkpoint "$c/ck" --save "$c/m.json"
        first=$(grep -m1 '^Epoch' "$D/out" | cut -d: -f1)
        if [ "$done_" -lt 3 ]; then want="Epoch $done_"; else want=""; fi
        if ! succeeded; then
            trial_bad="trial $i: continuing from a checkpoint of $done_ epochs: $why"
        elif [ "$first" != "$want" ]; then
            trial_bad="trial $i: the checkpoint recorded $done_ epochs, the continued run began with '$first'"
        elif ! same "$c/m.json" "$N3C"; then
            trial_bad="trial $i: continuing from a checkpoint of $done_ epochs: $why"
        fi
    fi
    if [ -n "$trial_bad" ]; then
        bad_trials=$((bad_trials + 1))
        [ -n "$kill_bad" ] || kill_bad=$trial_bad
    fi
done
if [ -z "$kill_bad" ]; then ok; else
    bad "kill -9 during network3 --checkpoint: $bad_trials of 20 trials; first: $kill_bad"; fi
echo "kill -9 during network3 --checkpoint: 20 runs: $none before the first checkpoint," \
    "$at1/$at2/$at3 after 1/2/3 epochs, $temps temporary files left"

finish
