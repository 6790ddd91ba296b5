# Chapter 4 'step': w = 100, b = -40: nearly a step. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/step.png'
set title "w = 100, b = -40: nearly a step"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.05:1.05]

plot 'plots/single_neuron.dat' using 1:3 with lines ls 1
