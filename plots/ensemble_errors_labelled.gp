# Chapter 6 ensemble_errors: the test digits the ensemble gets wrong, with the true label
# (top right, green) and the ensemble's answer (bottom right, red) on each tile.
# Image: build/network3 --preset ensemble (plots/ensemble_errors.png, examples/imgrid.h grid:
# 8 tiles a row, 28x28 at scale 2, pad 2). Labels: plots/ensemble_errors.dat, columns
# tile true predicted (written by network3 when it supports it).
scale = 2; pad = 2; cols = 8; tile = 28 * scale
pitch = tile + pad
set terminal pngcairo size 8 * 58 * 2 + 40, 5 * 58 * 2 + 60 enhanced font 'DejaVu Sans,10'
set output 'plots/ensemble_errors_labelled.png'
set title 'Test images the ensemble gets wrong: true label (green) and its answer (red)'
unset border; unset tics; unset key; unset grid
set size ratio -1
set yrange [*:*] reverse
set lmargin 1; set rmargin 1; set bmargin 1
# read the PNG top row first and reverse the y axis: pixel coordinates from the top left
plot 'plots/ensemble_errors.png' binary filetype=png flipy with rgbimage, \
     'plots/ensemble_errors.dat' using (pad + (int($1) % cols) * pitch + tile - 6):(pad + int(int($1) / cols) * pitch + 9):(sprintf('%d', $2)) \
        with labels tc rgb '#1a8a1a' font ',11', \
     '' using (pad + (int($1) % cols) * pitch + tile - 6):(pad + int(int($1) / cols) * pitch + tile - 9):(sprintf('%d', $3)) \
        with labels tc rgb '#d01c1c' font ',11'
