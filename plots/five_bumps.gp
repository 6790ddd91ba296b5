# Chapter 4 'five_bumps': Five bumps, heights drawn from {-1.5, -1.4, ..., 1.5}. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/five_bumps.png'
set title "Five bumps, heights drawn from {-1.5, -1.4, ..., 1.5}"
set xlabel 'x'
set xrange [0:1]
set yrange [-2:2]

plot 'plots/bumps.dat' using 1:5 with lines ls 1
