# The cost valley without axis labels (ch.1 valley2.png). Data: build/fig_functions
load 'plots/style.gp'
set output 'plots/valley2.png'
set border 0
unset tics
unset grid
set xrange [-1:1]
set yrange [-1:1]
set zrange [0:2]
set view 60, 30
set pm3d depthorder border lc rgb '#555555' lw 0.3
set palette defined (0 '#2a3d8f', 0.5 '#41b6c4', 1 '#ffd84d')
unset colorbox
splot 'plots/valley.dat' using 1:2:3 with pm3d
