# Chapter 6 net_full_layer_0: the 20 first-layer filters of a trained convolutional net
# (network3's conv preset, trained by plots/plots.sh for a few epochs; the .dat header
# names the run and its test accuracy), 5 to a row as the book draws them. Each 5x5
# filter on its own scale, as in the book: white its smallest (most negative) weight,
# black its largest. Data: build/fig_filters (blocks: one 5x5 matrix per feature map).
load 'plots/style.gp'
set terminal pngcairo size 560,500 enhanced font 'DejaVu Sans,11'
set output 'plots/net_full_layer_0.png'
file = 'plots/net_full_layer_0.dat'
stats file using 1 nooutput
n = STATS_blocks
array lo[n]; array hi[n]
do for [f = 1:n] {
    stats file index (f - 1) matrix using 3 nooutput
    lo[f] = STATS_min; hi[f] = STATS_max > STATS_min ? STATS_max : STATS_min + 1
}
cols = 5; pitch = 5 + 1.2
set title 'First-layer filters of a trained convolutional net'
unset border; unset tics; unset grid; unset colorbox
set size ratio -1
set lmargin 1; set rmargin 1; set bmargin 1
set xrange [-0.7:cols * pitch - 1.5]
set yrange [(n + cols - 1) / cols * pitch - 1.5:-0.7]
set cbrange [0:1]
set palette gray negative
plot for [f = 0:n - 1] file index f matrix \
     using ((f % cols) * pitch + $1):(int(f / cols) * pitch + $2):(($3 - lo[f + 1]) / (hi[f + 1] - lo[f + 1])) \
     with image
