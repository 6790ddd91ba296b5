# F3-8: cost on the training data, epochs 200-399, lambda 0.1. Data: build/fig_overfitting
load 'plots/style.gp'
set output 'plots/regularized1.png'
set title 'Cost on the training data ({/Symbol l} = 0.1)'
set xlabel 'Epoch'
set xrange [200:400]
set autoscale y
plot 'plots/regularized.dat' using 1:(($1 >= 200) ? $2 : 1/0) with lines ls 1
