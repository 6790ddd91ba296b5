# The 9th-order polynomial through all 10 points (F3-11). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/polynomial_fit.png'
set xlabel 'x'
set ylabel 'y'
set xrange [0:5]
set yrange [0:10]
set key top left
plot 'plots/polynomial_fit.dat' using 1:3 with lines ls 2 title '9th-order polynomial', \
     'plots/simple_model.dat' using 1:2 with points pt 7 ps 1.2 lc rgb '#2a6fb0' title 'data'
