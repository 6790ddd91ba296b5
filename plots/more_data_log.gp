# F3-13: validation accuracy against training-set size, log x. Data: build/fig_training
load 'plots/style.gp'
set output 'plots/more_data_log.png'
set title 'Accuracy (%) on the validation data'
set xlabel 'Training set size'
set logscale x
set xrange [100:50000]
set yrange [60:100]
plot 'plots/more_data.dat' using 1:2 with linespoints ls 1 pt 7 ps 1
