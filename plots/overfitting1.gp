# F3-3: cost on the training data, epochs 200-399, lambda 0. Data: build/fig_overfitting
load 'plots/style.gp'
set output 'plots/overfitting1.png'
set title 'Cost on the training data'
set xlabel 'Epoch'
set xrange [200:400]
set autoscale y
plot 'plots/overfitting.dat' using 1:(($1 >= 200) ? $2 : 1/0) with lines ls 1
