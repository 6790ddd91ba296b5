# F3-1 saturation3: one sigmoid neuron, input 1, target 0, 300 steps. Data: build/fig_vanishing
# Left: the BOOK's picture, made with its JavaScript rule d = 1/(1-a) (dC/da, not dC/dw).
# Right: the TRUE gradient d = dC/dw = a - y (nnd_backprop) at the same eta: much slower.
load 'plots/style.gp'
set terminal pngcairo size 900,420 enhanced font 'DejaVu Sans,11'
set output 'plots/saturation3.png'
set multiplot layout 1,2 title "Cross-entropy cost, w = 0.6, b = 0.9, {/Symbol h} = 0.005"
set xlabel 'Epoch'
set ylabel 'Cost'
set xrange [0:300]
set yrange [0:*]
set title "Book's rule: w, b -= {/Symbol h}/(1-a)"
plot 'plots/saturation3.dat' using 1:2 with lines ls 1
set title 'True gradient: w, b -= {/Symbol h} a'
plot 'plots/saturation3.dat' using 1:3 with lines ls 2
unset multiplot
