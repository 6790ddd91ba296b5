# Chapter 4 'double_bump': Two bumps: h = -1.2 on [0.4, 0.6), h = 0.3 on [0.7, 0.9). Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/double_bump.png'
set title "Two bumps: h = -1.2 on [0.4, 0.6), h = 0.3 on [0.7, 0.9)"
set xlabel 'x'
set xrange [0:1]
set yrange [-1.5:1]

plot 'plots/bumps.dat' using 1:4 with lines ls 1
