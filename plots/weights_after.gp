# First-layer weights of [784,30,10] after 10 epochs (cross-entropy, eta 0.5, lambda 5):
# one 28 x 28 image per hidden neuron, 10 to a row. Data: build/fig_images (see the .dat header)
load 'plots/style.gp'
set terminal pngcairo size 900,350 enhanced font 'DejaVu Sans,11'
set output 'plots/weights_after.png'
# one colour scale for all 30 images: white 0, red positive, blue negative,
# symmetric about 0 and saturated at m = 3 x the root mean square weight (a few
# large weights would otherwise leave every image pale); |w| > m has full colour
ss = 0; nw = 0
do for [j = 0:29] {
    stats 'plots/weights_after.dat' index j matrix using 3 nooutput
    ss = ss + STATS_sumsq; nw = nw + STATS_records
}
m = 3 * sqrt(ss / nw)
set title sprintf("Weights into the 30 hidden neurons after 10 epochs of training\n{/*0.85 one scale for all, full colour at |w| ≥ %.2f}", m)
unset border; unset tics; unset grid
set size ratio -1
set lmargin 1; set bmargin 1; set rmargin 10
pitch = 28 + 3
set xrange [-1.5:10 * pitch - 2.5]
set yrange [3 * pitch - 2.5:-1.5]
set cbrange [-m:m]
set palette defined (-1 '#0000ff', 0 '#ffffff', 1 '#ff0000')
set colorbox vertical user origin graph 1.015, graph 0 size character 1.5, graph 1 noborder
set cbtics nomirror out scale 0.5
set cblabel 'w'
plot for [j = 0:29] 'plots/weights_after.dat' index j matrix \
     using ((j % 10) * pitch + $1):(int(j / 10) * pitch + $2):3 with image
