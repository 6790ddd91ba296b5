# Softmax bars at the slider defaults (F3-2). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/softmax.png'
set title 'softmax: a_j = e^{z_j} / {/Symbol S}_k e^{z_k},  z = (2.5, -1, 3.2, 0.5)'
set style fill solid 0.8 noborder
set boxwidth 0.6
set xrange [0.4:4.6]
set yrange [0:1]
set xtics ('a_1' 1, 'a_2' 2, 'a_3' 3, 'a_4' 4)
set ylabel 'activation'
plot 'plots/softmax.dat' using 1:3 with boxes ls 1, \
     '' using 1:($3+0.04):(sprintf('%.3f  (z = %.1f)', $3, $2)) with labels
