# Chapter 5: norm of dC/db per hidden layer against epoch, 4 hidden layers (log y).
# Data: build/fig_vanishing
load 'plots/style.gp'
set output 'plots/training_speed_4_layers.png'
set title 'Speed of learning: 4 hidden layers'
set xlabel 'Epoch'
set ylabel '||{/Symbol d}^l||'
set xrange [0:500]
set logscale y
set format y '10^{%L}'
set key top right
plot 'plots/training_speed_4_layers.dat' using 1:2 with lines ls 1 title 'Hidden layer 1', '' using 1:3 with lines ls 2 title 'Hidden layer 2', '' using 1:4 with lines ls 3 title 'Hidden layer 3', '' using 1:5 with lines ls 4 title 'Hidden layer 4'
