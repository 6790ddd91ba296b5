# Chapter 4 'design_function': the weighted output of 5 bumps against sigma^-1 o f.
# Data: build/fig_universality (networks [1 -> 10 sigmoid -> 1 linear]; see plots/approximation.dat)
load 'plots/style.gp'
set output 'plots/design_function.png'
set title "Weighted output of 5 bumps (height {/Symbol s}^{-1}(f(bin centre))) against {/Symbol s}^{-1} {/Symbol \267} f"
set xlabel 'x'
set xrange [0:1]
set yrange [-2:2]
set key bottom right
plot 'plots/approximation.dat' using 1:3 with lines ls 5 title '{/Symbol s}^{-1} {/Symbol \267} f (goal)', \
     '' using 1:7 with lines ls 1 title 'network: {/Symbol S}_j w_j a_j'
