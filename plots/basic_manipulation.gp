# Chapter 4 'basic_manipulation': Output of the hidden neuron {/Symbol s}(wx + b), w = 8, b = -4. Data: build/fig_universality (an nnd network; see the .dat header)
load 'plots/style.gp'
set output 'plots/basic_manipulation.png'
set title "Output of the hidden neuron {/Symbol s}(wx + b), w = 8, b = -4"
set xlabel 'x'
set xrange [0:1]
set yrange [-0.05:1.05]

plot 'plots/single_neuron.dat' using 1:2 with lines ls 1
