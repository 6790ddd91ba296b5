# The simple model y = 2x through the data (F3-11). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/linear_fit.png'
set xlabel 'x'
set ylabel 'y'
set xrange [0:5]
set yrange [0:10]
set key top left
plot 'plots/polynomial_fit.dat' using 1:2 with lines ls 2 title 'y = 2x', \
     'plots/simple_model.dat' using 1:2 with points pt 7 ps 1.2 lc rgb '#2a6fb0' title 'data'
