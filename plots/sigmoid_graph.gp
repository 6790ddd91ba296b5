# sigma(z) (ch.1 and ch.3 sigmoid_graph). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/sigmoid_graph.png'
set title 'sigmoid function'
set xlabel 'z'
set xrange [-5:5]
set yrange [0:1]
plot 'plots/sigmoid_graph.dat' using 1:2 with lines ls 1
