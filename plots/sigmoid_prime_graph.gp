# sigma'(z) (ch.5 sigmoid_prime_graph). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/sigmoid_prime_graph.png'
set title 'Derivative of sigmoid function'
set xlabel 'z'
set xrange [-5:5]
set yrange [0:0.25]
plot 'plots/sigmoid_prime_graph.dat' using 1:2 with lines ls 1
