# Chapter 4 'inverted_function': {/Symbol s}^{-1} {/Symbol \267} f(x). Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/inverted_function.png'
set title "{/Symbol s}^{-1} {/Symbol \267} f(x)"
set xlabel 'x'
set xrange [0:1]
set yrange [-2:2]

plot 'plots/approximation.dat' using 1:3 with lines ls 1
