# Chapter 4 'high_weight': w = 999, b = -399.6: a step at x = 0.4. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/high_weight.png'
set title "w = 999, b = -399.6: a step at x = 0.4"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.05:1.05]

plot 'plots/single_neuron.dat' using 1:4 with lines ls 1
