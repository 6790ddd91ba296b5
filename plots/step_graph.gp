# The perceptron's step function (ch.1 step_graph). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/step_graph.png'
set title 'step function'
set xlabel 'z'
set xrange [-5:5]
set yrange [-0.05:1.05]
plot 'plots/step_graph.dat' using 1:2 with lines ls 1
