# Chapter 4 'ramping': s(wx + b), w = 6, b = -3 (closed form). Data: build/fig_universality
load 'plots/style.gp'
set output 'plots/ramping.png'
set title 's(wx + b), w = 6, b = -3'
set xlabel 'x'
set xrange [0:1]
set yrange [-0.2:1.2]
plot 'plots/sigmoid_like.dat' using 4:5 with lines ls 1
