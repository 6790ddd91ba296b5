#!/bin/sh
# tests/mutants.sh - the mutation matrix: which checks catch which bug.
#
#   sh tests/mutants.sh [options] [N | N-M ...]
#
# For each single-point bug of tests/mutants.list (all of them, or the
# numbers given), a copy of nnd.h gets the bug, every exercise program
# (exercises/*.c) and every unit test (tests/test_*.c but test_reference.c)
# is built against that copy and run, and the checks that FAIL are recorded:
# an exercise check by its id (the first word of a line ending in FAIL), a
# unit test's by "test_x:LINE" (from "FAIL file:LINE:"); a program that
# crashes, times out or prints no summary counts as one failure
# ("prog:crash", "prog:timeout"). The unmutated copy is built and run first
# and must pass fully. The matrix then gives, per mutant, the number of
# distinct failing checks (an exercise id, a unit test's line, however
# often it failed), the failing exercise ids and unit-test lines, and a
# verdict: SURVIVES when nothing fails, WEAK when fewer than two checks fail
# or no exercise check does. "a check of its chapter" says whether an exercise check of
# the chapters the list names for the bug is among them.
#
# Options:
#   --markdown    print the matrix as a markdown table (the one in
#                 exercises/README.md, "Mutation matrix") instead of text
#   --check       only check that every substitution of the selected mutants
#                 matches exactly once, and build them (no runs)
#   --list        print the mutants and exit
#   --report      run nothing: print the matrix of the results saved in
#                 build/mutants by earlier runs (with --markdown: as markdown)
#   --head        take the sources from the last commit (git archive HEAD)
#                 instead of the working tree, which may be in the middle of
#                 an edit
#   --allow-base-failures
#                 go on when the unmutated copy fails some checks, and leave
#                 those checks out of every mutant's row (say so in the output)
#
# Environment: JOBS (parallel compiles, default nproc), CC (default cc),
# TIMEOUT (the least time a program gets under a mutant, default 60 s; it
# gets 10 times its unmutated run time if that is more). Everything runs
# under nice -n 15, one program at a time (some checks time themselves),
# with OMP_WAIT_POLICY=passive. Work files go to build/mutants/ (or
# MUTANTS_DIR; one run at a time in it): src/ (the
# sources as they were when the run started - nnd.h may change meanwhile),
# mNN/ per mutant (m00: unmutated) with its nnd.h, binaries, logs and
# fails.txt, and matrix.txt / matrix.md. Not part of `make test`: the full
# run builds 24 trees and takes 20 minutes on a quiet two-core machine
# (40 when the machine is busy).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
LIST=tests/mutants.list
OUT=${MUTANTS_DIR:-build/mutants}
. tests/jobs.sh # JOBS (default: the cores), throttle and track
CC=${CC:-cc}
TMIN=${TIMEOUT:-60}
NICE="nice -n 15"
STRICT="-std=c99 -pedantic -Wall -Wextra -Werror"
EXOPT="-O3 -march=native -ffp-contract=fast" # as tests/run.sh builds the exercises
UNITOPT="-O1"                                 # short compiles; ...
SLOWOPT="$EXOPT"                              # ... but the MNIST trainers run 10x faster at -O3
OMP=$(echo 'int main(void){return 0;}' | $CC -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp)
OMP_WAIT_POLICY=passive
export OMP_WAIT_POLICY

markdown=0
check_only=0
list_only=0
report=0
head=0
allow_base=0
want=""
for arg in "$@"; do
    case "$arg" in
    --markdown) markdown=1 ;;
    --check) check_only=1 ;;
    --list) list_only=1 ;;
    --report) report=1 ;;
    --head) head=1 ;;
    --allow-base-failures) allow_base=1 ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    [0-9]*-[0-9]*) want="$want $(seq "${arg%-*}" "${arg#*-}" | tr '\n' ' ')" ;;
    [0-9]*) want="$want $arg" ;;
    *) echo "mutants.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
    esac
done
say() { echo "$@" >&2; }

mkdir -p $OUT
# One run at a time in $OUT: a second one would rebuild the trees under the
# first. (--list and --report only read.)
if [ $list_only = 0 ] && [ $report = 0 ]; then
    if ! mkdir $OUT/lock 2>/dev/null; then
        pid=$(cat $OUT/lock/pid 2>/dev/null)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            say "mutants.sh: process $pid is running mutants in $OUT; wait for it, or set MUTANTS_DIR"
            exit 2
        fi
        rm -rf $OUT/lock && mkdir $OUT/lock || exit 2 # left by a run that was killed
    fi
    echo $$ >$OUT/lock/pid
    trap 'rm -rf "$OUT/lock"' EXIT
    trap 'exit 130' INT TERM
