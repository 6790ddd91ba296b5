# max(0, z) (ch.3 F3-20). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/relu.png'
set title 'max(0, z)'
set xlabel 'z'
set xrange [-5:5]
set yrange [-5:5]
plot 'plots/relu.dat' using 1:2 with lines ls 1
