# Chapter 5 initial_gradient: dC/db of the first 6 neurons in each hidden layer of
# [784,30,30,10] at initialisation (bars). Data: build/fig_vanishing
load 'plots/style.gp'
set terminal pngcairo size 760,420 enhanced font 'DejaVu Sans,11'
set output 'plots/initial_gradient.png'
set title 'dC/db at initialisation, neurons 1-6 of each hidden layer'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 noborder
set xlabel 'Neuron'
set ylabel 'dC/db'
set key outside right top vertical Left reverse
set xzeroaxis lt -1
plot 'plots/initial_gradient.dat' using 2:xtic(1) ls 1 title 'Hidden layer 1', \
     '' using 3 ls 2 title 'Hidden layer 2'