fi
# ------------------------------------------------------------ the list
# apply.pl LIST N IN OUT: write IN with mutant N's substitutions to OUT.
# apply.pl LIST: print "N|name|chapters|what" for every mutant.
cat >$OUT/apply.pl <<'PERL'
use strict; use warnings;
my ($list, $want, $in, $out) = @ARGV;
open(my $fh, '<', $list) or die "cannot read $list\n";
my (@mut, $cur, $sub);
while (my $line = <$fh>) {
    chomp $line;
    next if $line =~ /^#/;
    if ($line =~ /^@\s*(\d+)\s+(\S+)\s*\|\s*([^|]*?)\s*\|\s*(.*)$/) {
        $cur = { n => $1, name => $2, ch => $3, what => $4, subs => [] };
        push @mut, $cur; $sub = undef; next;
    }
    if ($line =~ /^-(?: (.*))?$/) {
        die "$list:$.: a substitution outside a mutant\n" unless $cur;
        if (!$sub || @{$sub->{to}}) { $sub = { from => [], to => [], at => $. }; push @{$cur->{subs}}, $sub; }
        push @{$sub->{from}}, defined $1 ? $1 : ''; next;
    }
    if ($line =~ /^\+(?: (.*))?$/) {
        die "$list:$.: a '+' line without the '-' lines before it\n" unless $sub;
        push @{$sub->{to}}, defined $1 ? $1 : ''; next;
    }
    next if $line =~ /^\s*$/;
    die "$list:$.: cannot read this line\n";
}
if (!defined $want) { print join('|', $_->{n}, $_->{name}, $_->{ch}, $_->{what}), "\n" for @mut; exit 0; }
my ($m) = grep { $_->{n} == $want } @mut;
die "no mutant $want in $list\n" unless $m;
local $/; open(my $src, '<', $in) or die "cannot read $in\n"; my $text = <$src>; close $src;
my $bad = 0; my $k = 0;
for my $s (@{$m->{subs}}) {
    ++$k;
    my @from = map { my $t = $_; $t =~ s/^\s+|\s+$//g; quotemeta $t } @{$s->{from}};
    my $re = join('[ \t]*\n[ \t]*', @from);
    my @hits;
    while ($text =~ /$re/g) { push @hits, $-[0]; }
    if (@hits != 1) {
        printf STDERR "mutant %d (%s), substitution %d (%s line %d) matches %d times in nnd.h, not once:\n%s\n",
            $m->{n}, $m->{name}, $k, $list, $s->{at}, scalar @hits, join("\n", map { "    $_" } @{$s->{from}});
        $bad = 1; next;
    }
    my $start = $hits[0];
    my $ls = rindex($text, "\n", $start - 1) + 1;
    my ($indent) = substr($text, $ls) =~ /^([ \t]*)/;
    my @to = @{$s->{to}};
    my $rep = join("\n", $to[0] // '', map { $indent . $_ } @to[1 .. $#to]);
    $text =~ s/$re/$rep/;
    my $line = 1 + (substr($text, 0, $start) =~ tr/\n//);
    printf "  substitution %d: nnd.h line %d\n", $k, $line;
}
exit 3 if $bad;
open(my $o, '>', $out) or die "cannot write $out\n"; print $o $text; close $o;
PERL

perl $OUT/apply.pl $LIST >$OUT/list.txt || exit 2
if [ -z "$want" ] && [ $report = 1 ]; then # the mutants that have results
    for n in $(cut -d'|' -f1 $OUT/list.txt); do
        [ -f $OUT/m$(printf %02d "$n")/info ] && want="$want $n"
    done
fi
[ -n "$want" ] || want=$(cut -d'|' -f1 $OUT/list.txt | tr '\n' ' ')
for n in $want; do
    grep -q "^$n|" $OUT/list.txt || { say "mutants.sh: no mutant $n in $LIST"; exit 2; }
done
if [ $list_only = 1 ]; then
    awk -F'|' '{ printf "%3s  %-28s %-16s %s\n", $1, $2, $3, $4 }' $OUT/list.txt
    exit 0
fi
field() { grep "^$1|" $OUT/list.txt | cut -d'|' -f"$2"; }

# ------------------------------------------------------------ one tree
# prepare DIR: a tree with the snapshot's sources and nnd.h (mutated after).
prepare() {
    rm -rf "$1"
    mkdir -p "$1/bin" "$1/log" "$1/build"
    cp -r $OUT/src/tests $OUT/src/exercises $OUT/src/examples $OUT/src/nnd.h "$1/"
    ln -s "$ROOT/data" "$1/data"
}

# build DIR: every program, $JOBS at a time; 0 when all of them build.
build() {
    d=$1
    for p in $EX; do
        throttle
        ($NICE $CC $STRICT $EXOPT "$d/exercises/$p.c" -o "$d/bin/$p" -lm >"$d/log/$p.cc" 2>&1 ||
            echo "$p" >>"$d/nobuild") &
        track $!
    done
    for p in $UNIT; do
        case $p in test_mnist*) o=$SLOWOPT ;; *) o=$UNITOPT ;; esac
        throttle
        ($NICE $CC $STRICT $o $OMP "$d/tests/$p.c" -o "$d/bin/$p" -lm >"$d/log/$p.cc" 2>&1 ||
            echo "$p" >>"$d/nobuild") &
        track $!
    done
    wait
    [ ! -f "$d/nobuild" ]
}

# failures PROG KIND LOG RC: the failing checks of one run, "KIND id" a line
# (KIND E: an exercise program, U: a unit test).
failures() {
    awk -v prog="$1" -v kind="$2" -v rc="$4" '
        /^FAIL [^ ]+:[0-9]+:/ { f = $2; sub(/:$/, "", f); n = split(f, p, ":"); file = p[1]
                                sub(/.*\//, "", file); sub(/\.c$/, "", file); print kind, file ":" p[2]; bad++; next }
        / FAIL$/              { print kind, (kind == "U" ? prog ":" $1 : $1); bad++; next }
        /^FAIL /              { w = $2; sub(/:$/, "", w); print kind, prog ":FAIL-" w; bad++; next }
        /^[0-9]+ passed, [0-9]+ failed$/ { summary = 1 }
        END {
            if (rc == 124) print kind, prog ":timeout"
            else if (rc > 128) print kind, prog ":crash"
            else if (!summary) print kind, prog ":no-summary"
            else if (rc != 0 && !bad) print kind, prog ":exit-" rc
        }' "$3"
}

# run DIR: each program in turn (cwd DIR), its failures into DIR/fails.txt
# and its time (s) into DIR/times.txt.
run() {
    d=$1
    : >"$d/fails.txt"
    : >"$d/times.txt"
    for p in $EX $UNIT; do
        case " $EX " in *" $p "*) kind=E ;; *) kind=U ;; esac
        t=600
        if [ -f $OUT/m00/times.txt ] && [ "$d" != $OUT/m00 ]; then
            t=$(awk -v p="$p" -v min="$TMIN" '$1 == p { x = 10 * $2 } END { x = x > min ? x : min; printf "%d", x + 0.5 }' \
                $OUT/m00/times.txt)
        fi
        t0=$(date +%s.%N)
        (cd "$d" && $NICE timeout "$t" "./bin/$p" >"log/$p.out" 2>&1)
        rc=$?
        t1=$(date +%s.%N)
        echo "$p $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')" >>"$d/times.txt"
        failures "$p" $kind "$d/log/$p.out" $rc >>"$d/fails.txt"
    done
}

# ------------------------------------------------------------ the matrix
# One row per mutant: n, name, failing count, exercise ids (a repeated id
# once, with its count), unit-test lines grouped by program (a line that
# failed k times: LINE(k)), whether a check of its chapters failed, verdict.
rows() {
    for n in $want; do
        d=$OUT/m$(printf %02d "$n")
        if [ -f "$d/nobuild" ]; then
            echo "$n|$(field "$n" 2)|-|-|-|-|DOES NOT BUILD"
            continue
        fi
        [ -f "$d/fails.txt" ] || { echo "$n|$(field "$n" 2)|-|-|-|-|not run"; continue; }
        other=$(cut -d'|' -f1 "$d/info")
        [ "$other" = "$(cut -d'|' -f1 $OUT/m00/info)" ] && other=""
        awk -v n="$n" -v name="$(field "$n" 2)" -v chs="$(field "$n" 3)" -v other="$other" '
            !($2 in seen) { total++; seen[$2] = 1 } # distinct checks: an id, a test line
            $1 == "E" { ex++; if (!($2 in ec)) eo[++ne] = $2; ec[$2]++
                        nc = split(chs, c, " ")
                        for (i = 1; i <= nc; i++) { h = substr($2, 1, length(c[i]) + 1)
                            if ($2 == c[i] || h == c[i] "-" || h == c[i] ":") named = 1 } }
            $1 == "U" { split($2, p, ":"); if (!(p[1] in up)) uo[++nu] = p[1]; up[p[1]] = 1
                        if (!($2 in uc)) ul[p[1]] = ul[p[1]] (ul[p[1]] == "" ? "" : ",") substr($2, length(p[1]) + 2)
                        uc[$2]++ }
            END {
                e = ""; for (i = 1; i <= ne; i++) e = e (i > 1 ? " " : "") eo[i] (ec[eo[i]] > 1 ? "(" ec[eo[i]] ")" : "")
                u = ""
                for (i = 1; i <= nu; i++) {
                    nl = split(ul[uo[i]], ls, ","); t = ""
                    for (j = 1; j <= nl; j++) { k = uc[uo[i] ":" ls[j]]; t = t (j > 1 ? "," : "") ls[j] (k > 1 ? "(" k ")" : "") }
                    u = u (i > 1 ? " " : "") uo[i] ":" t
                }
                v = total == 0 ? "SURVIVES" : (total < 2 || ex == 0 ? "WEAK" : "caught")
                if (other != "") v = v " (on nnd.h " other ")"
                printf "%s|%s|%d|%s|%s|%s|%s\n", n, name, total, e == "" ? "-" : e, u == "" ? "-" : u,
                       named ? "yes" : "no", v
            }' "$d/fails.txt"
    done
}

# render: the matrix of the mutants in $want from their saved results, as
# text (matrix.txt) and markdown (matrix.md); prints one of them.
render() {
    [ -f $OUT/m00/info ] || { say "mutants.sh: no results in $OUT (run the mutants first)"; exit 1; }
    rows >$OUT/rows.txt
    IFS='|' read -r bsha bhead bdate bleft <$OUT/m00/info
    note="nnd.h $bsha ($bhead), $bdate; $(echo $EX | wc -w) exercise programs, $(echo $UNIT | wc -w) unit tests, float build"
    [ -n "$bleft" ] && note="$note; left out of every row, as the unmutated tree fails them: $bleft"
    tally=$(awk -F'|' '{ v = $7; sub(/ .*/, "", v); k[v]++ }
        END { printf "%d mutants: %d caught, %d weak, %d survive", NR, k["caught"], k["WEAK"], k["SURVIVES"]
              if (NR - k["caught"] - k["WEAK"] - k["SURVIVES"]) printf ", %d not built or not run", NR - k["caught"] - k["WEAK"] - k["SURVIVES"] }' $OUT/rows.txt)
    {
        echo "Mutation matrix: $note"
        echo "$tally"
        echo
        awk -F'|' '{ printf "%3s %-28s %5s  %s%s\n", $1, $2, $3, $7, ($6 == "no" ? "  (no check of its chapter)" : "")
                     printf "      exercises: %s\n      unit tests: %s\n", $4, $5 }' $OUT/rows.txt
    } >$OUT/matrix.txt
    {
        echo "<!-- $note -->"
        echo
        echo "$tally."
        echo
        echo "| # | bug | failing checks | exercise checks that fail | unit-test lines that fail | a check of its chapter | verdict |"
        echo "|---|---|---|---|---|---|---|"
        while IFS='|' read -r n name total e u named v; do
            what=$(field "$n" 4 | sed 's/|/\\|/g')
            e=$(echo "$e" | sed 's/ /`, `/g')
            u=$(echo "$u" | sed 's/ /`, `/g')
            [ "$e" = "-" ] || e="\`$e\`"
            [ "$u" = "-" ] || u="\`$u\`"
            echo "| $n | \`$name\`: $what | $total | $e | $u | $named | $v |"
        done <$OUT/rows.txt
    } >$OUT/matrix.md
    if [ $markdown = 1 ]; then cat $OUT/matrix.md; else cat $OUT/matrix.txt; fi
}

if [ $report = 1 ]; then
    EX=$(cd $OUT/src/exercises 2>/dev/null && ls *.c | sed 's/\.c$//' | tr '\n' ' ')
    UNIT=$(cd $OUT/src/tests 2>/dev/null && ls test_*.c | sed 's/\.c$//' | grep -v '^test_reference$' | tr '\n' ' ')
    render
    exit 0
fi

# ------------------------------------------------------------ the sources
# A snapshot, so that edits made to the working tree during the run do not
# mix into it: nnd.h and what the programs include.
rm -rf $OUT/src $OUT/head
mkdir -p $OUT/src/tests $OUT/src/exercises $OUT/src/examples
from=.
if [ $head = 1 ]; then
    mkdir -p $OUT/head
    git archive HEAD nnd.h tests exercises examples | tar -x -C $OUT/head || exit 1
    from=$OUT/head
fi
cp $from/nnd.h $OUT/src/
cp $from/tests/*.h $from/tests/test_*.c $OUT/src/tests/
cp $from/exercises/*.c $from/exercises/*.h $OUT/src/exercises/
cp $from/examples/*.c $from/examples/*.h $OUT/src/examples/
EX=$(cd $OUT/src/exercises && ls *.c | sed 's/\.c$//' | tr '\n' ' ')
UNIT=$(cd $OUT/src/tests && ls test_*.c | sed 's/\.c$//' | grep -v '^test_reference$' | tr '\n' ' ')
SHA=$(sha256sum $OUT/src/nnd.h | cut -c1-12)
HEAD=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
[ $head = 1 ] || git diff --quiet HEAD -- nnd.h tests exercises examples 2>/dev/null ||
    HEAD="$HEAD + uncommitted changes"

# Every substitution must apply before anything is built.
stale=0
for n in $want; do
    perl $OUT/apply.pl $LIST "$n" $OUT/src/nnd.h $OUT/nnd_check.h >/dev/null || stale=1
done
rm -f $OUT/nnd_check.h
if [ $stale = 1 ]; then
    say "mutants.sh: the substitutions above no longer match nnd.h exactly once: bring $LIST up to date"
    exit 2
fi

start=$(date +%s)
say "== unmutated nnd.h ($SHA, $HEAD): building and running $(echo $EX $UNIT | wc -w) programs"
prepare $OUT/m00
if ! build $OUT/m00; then
    say "mutants.sh: the unmutated tree does not build:"
    for p in $(cat $OUT/m00/nobuild); do head -5 $OUT/m00/log/$p.cc >&2; done
    exit 1
fi
if [ $check_only = 0 ]; then
    run $OUT/m00
    if [ -s $OUT/m00/fails.txt ]; then
        say "the unmutated tree fails $(wc -l <$OUT/m00/fails.txt) checks:"
        awk '{ print "   ", $2 }' $OUT/m00/fails.txt | sort | uniq -c >&2
        if [ $allow_base = 0 ]; then
            say "mutants.sh: fix these first (or run with --allow-base-failures)"
            exit 1
        fi
        say "(--allow-base-failures: these checks are left out of every row)"
    fi
    say "   $(awk '{ s += $2 } END { printf "%.0f", s }' $OUT/m00/times.txt) s of runs"
    left=""
    [ $allow_base = 1 ] && left=$(awk '{ print $2 }' $OUT/m00/fails.txt | sort -u | tr '\n' ' ' | sed 's/ $//')
    echo "$SHA|$HEAD|$(date -u +%Y-%m-%d)|$left" >$OUT/m00/info
fi

for n in $want; do
    d=$OUT/m$(printf %02d "$n")
    say "== mutant $n $(field "$n" 2): $(field "$n" 4)"
    t_mut=$(date +%s)
    prepare "$d"
    echo "$SHA|$HEAD|$(date -u +%Y-%m-%d)|" >"$d/info"
    perl $OUT/apply.pl $LIST "$n" $OUT/src/nnd.h "$d/nnd.h" >&2 || exit 2
    if cmp -s $OUT/src/nnd.h "$d/nnd.h"; then say "mutants.sh: mutant $n changes nothing"; exit 2; fi
    diff -u $OUT/src/nnd.h "$d/nnd.h" >"$d/mutant.diff"
    if ! build "$d"; then
        say "   DOES NOT BUILD: $(tr '\n' ' ' <"$d/nobuild")"
        head -5 "$d/log/$(head -1 "$d/nobuild").cc" >&2
        continue
    fi
    [ $check_only = 1 ] && { say "   builds"; continue; }
    run "$d"
    if [ $allow_base = 1 ]; then # leave out the checks the unmutated tree fails
        awk 'NR == FNR { base[$2] = 1; next } !($2 in base)' $OUT/m00/fails.txt "$d/fails.txt" >"$d/fails.tmp"
        mv "$d/fails.tmp" "$d/fails.txt"
    fi
    say "   $(wc -l <"$d/fails.txt") failing checks ($(($(date +%s) - t_mut)) s)"
done
[ $check_only = 1 ] && exit 0
echo "$(echo $want | wc -w) mutants and the unmutated tree in $((($(date +%s) - start + 30) / 60)) min" >$OUT/last_run
render
