# F3-4: accuracy (%) on the test data, epochs 200-399, lambda 0. Data: build/fig_overfitting
load 'plots/style.gp'
set output 'plots/overfitting2.png'
set title 'Accuracy (%) on the test data'
set xlabel 'Epoch'
set xrange [200:400]
set autoscale y
plot 'plots/overfitting.dat' using 1:(($1 >= 200) ? $3 : 1/0) with lines ls 1
