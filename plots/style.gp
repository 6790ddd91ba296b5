# Shared look of the figures (loaded by every plots/*.gp): the book's plain
# style - white background, light grid, blue first curve, no frame clutter.
set terminal pngcairo size 640,420 enhanced font 'DejaVu Sans,11'
set encoding utf8
set grid lc rgb '#dddddd'
set border 3 lc rgb '#444444'
set tics nomirror out
set key noautotitle
set style line 1 lw 2 lc rgb '#2a6fb0'
set style line 2 lw 2 lc rgb '#d9541e'
set style line 3 lw 2 lc rgb '#3a9a3a'
set style line 4 lw 2 lc rgb '#8e44ad'
set style line 5 lw 2 lc rgb '#888888' dashtype 2
