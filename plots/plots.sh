#!/bin/sh
# plots/plots.sh - regenerate the book's figures (called by `make plots` and
# `make plots-all`; run from anywhere, works in the repository root).
#
#   sh plots/plots.sh        the quick figures: functions, chapter 4's networks,
#                            image grids, chapter 3's toy neuron, chapter 5's
#                            gradients, and chapter 6's two pictures: the R6-8
#                            ensemble's misclassified digits (voted again from the
#                            committed plots/runs/R6-8.pred.*) and the filters of
#                            network3's conv preset trained for 4 epochs (about
#                            a minute, half of it the conv net's training)
#   sh plots/plots.sh all    also the long training runs (overfitting, full-data
#                            overlays, more data, weight initialisation, multiple
#                            eta, tanh vs sigmoid). A long run is skipped when its
#                            plots/*.dat is already there: delete the .dat to
#                            recompute it. (The R6-8 ensemble itself, five nets of
#                            about an hour each, is not rerun here: its commands
#                            are in plots/runs/README.md.)
#
# Programs write plots/*.dat (and the image grids' PNGs); every plots/*.gp
# whose data files all exist is then rendered to plots/*.png. Program output
# goes to build/plots-log/*.log. OMP_NUM_THREADS defaults to 1 (the runs are
# small; results do not depend on the thread count).
set -e
cd "$(dirname "$0")/.."
ALL=0
case "${1:-}" in
  all) ALL=1 ;;
  "") ;;
  *) echo "plots.sh: error: unknown argument '$1' (use: all)" >&2; exit 2 ;;
esac
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
LOG=build/plots-log
mkdir -p "$LOG" plots
T0=$(date +%s)

for p in fig_functions fig_universality fig_images fig_vanishing fig_overfitting fig_training fig_filters network3; do
  [ -x build/$p ] || { echo "plots.sh: error: build/$p is missing (run make)" >&2; exit 1; }
done
[ -f data/mnist/train-images-idx3-ubyte ] || { echo "plots.sh: error: data/mnist is missing (run make data)" >&2; exit 1; }

# run NAME LOGNAME ARGS...: run build/NAME, output to the log, fail loudly
run() {
  prog=$1; log=$2; shift 2
  t=$(date +%s)
  printf '%-44s' "build/$prog $*"
  if ! build/$prog "$@" > "$LOG/$log.log" 2>&1; then
    echo " FAILED"; tail -5 "$LOG/$log.log" >&2; exit 1
  fi
  echo " $(( $(date +%s) - t )) s"
}
# cached DAT PROG LOGNAME ARGS...: a long run, skipped when plots/DAT.dat exists
cached() {
  dat=$1; shift
  if [ -s "plots/$dat.dat" ]; then printf '%-44s cached (plots/%s.dat)\n' "build/$1 $3" "$dat"
  else run "$@"; fi
}

echo "== quick figures"
run fig_functions functions
run fig_universality universality
run fig_images images
run fig_vanishing vanishing saturation initial_gradient training_speed
# Chapter 6. The ensemble's errors with their true and voted labels (the book's
# ensemble_errors): the plurality vote of the five R6-8 nets' saved predictions,
# drawn by plots/ensemble_errors_labelled.gp.
P=plots/runs/R6-8.pred
run network3 ensemble_vote --preset ensemble --vote $P.0,$P.1,$P.2,$P.3,$P.4 \
  --errors-png plots/ensemble_errors.png
# The learned filters (the book's net_full_layer_0) of a trained net: network3's
# conv preset (R6-2) after 4 epochs on the 50,000 training images, about 97 % on
# the test set; drawn by plots/net_full_layer_0.gp.
CONV_FLAGS="--preset conv --epochs 4"
# shellcheck disable=SC2086
run network3 conv_filters $CONV_FLAGS --save "$LOG/conv_filters.json"
run fig_filters filters "$LOG/conv_filters.json" "build/network3 $CONV_FLAGS"

if [ $ALL = 1 ]; then
  echo "== long training runs"
  cached overfitting      fig_overfitting overfitting overfitting
  cached regularized      fig_overfitting regularized regularized
  cached overfitting_full fig_training overfitting_full overfitting_full
  cached regularized_full fig_training regularized_full regularized_full
  cached weight_initialization_30  fig_training weight_init_30 weight_init_30
  cached weight_initialization_100 fig_training weight_init_100 weight_init_100
  cached multiple_eta     fig_training multiple_eta multiple_eta
  cached more_data        fig_training more_data more_data
  cached tanh_sigmoid     fig_vanishing tanh_sigmoid tanh_sigmoid
fi

echo "== gnuplot"
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plots.sh: error: gnuplot is missing (sudo apt-get install gnuplot-nox)" >&2; exit 1
fi
made=0; skipped=""
for gp in plots/*.gp; do
  name=$(basename "$gp" .gp)
  [ "$name" = style ] && continue
  ok=1
  for dat in $(grep -o "plots/[A-Za-z0-9_]*\.\(dat\|png\)" "$gp" | grep -v "^plots/$name\.png$" | sort -u); do
    [ -s "$dat" ] || ok=0
  done
  if [ $ok = 1 ]; then
    if gnuplot "$gp" 2> "$LOG/gnuplot_$name.log"; then made=$((made + 1))
    else echo "gnuplot $gp FAILED:"; head -3 "$LOG/gnuplot_$name.log"; exit 1; fi
  else
    skipped="$skipped $name"
  fi
done
echo "rendered $made gnuplot figures; $(ls plots/*.png | wc -l) PNGs in plots/ ($(( $(date +%s) - T0 )) s)"
[ -z "$skipped" ] || echo "not rendered (no data yet; make plots-all makes them):$skipped"

# The README's gallery: committed copies of a few figures, so that it shows
# on a fresh checkout (plots/*.png themselves are generated, not committed).
mkdir -p plots/gallery
for f in softmax saturation4 approximation initial_gradient mnist_really_bad_images weights_after \
         ensemble_errors_labelled net_full_layer_0; do
  if [ -s plots/$f.png ]; then cp plots/$f.png plots/gallery/$f.png
  else echo "plots.sh: error: plots/$f.png was not made, so plots/gallery/ is not updated" >&2; exit 1; fi
done
echo "plots/gallery/: the README's thumbnails updated"
