# tests/jobs.sh - sourced by tests/run.sh, tests/mutants.sh and
# tests/exercise_index.sh (from the repository's root): programs built in
# parallel, at most $JOBS at a time (default: the cores).
#   throttle; COMMAND & track $!
# Each background job's pid is recorded with track: a POSIX shell's `jobs`
# cannot count them from inside $(...) (under dash it is always empty).
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
bg_pids=""
track() { bg_pids="$bg_pids $1"; }

# throttle: wait until fewer than $JOBS of the recorded jobs still run.
throttle() {
    while :; do
        alive=""
        for pid_ in $bg_pids; do kill -0 "$pid_" 2>/dev/null && alive="$alive $pid_"; done
        bg_pids=$alive
        set -- $bg_pids
        [ $# -lt "$JOBS" ] && return
        sleep 0.1
    done
}
