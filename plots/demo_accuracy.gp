# make demo: accuracy per epoch of the book's chapter 3 network (R3-6).
# Usage: gnuplot -e "datafile='plots/demo_accuracy.dat'; outfile='plots/demo_accuracy.png'" plots/demo_accuracy.gp
# Data columns (written by build/network2 --plot-data): epoch, evaluation
# accuracy %, evaluation cost, training accuracy %, training cost, seconds.
if (!exists("datafile")) datafile = 'plots/demo_accuracy.dat'
if (!exists("outfile")) outfile = 'plots/demo_accuracy.png'
set terminal pngcairo size 900,560 enhanced font 'DejaVu Sans,11'
set output outfile
set title "[784,30,10], cross-entropy, {/Symbol h} = 0.5, {/Symbol l} = 5.0, mini-batch 10, large initialisation"
set xlabel 'Epoch'
set ylabel 'Accuracy (%)'
set xrange [0:29]
set yrange [90:100]
set grid
set key bottom right
set arrow from 0,96.49 to 29,96.49 nohead dashtype 2 lc rgb '#888888'
set label "book (R3-6): 96.49%" at 0.5,96.75 textcolor rgb '#666666'
plot datafile using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb '#1f77b4' title 'Accuracy on the test data', \
     datafile using 1:4 with linespoints pt 5 ps 0.6 lw 2 lc rgb '#ff7f0e' title 'Accuracy on the training data'
