# Chapter 5: norm of dC/db per hidden layer against epoch, 2 hidden layers (log y).
# Data: build/fig_vanishing
load 'plots/style.gp'
set output 'plots/training_speed_2_layers.png'
set title 'Speed of learning: 2 hidden layers'
set xlabel 'Epoch'
set ylabel '||{/Symbol d}^l||'
set xrange [0:500]
set logscale y
set format y '10^{%L}'
set key top right
plot 'plots/training_speed_2_layers.dat' using 1:2 with lines ls 1 title 'Hidden layer 1', '' using 1:3 with lines ls 2 title 'Hidden layer 2'
