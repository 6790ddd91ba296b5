# R6-7: validation accuracy per epoch of the dropout net (--preset dropout), and
# the test accuracy at each epoch that set a new best validation accuracy.
# Usage: gnuplot plots/runs/R6-7.gp   (reads plots/runs/R6-7.dat, writes plots/runs/R6-7.png)
# Data columns (written by build/network3 --plot-data): epoch, validation accuracy %,
# test accuracy % (NaN where the epoch is not a new best), seconds.
if (!exists("datafile")) datafile = 'plots/runs/R6-7.dat'
if (!exists("outfile")) outfile = 'plots/runs/R6-7.png'
set terminal pngcairo size 900,560 enhanced font 'DejaVu Sans,11'
set output outfile
set title "R6-7: ConvPool(20) + ConvPool(40) + FC1000 + FC1000 + softmax, dropout 0.5, expanded MNIST, {/Symbol h} = 0.03"
set xlabel 'Epoch'
set ylabel 'Accuracy (%)'
set xrange [0:39]
set yrange [98.4:99.8]
set grid
set key bottom right
set datafile missing 'NaN'
set arrow from 0,99.60 to 39,99.60 nohead dashtype 2 lc rgb '#888888'
set label "book: 99.60%" at 0.5,99.65 textcolor rgb '#666666'
plot datafile using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb '#1f77b4' title 'Validation accuracy', \
     datafile using 1:3 with points pt 5 ps 0.9 lc rgb '#ff7f0e' title 'Test accuracy at a new best validation epoch'
