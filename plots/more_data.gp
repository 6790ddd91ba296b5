# F3-12: validation accuracy against training-set size, linear x. Data: build/fig_training
load 'plots/style.gp'
set output 'plots/more_data.png'
set title 'Accuracy (%) on the validation data'
set xlabel 'Training set size'
set xrange [0:50000]
set yrange [60:100]
set format x '%.0f'
plot 'plots/more_data.dat' using 1:2 with linespoints ls 1 pt 7 ps 1
