# F3-6: accuracy (%) on the training data, epochs 0-399, lambda 0. Data: build/fig_overfitting
load 'plots/style.gp'
set output 'plots/overfitting4.png'
set title 'Accuracy (%) on the training data'
set xlabel 'Epoch'
set xrange [0:400]
set yrange [*:101]
plot 'plots/overfitting.dat' using 1:5 with lines ls 1
