# Chapter 4 'series_of_bumps': Bumps of width 0.2, heights -1.3, -1.8, -0.5, -0.9, 0.3 (w = 300). Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/series_of_bumps.png'
set title "Bumps of width 0.2, heights -1.3, -1.8, -0.5, -0.9, 0.3 (w = 300)"
set xlabel 'x'
set xrange [0:1]
set yrange [-2:1]

plot 'plots/series_of_bumps.dat' using 1:2 with lines ls 1
