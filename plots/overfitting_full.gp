# F3-7: test and training accuracy, full 50k training images, lambda 0. Data: build/fig_training
load 'plots/style.gp'
set output 'plots/overfitting_full.png'
set title 'Accuracy (%), 50,000 training images, {/Symbol l} = 0'
set xlabel 'Epoch'
set xrange [0:30]
set yrange [90:100]
set key bottom right
plot 'plots/overfitting_full.dat' using 1:2 with lines ls 1 title 'Accuracy on the test data', \
     '' using 1:3 with lines ls 2 title 'Accuracy on the training data'
