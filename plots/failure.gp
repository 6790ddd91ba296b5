# Chapter 4 'failure': {/Symbol s}(50x - 25): the step fails inside [0.45, 0.55]. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/failure.png'
set title "{/Symbol s}(50x - 25): the step fails inside [0.45, 0.55]"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.05:1.05]
set object 1 rect from 0.45,-0.05 to 0.55,1.05 fc rgb '#f4c7a1' fs solid 0.6 noborder behind
plot 'plots/single_neuron.dat' using 1:6 with lines ls 1
