# F3-9: accuracy (%) on the test data, epochs 200-399, lambda 0.1 (book: peak 87.1%).
# Data: build/fig_overfitting
load 'plots/style.gp'
set output 'plots/regularized2.png'
set title 'Accuracy (%) on the test data ({/Symbol l} = 0.1)'
set xlabel 'Epoch'
set xrange [200:400]
set autoscale y
plot 'plots/regularized.dat' using 1:(($1 >= 200) ? $3 : 1/0) with lines ls 1
