# Chapter 4 'step_parameterization': Step at s = -b/w = 0.40 (w = 1000). Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/step_parameterization.png'
set title "Step at s = -b/w = 0.40 (w = 1000)"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.05:1.05]
set arrow from 0.4,0 to 0.4,1.05 nohead ls 5
set label 's = 0.40' at 0.42,0.5
plot 'plots/single_neuron.dat' using 1:5 with lines ls 1
