#!/usr/bin/env python3
"""PyTorch twin of build/network2 for `make bench` (CPU only).

Trains the same network as network2.py - dense sigmoid layers, the
cross-entropy (or quadratic) cost summed over the output units and averaged
over the mini-batch, L2 weight decay w <- (1 - eta*lmbda/n) w on the weights
only, plain SGD, a fresh shuffle every epoch - on the first N MNIST training
images read from the raw IDX files, and prints one line per epoch:

    epoch K seconds S accuracy A/10000

then a final machine-readable line:

    RESULT seconds_per_epoch=S threads=T

With --manual the same step is written out by hand on tensors (BP1-BP4 as
matrix products, in-place updates, no autograd, no optimizer object): on
small networks that is PyTorch's fastest form, because autograd's
per-operation bookkeeping dominates a [784,30,10] mini-batch of 10.

Thread settings are taken from the command line (torch.set_num_threads) and
from OPENBLAS_NUM_THREADS in the environment, which the caller sets.
"""
import argparse
import os
import sys
import time

import numpy as np

from idx import read_idx
import torch


def manual_epoch(weights, biases, x, y, perm, m, eta, decay, cross_entropy):
    """One epoch of network2's SGD with the backward pass written out:
    Delta^L = a - y (cross-entropy) or (a - y) sigma'(z) (quadratic) (BP1),
    Delta^l = (Delta^{l+1} W^{l+1}) * a(1 - a) (BP2), grad b = column sums
    (BP3), grad W = Delta^T A^{l-1} (BP4); then w <- (1 - eta*decay) w -
    (eta/m) grad w (93), b <- b - (eta/m) grad b."""
    n = x.shape[0]
    for k in range(0, n, m):
        idx = perm[k:k + m]
        acts = [x[idx]]
        for w, b in zip(weights, biases):
            acts.append(torch.sigmoid(torch.addmm(b, acts[-1], w.t())))
        a = acts[-1]
        delta = a - y[idx]
        if not cross_entropy:
            delta.mul_(a * (1 - a))
        step = eta / len(idx)
        for l in range(len(weights) - 1, -1, -1):
            w = weights[l]
            gw = delta.t().mm(acts[l])
            gb = delta.sum(0)
            if l > 0:
                prev = acts[l]
                delta = delta.mm(w).mul_(prev * (1 - prev))
            w.mul_(1 - eta * decay).sub_(gw, alpha=step)
            biases[l].sub_(gb, alpha=step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/mnist")
    ap.add_argument("--sizes", default="784,30,10")
    ap.add_argument("--cost", default="ce", choices=["ce", "quadratic"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--mini-batch", type=int, default=10)
    ap.add_argument("--eta", type=float, default=0.5)
    ap.add_argument("--lambda", dest="lmbda", type=float, default=5.0)
    ap.add_argument("--train-size", type=int, default=50000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--manual", action="store_true",
                    help="hand-written backprop on tensors instead of autograd")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    sizes = [int(s) for s in args.sizes.split(",")]

    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte"))
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte"))
    timages = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte"))
    tlabels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"))
    n = args.train_size
    x = torch.tensor(images[:n].reshape(n, -1), dtype=torch.float32) / 256.0
    y = torch.nn.functional.one_hot(
        torch.tensor(labels[:n], dtype=torch.int64), sizes[-1]).float()
    tx = torch.tensor(timages.reshape(len(timages), -1),
                      dtype=torch.float32) / 256.0
    ty = torch.tensor(tlabels, dtype=torch.int64)

    layers = [torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    with torch.no_grad():
        for lin in layers:  # network2's default initialiser
            lin.weight.normal_(0.0, 1.0 / np.sqrt(lin.in_features))
            lin.bias.normal_(0.0, 1.0)
    model = torch.nn.Sequential(*[m for lin in layers
                                  for m in (lin, torch.nn.Sigmoid())])
    weights = [lin.weight for lin in layers]
    biases = [lin.bias for lin in layers]
    # SGD's weight_decay adds wd*w to the gradient, so the step is
    # w <- (1 - eta*wd) w - eta*grad: with wd = lmbda/n this is network2's (93).
    opt = torch.optim.SGD([
        {"params": weights, "weight_decay": args.lmbda / n},
        {"params": biases, "weight_decay": 0.0}], lr=args.eta)
    m = args.mini_batch
    times = []
    if args.manual:
        torch.set_grad_enabled(False)
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        if args.manual:
            manual_epoch(weights, biases, x, y, perm, m, args.eta, args.lmbda / n,
                         args.cost == "ce")
        for k in range(0, n if not args.manual else 0, m):
            idx = perm[k:k + m]
            a = model(x[idx])
            t = y[idx]
            if args.cost == "ce":
                loss = torch.nn.functional.binary_cross_entropy(
                    a, t, reduction="sum") / len(idx)
            else:
                loss = 0.5 * ((a - t) ** 2).sum() / len(idx)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        dt = time.perf_counter() - t0
        times.append(dt)
        with torch.no_grad():
            acc = int((model(tx).argmax(1) == ty).sum())
        print("epoch %d seconds %.3f accuracy %d/%d" %
              (epoch, dt, acc, len(ty)), flush=True)
    best = min(times)
    print("RESULT seconds_per_epoch=%.4f threads=%d" % (best, args.threads))


if __name__ == "__main__":
    main()
