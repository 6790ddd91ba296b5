# Chapter 4 'function': The goal: f(x) = 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x). Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/function.png'
set title "The goal: f(x) = 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x)"
set xlabel 'x'
set xrange [0:1]
set yrange [0:1]

plot 'plots/function.dat' using 1:2 with lines ls 1
