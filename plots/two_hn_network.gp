# Chapter 4 'two_hn_network': Weighted output w_1 a_1 + w_2 a_2: s_1 = 0.40, s_2 = 0.60, w_1 = 0.6, w_2 = 1.2. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/two_hn_network.png'
set title "Weighted output w_1 a_1 + w_2 a_2: s_1 = 0.40, s_2 = 0.60, w_1 = 0.6, w_2 = 1.2"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.1:2]

plot 'plots/bumps.dat' using 1:2 with lines ls 1
