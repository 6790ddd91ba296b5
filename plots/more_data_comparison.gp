# F3-15: the network against an SVM, log x. Network: build/fig_training (plots/more_data.dat).
# nnd has no SVM: the SVM curve is the BOOK's published result (R3-10, sklearn SVC
# defaults, fig/more_data_svm.json), typed here as a labelled reference, not our data.
load 'plots/style.gp'
set output 'plots/more_data_comparison.png'
set title 'Accuracy (%) on the validation data'
set xlabel 'Training set size'
set logscale x
set xrange [100:50000]
set yrange [25:100]
set key bottom right
$book_svm << EOD
100 25.07
200 48.93
500 75.13
1000 83.87
2000 88.49
5000 91.46
10000 92.45
20000 93.47
50000 94.48
EOD
plot 'plots/more_data.dat' using 1:2 with linespoints ls 1 pt 7 ps 1 title 'Neural network accuracy (nnd)', \
     $book_svm using 1:2 with linespoints ls 2 pt 5 ps 1 dashtype 2 title 'SVM accuracy (book, R3-10)'
