#!/usr/bin/env python3
"""Run the book's own network2.py beside nnd (for `make bench` and the
file-compatibility check). We do not ship network2.py: point NIELSEN_SRC at
the src/ directory of a copy of github.com/mnielsen/neural-networks-and-deep-learning.
The original is Python 2; if it does not compile under Python 3 it is
translated with lib2to3 into a temporary directory first (the file itself is
never changed).

  network2_book.py train [--sizes 784,30,10] [--epochs N] [--mini-batch M]
        [--eta E] [--lambda L] [--init default|large] [--train-size N]
        [--evaluate-on validation|test] [--seed S] [--save FILE]
      prints "Epoch k training complete (S s)" and "Accuracy on evaluation
      data: X / N" per epoch, then "RESULT seconds_per_epoch=S best=X"
  network2_book.py evaluate FILE [--outputs N]
      network2.load(FILE), then (with --outputs) the output vectors of the
      first N test images, one line each, and "Accuracy on test data: X / 10000"

MNIST comes from the raw IDX files (data/mnist), split the book's way:
training = first 50,000, validation = last 10,000, test = t10k; pixels/256.
"""
import argparse
import contextlib
import io
import importlib
import os
import random
import shutil
import sys
import tempfile
import time

import numpy as np

from idx import read_idx


def import_network2():
    src = os.environ.get("NIELSEN_SRC")
    if not src or not os.path.isfile(os.path.join(src, "network2.py")):
        sys.exit("network2_book: set NIELSEN_SRC to the directory holding the book's network2.py")
    path = os.path.join(src, "network2.py")
    with open(path) as f:
        text = f.read()
    try:
        compile(text, path, "exec")
        sys.path.insert(0, src)
    except SyntaxError:  # Python 2 source: translate a copy
        from lib2to3 import refactor  # deprecated, present up to Python 3.12
        tool = refactor.RefactoringTool(refactor.get_fixers_from_package("lib2to3.fixes"))
        tmp = tempfile.mkdtemp(prefix="network2_py3_")
        with open(os.path.join(tmp, "network2.py"), "w") as f:
            f.write(str(tool.refactor_string(text + "\n", "network2")))
        sys.path.insert(0, tmp)
    return importlib.import_module("network2")


def load_mnist(data_dir):
    """network2's formats: training pairs (x (784,1), one-hot (10,1));
    validation and test pairs (x (784,1), int label)."""
    tr_x = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte"))
    tr_y = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"))
    te_x = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte"))
    te_y = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte"))

    def column(img):
        return (img.reshape(784, 1) / 256.0)

    def one_hot(j):
        e = np.zeros((10, 1))
        e[j] = 1.0
        return e

    training = [(column(tr_x[i]), one_hot(tr_y[i])) for i in range(50000)]
    validation = [(column(tr_x[i]), int(tr_y[i])) for i in range(50000, 60000)]
    test = [(column(te_x[i]), int(te_y[i])) for i in range(len(te_x))]
    return training, validation, test


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["train", "evaluate"])
    ap.add_argument("file", nargs="?")
    ap.add_argument("--data", default="data/mnist")
    ap.add_argument("--sizes", default="784,30,10")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--mini-batch", type=int, default=10)
    ap.add_argument("--eta", type=float, default=0.5)
    ap.add_argument("--lambda", dest="lmbda", type=float, default=0.0)
    ap.add_argument("--init", default="default", choices=["default", "large"])
    ap.add_argument("--train-size", type=int, default=50000)
    ap.add_argument("--evaluate-on", default="validation", choices=["validation", "test"])
    ap.add_argument("--seed", type=int, default=12345678)
    ap.add_argument("--save")
    ap.add_argument("--outputs", type=int, default=0)
    args = ap.parse_args()

    network2 = import_network2()
    training, validation, test = load_mnist(args.data)
    if args.mode == "evaluate":
        net = network2.load(args.file)
        for x, _ in test[:args.outputs]:
            print(" ".join("%.17g" % v for v in net.feedforward(x).ravel()))
        print("Accuracy on test data: %d / %d" % (net.accuracy(test), len(test)))
        return

    random.seed(args.seed)
    np.random.seed(args.seed)
    sizes = [int(s) for s in args.sizes.split(",")]
    net = network2.Network(sizes, cost=network2.CrossEntropyCost)
    if args.init == "large":
        net.large_weight_initializer()
    training = training[:args.train_size]
    evaluation = test if args.evaluate_on == "test" else validation
    times, best = [], 0
    for epoch in range(args.epochs):  # one SGD call per epoch, to time each
        t0 = time.perf_counter()
        # network2 shuffles inside SGD and uses n = len(training) for the decay
        with contextlib.redirect_stdout(io.StringIO()):  # its own "Epoch 0 ..." lines
            net.SGD(training, 1, args.mini_batch, args.eta, lmbda=args.lmbda)
        times.append(time.perf_counter() - t0)
        a = net.accuracy(evaluation)
        best = max(best, a)
        print("Epoch %d training complete (%.2f s)" % (epoch, times[-1]))
        print("Accuracy on evaluation data: %d / %d" % (a, len(evaluation)), flush=True)
    if args.save:
        net.save(args.save)
    print("RESULT seconds_per_epoch=%.4f best=%d" % (min(times), best))


if __name__ == "__main__":
    main()
