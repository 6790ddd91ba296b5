# Chapter 4 'bump_3d_y': A y-bump: h = 0.6 on [0.3, 0.7]. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/bump_3d_y.png'
set title "A y-bump: h = 0.6 on [0.3, 0.7]"
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
splot 'plots/bump_3d_y.dat' using 1:2:3 with pm3d
