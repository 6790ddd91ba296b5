#!/bin/sh
# The chapter map at the top of nnd.h against the file's section banners:
# every section the map names ("N. Title") exists as the banner of section
# N with that title, the banners are numbered 0, 1, 2, ... in order, and
# every banner is named by the map. Prints "N passed, N failed".
set -u
H=${1:-nnd.h}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# banners: the line after a rule of dashes, "   N. Title..." (implementation only)
awk '/^\/\* ----------------------------------------*$/ { getline; if ($0 ~ /^   [0-9]/) print substr($0, 4) }' "$H" >/tmp/nnd_map.$$.banners
# the map: the quoted "N. Title" references between CHAPTER MAP and CONVENTIONS
awk '/CHAPTER MAP/ { on = 1 } /CONVENTIONS/ { on = 0 } on' "$H" |
    grep -o '"[0-9][0-9]*\. [^"]*"' | tr -d '"' | sort -u >/tmp/nnd_map.$$.refs

[ -s /tmp/nnd_map.$$.banners ] && ok || bad "no section banners found in $H"
[ -s /tmp/nnd_map.$$.refs ] && ok || bad "no section references found in the chapter map"

# each reference: a banner with its number and a title that starts with its words
while read -r ref; do
    if awk -v r="$ref" 'index($0, r) == 1 { f = 1 } END { exit !f }' /tmp/nnd_map.$$.banners; then
        ok
    else
        bad "the chapter map names \"$ref\", but no banner of that number begins so"
    fi
done </tmp/nnd_map.$$.refs

# banners numbered 0, 1, 2, ... in file order, each named by the map
i=0
while read -r b; do
    n=${b%%.*}
    [ "$n" = "$i" ] && ok || bad "banner \"$b\" is numbered $n, expected $i"
    if grep -q "^$n\. " /tmp/nnd_map.$$.refs; then ok; else bad "section \"$b\" is not in the chapter map"; fi
    i=$((i + 1))
done </tmp/nnd_map.$$.banners

rm -f /tmp/nnd_map.$$.*
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
