# Chapter 4 'xy_bump': x-bump on [0.4, 0.6] plus y-bump on [0.3, 0.7], h = 0.3. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/xy_bump.png'
set title "x-bump on [0.4, 0.6] plus y-bump on [0.3, 0.7], h = 0.3"
set border 4095 lc rgb '#444444'
set tics mirror in
set xlabel 'x'
set ylabel 'y'
set zlabel 'Output' rotate parallel offset 1,0
set xrange [0:1]
set yrange [0:1]
set zrange [0:1]
set xyplane at 0
set xtics 0.5
set ytics 0.5
set ztics 0.2 nomirror
set view 55, 35
set pm3d depthorder
set palette defined (0 '#d6e4f2', 1 '#2a6fb0')
unset colorbox
splot 'plots/xy_bump.dat' using 1:2:3 with pm3d
