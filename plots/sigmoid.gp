# Chapter 4 'sigmoid': sigma(z) on [-3,3] (nnd_sigmoid). Data: build/fig_universality
load 'plots/style.gp'
set output 'plots/sigmoid.png'
set title 'sigmoid function {/Symbol s}(z)'
set xlabel 'z'
set xrange [-3:3]
set yrange [-0.2:1.2]
plot 'plots/sigmoid_like.dat' using 1:2 with lines ls 1
