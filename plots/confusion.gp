# Confusion matrix of [784,30,10] after 10 epochs on the 10,000 test images (heat map).
# Data: build/fig_images
load 'plots/style.gp'
set terminal pngcairo size 620,560 enhanced font 'DejaVu Sans,11'
set output 'plots/confusion.png'
set title 'Test images: true digit against predicted digit'
set xlabel 'Predicted'
set ylabel 'True'
set xrange [-0.5:9.5]
set yrange [9.5:-0.5]
set xtics 1
set ytics 1
unset grid
set border 15
set logscale cb
set cbrange [1:1200]
set cblabel 'count'
set palette defined (0 '#ffffff', 0.5 '#7fb2d9', 1 '#08306b')
plot 'plots/confusion.dat' using 2:1:($3 > 0 ? $3 : 1) with image, \
     '' using 2:1:(sprintf('%d', $3)):($3 > 300 ? 0xffffff : 0x000000) with labels tc rgb variable font ',9'
