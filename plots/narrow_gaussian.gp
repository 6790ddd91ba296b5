# Density of a hidden neuron's z with N(0,1/n_in) weights (F3-16). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/narrow_gaussian.png'
set title 'z = {/Symbol S}_j w_j x_j + b,  w ∼ N(0,1/1000):  z ∼ N(0, 3/2)'
set xlabel 'z'
set xrange [-30:30]
set yrange [0:0.4]
set key top right
set style fill solid 0.3 noborder
plot 'plots/narrow_gaussian.dat' using 1:3 with boxes lc rgb '#9ab8d8' title 'sampled (nnd\_rng\_normal)', \
     '' using 1:2 with lines ls 1 title 'density'
