#!/bin/sh
# plots/plots.sh - regenerate the book's figures (called by `make plots` and
# `make plots-all`; run from anywhere, works in the repository root).
#
#   sh plots/plots.sh        the quick figures: functions, chapter 4's networks,
#                            image grids, chapter 3's toy neuron, chapter 5's
#                            gradients (about a minute)
#   sh plots/plots.sh all    also the long training runs (overfitting, full-data
#                            overlays, more data, weight initialisation, multiple
#                            eta, tanh vs sigmoid, and build/network3's ensemble
#                            figures if that program exists). A long run is
#                            skipped when its plots/*.dat is already there:
#                            delete the .dat to recompute it.
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

for p in fig_functions fig_universality fig_images fig_vanishing fig_overfitting fig_training; do
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
  # Chapter 6 (issue 3's program): the ensemble's misclassified digits (with their
  # labels in plots/ensemble_errors.dat) and net 0's filters. The book's ensemble
  # (5 nets x 40 epochs on 250,000 expanded images) takes hours here, so by default
  # this runs a reduced one - 3 dropout nets, 2 epochs on the expansion of the first
  # 2,000 training images - whose .dat header and log say so. NETWORK3_FLAGS=" "
  # runs the full preset; any other flags of build/network3 can go there too.
  N3FLAGS=${NETWORK3_FLAGS---nets 3 --train-size 2000 --epochs 2}
  if [ -x build/network3 ]; then
    if [ -s plots/ensemble_errors.png ] && [ -s plots/net_full_layer_0.png ]; then
      echo "build/network3 --preset ensemble            cached (plots/ensemble_errors.png)"
    else
      printf '%-44s ' "build/network3 --preset ensemble $N3FLAGS"
      t=$(date +%s)
      # shellcheck disable=SC2086
      if build/network3 --preset ensemble $N3FLAGS \
           --errors-png plots/ensemble_errors.png --filters-png plots/net_full_layer_0.png \
           > "$LOG/network3_ensemble.log" 2>&1; then
        echo " $(( $(date +%s) - t )) s"
      else
        echo " FAILED (see $LOG/network3_ensemble.log; continuing)"
      fi
    fi
  else
    echo "build/network3 not built: skipping the chapter 6 ensemble figures"
  fi
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
