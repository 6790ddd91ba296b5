# Chapter 4 'bump_fn': A bump: steps at 0.40 and 0.60, weights h = 0.6 and -h. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/bump_fn.png'
set title "A bump: steps at 0.40 and 0.60, weights h = 0.6 and -h"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.1:1]

plot 'plots/bumps.dat' using 1:3 with lines ls 1
