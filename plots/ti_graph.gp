# Chapter 4 'ti_graph': Output {/Symbol s}(w_1 x + b), w_1 = 8, b = -5. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/ti_graph.png'
set title "Output {/Symbol s}(w_1 x + b), w_1 = 8, b = -5"
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
splot 'plots/ti_graph.dat' using 1:2:3 with pm3d
