# F3-17: validation accuracy per epoch, old (N(0,1)) vs new (N(0,1/n_in)) init, 100 hidden.
# Data: build/fig_training
load 'plots/style.gp'
set output 'plots/weight_initialization_100.png'
set title 'Classification accuracy, [784,100,10]'
set xlabel 'Epoch'
set xrange [0:30]
set yrange [85:100]
set key bottom right
plot 'plots/weight_initialization_100.dat' using 1:2 with lines ls 1 title 'Old approach to weight initialization', \
     '' using 1:3 with lines ls 2 title 'New approach to weight initialization'
