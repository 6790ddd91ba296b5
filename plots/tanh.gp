# tanh(z) (ch.3 F3-20). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/tanh.png'
set title 'tanh function'
set xlabel 'z'
set xrange [-5:5]
set yrange [-1:1]
plot 'plots/tanh.dat' using 1:2 with lines ls 1
