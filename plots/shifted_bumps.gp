# Chapter 4 'shifted_bumps': half-height bumps, a second set shifted by 0.1, and their sum.
# Data: build/fig_universality
load 'plots/style.gp'
set output 'plots/shifted_bumps.png'
set title 'Two sets of half-height bumps, the second shifted by 0.1, and their sum'
set xlabel 'x'
set xrange [0:1]
set yrange [-2:1]
set key bottom right
plot 'plots/series_of_bumps.dat' using 1:3 with lines ls 1 title 'half bumps', \
     '' using 1:4 with lines ls 2 title 'shifted bumps', \
     '' using 1:5 with lines ls 3 lw 1.5 title 'sum'
