# Chapter 4 'half_bumps': The same bumps at half height. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/half_bumps.png'
set title "The same bumps at half height"
set xlabel 'x'
set xrange [0:1]
set yrange [-2:1]

plot 'plots/series_of_bumps.dat' using 1:3 with lines ls 1
