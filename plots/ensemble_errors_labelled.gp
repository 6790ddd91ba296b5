# Chapter 6 ensemble_errors: the test digits that R6-8 (the plurality vote of five
# dropout nets, 99.65 %) gets wrong, with the true label (top right, green) and the
# ensemble's answer (bottom right, red) on each tile, as the book shows them.
# Data: plots/ensemble_errors.png and .dat, which plots/plots.sh writes with
#   build/network3 --preset ensemble --vote plots/runs/R6-8.pred.0,...,.4
# from the five nets' committed test-set predictions (the same as plots/runs/R6-8.errors.*).
# Image: examples/imgrid.h grid, 8 tiles a row, 28x28 at scale 2, pad 2; the .dat's
# columns: tile true predicted test_index.
scale = 2; pad = 2; cols = 8; tile = 28 * scale
pitch = tile + pad
set terminal pngcairo size 8 * 58 * 2 + 40, 5 * 58 * 2 + 60 enhanced font 'DejaVu Sans,10'
set output 'plots/ensemble_errors_labelled.png'
stats 'plots/ensemble_errors.dat' using 1 nooutput
set title sprintf('The %d test images the ensemble of five nets gets wrong: true label (green), its answer (red)', STATS_records)
unset border; unset tics; unset key; unset grid
set size ratio -1
set yrange [*:*] reverse
set lmargin 1; set rmargin 1; set bmargin 1
# read the PNG top row first and reverse the y axis: pixel coordinates from the top left
plot 'plots/ensemble_errors.png' binary filetype=png flipy with rgbimage, \
     'plots/ensemble_errors.dat' using (pad + (int($1) % cols) * pitch + tile - 4):(pad + int(int($1) / cols) * pitch + 5):(sprintf('%d', $2)) \
        with labels tc rgb '#1a8a1a' font ',11', \
     '' using (pad + (int($1) % cols) * pitch + tile - 4):(pad + int(int($1) / cols) * pitch + tile - 5):(sprintf('%d', $3)) \
        with labels tc rgb '#d01c1c' font ',11'
