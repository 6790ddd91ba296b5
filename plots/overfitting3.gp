# F3-5: cost on the test data, epochs 0-399, lambda 0 (book: minimum 1.2028 at epoch 14).
# Data: build/fig_overfitting
load 'plots/style.gp'
set output 'plots/overfitting3.png'
set title 'Cost on the test data'
set xlabel 'Epoch'
set xrange [0:400]
set autoscale y
stats 'plots/overfitting.dat' using 4 nooutput
set label 1 sprintf('minimum %.3f at epoch %d', STATS_min, STATS_index_min) at graph 0.35, graph 0.12
plot 'plots/overfitting.dat' using 1:4 with lines ls 1
