# Chapter 6 (problem tanh): validation accuracy per epoch, tanh against sigmoid hidden
# neurons. Dense stand-in [784,100,10 softmax] for the book's conv net. Data: build/fig_vanishing
load 'plots/style.gp'
set output 'plots/tanh_sigmoid.png'
set title 'Validation accuracy, [784, 100, 10 softmax], {/Symbol h} = 0.1'
set xlabel 'Epoch'
set ylabel 'Accuracy (%)'
set xrange [0:29]
set key bottom right
plot 'plots/tanh_sigmoid.dat' using 1:2 with linespoints ls 1 pt 7 ps 0.6 title 'sigmoid', \
     '' using 1:3 with linespoints ls 2 pt 5 ps 0.6 title 'tanh'
