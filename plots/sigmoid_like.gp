# Chapter 4 'sigmoid_like': s(z) = sigma(z) + 0.2 sin(10z) e^-|z| (closed form). Data: build/fig_universality
load 'plots/style.gp'
set output 'plots/sigmoid_like.png'
set title 's(z) = {/Symbol s}(z) + 0.2 sin(10z) e^{-|z|}'
set xlabel 'z'
set xrange [-3:3]
set yrange [-0.2:1.2]
plot 'plots/sigmoid_like.dat' using 1:3 with lines ls 1
