# F3-1 saturation2: one sigmoid neuron, input 1, target 0, 300 steps. Data: build/fig_vanishing
# Quadratic cost: the book's update and the true gradient are the same rule.
load 'plots/style.gp'
set terminal pngcairo size 900,420 enhanced font 'DejaVu Sans,11'
set output 'plots/saturation2.png'
set multiplot layout 1,2 title "Quadratic cost, w = 2.0, b = 2.0, {/Symbol h} = 0.15"
set xlabel 'Epoch'
set xrange [0:300]
set title 'Cost'
set yrange [0:*]
plot 'plots/saturation2.dat' using 1:2 with lines ls 1
set title 'Output a (target 0)'
set yrange [0:1]
plot 'plots/saturation2.dat' using 1:4 with lines ls 1
unset multiplot
