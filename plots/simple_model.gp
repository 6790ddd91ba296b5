# The 10 data points of the regularisation example (F3-11). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/simple_model.png'
set xlabel 'x'
set ylabel 'y'
set xrange [0:5]
set yrange [0:10]
plot 'plots/simple_model.dat' using 1:2 with points pt 7 ps 1.2 lc rgb '#2a6fb0'
