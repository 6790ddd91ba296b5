# Density of a hidden neuron's z with N(0,1) weights (F3-16). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/wide_gaussian.png'
set title 'z = {/Symbol S}_j w_j x_j + b,  w ∼ N(0,1):  z ∼ N(0, 501)'
set xlabel 'z'
set xrange [-30:30]
set yrange [0:0.02]
set key top right
set style fill solid 0.3 noborder
plot 'plots/wide_gaussian.dat' using 1:3 with boxes lc rgb '#9ab8d8' title 'sampled (nnd\_rng\_normal)', \
     '' using 1:2 with lines ls 1 title 'density'
