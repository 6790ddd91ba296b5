# Chapter 4: f approximated by networks [1 -> n sigmoid -> 1 sigmoid], n = 10, 50, 200.
# Data: build/fig_universality (plots/approximation.dat; its header gives the errors)
load 'plots/style.gp'
set terminal pngcairo size 1200,420 enhanced font 'DejaVu Sans,11'
set output 'plots/approximation.png'
set multiplot layout 1,3 title 'The goal f (dashed) and the output of a network with n hidden neurons'
set xrange [0:1]
set yrange [0:1]
set xlabel 'x'
set title 'n = 10 (5 bumps)'
plot 'plots/approximation.dat' using 1:2 with lines ls 5, '' using 1:4 with lines ls 1
set title 'n = 50'
plot 'plots/approximation.dat' using 1:2 with lines ls 5, '' using 1:5 with lines ls 1
set title 'n = 200'
plot 'plots/approximation.dat' using 1:2 with lines ls 5, '' using 1:6 with lines ls 1
unset multiplot
