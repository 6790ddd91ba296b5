# F3-19: training cost per epoch for three learning rates. Data: build/fig_training
load 'plots/style.gp'
set output 'plots/multiple_eta.png'
set title 'Cost on the training data'
set xlabel 'Epoch'
set xrange [0:30]
set yrange [0:*]
set key top right
plot 'plots/multiple_eta.dat' using 1:2 with linespoints ls 1 pt 7 ps 0.6 title '{/Symbol h} = 0.025', \
     '' using 1:3 with linespoints ls 3 pt 5 ps 0.6 title '{/Symbol h} = 0.25', \
     '' using 1:4 with linespoints ls 2 pt 9 ps 0.6 title '{/Symbol h} = 2.5'
