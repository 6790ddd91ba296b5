#!/usr/bin/env python3
"""PyTorch twin of build/network3 for `make bench` (CPU only).

The two chapter 6 networks of network3.py, trained the network3 way - the
log-likelihood of a softmax output averaged over the mini-batch, plain SGD,
the L2 term 0.5*lmbda*sum(w^2)/num_training_batches on the weights only (as
torch's weight_decay = lmbda/num_training_batches on a weights-only parameter
group), the training data in a fixed order - on the first N MNIST training
images read from the raw IDX files (pixels / 256):

  --net i    Conv(1->20, 5x5) -> max-pool 2x2 -> sigmoid -> FC(2880->100, sigmoid)
             -> softmax(10); eta 0.1, lambda 0
  --net ii   Conv(20) -> pool -> ReLU -> Conv(20->40, 5x5) -> pool -> ReLU ->
             FC(640->100, ReLU) -> softmax(10); eta 0.03, lambda 0.1

(network3 adds the bias after pooling; max(x) + b = max(x + b), so a conv
bias before the pool is the same function.) Each epoch is timed alone (the
training pass only); after the last one the validation accuracy is printed.
Output: one line per epoch, "epoch K seconds S", then

    RESULT seconds_per_epoch=S threads=T accuracy=A

with S the fastest epoch. Threads: torch.set_num_threads(--threads); the
caller sets OPENBLAS_NUM_THREADS (1 is PyTorch's fastest here).
"""
import argparse
import os
import sys
import time

import numpy as np

from idx import read_idx
import torch
import torch.nn.functional as F


class Net(torch.nn.Module):
    def __init__(self, which):
        super().__init__()
        self.which = which
        self.act = torch.sigmoid if which == "i" else torch.relu
        self.conv1 = torch.nn.Conv2d(1, 20, 5)
        if which == "i":
            self.fc = torch.nn.Linear(20 * 12 * 12, 100)
        else:
            self.conv2 = torch.nn.Conv2d(20, 40, 5)
            self.fc = torch.nn.Linear(40 * 4 * 4, 100)
        self.out = torch.nn.Linear(100, 10)
        # network3's initialisation: conv N(0, 1/n_out), n_out = filters*25/4;
        # FC N(0, 1/n_out); biases N(0, 1); softmax layer zero
        with torch.no_grad():
            for conv in [self.conv1] + ([self.conv2] if which == "ii" else []):
                conv.weight.normal_(0, (conv.out_channels * 25 / 4) ** -0.5)
                conv.bias.normal_(0, 1)
            self.fc.weight.normal_(0, 100 ** -0.5)
            self.fc.bias.normal_(0, 1)
            self.out.weight.zero_()
            self.out.bias.zero_()

    def forward(self, x):
        x = self.act(F.max_pool2d(self.conv1(x), 2))
        if self.which == "ii":
            x = self.act(F.max_pool2d(self.conv2(x), 2))
        x = self.act(self.fc(x.flatten(1)))
        return F.log_softmax(self.out(x), dim=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/mnist")
    ap.add_argument("--net", default="ii", choices=["i", "ii"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--mini-batch", type=int, default=10)
    ap.add_argument("--train-size", type=int, default=50000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12345678)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = read_idx(os.path.join(a.data, "train-images-idx3-ubyte"))
    labels = read_idx(os.path.join(a.data, "train-labels-idx1-ubyte"))
    x = torch.from_numpy(images[:60000].astype(np.float32) / 256.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    xtr, ytr = x[:a.train_size], y[:a.train_size]
    xva, yva = x[50000:60000], y[50000:60000]
    eta, lmbda = (0.1, 0.0) if a.net == "i" else (0.03, 0.1)
    net = Net(a.net)
    m = a.mini_batch
    num_batches = max(1, a.train_size // m)
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": lmbda / num_batches},
                           {"params": biases, "weight_decay": 0.0}], lr=eta)
    best = None
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        for k in range(0, a.train_size, m):  # network3: fixed order, no shuffle
            opt.zero_grad()
            loss = F.nll_loss(net(xtr[k:k + m]), ytr[k:k + m])
            loss.backward()
            opt.step()
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
        print("epoch %d seconds %.3f" % (epoch, t), flush=True)
    with torch.no_grad():
        correct = sum(int((net(xva[i:i + 1000]).argmax(1) == yva[i:i + 1000]).sum())
                      for i in range(0, 10000, 1000))
    print("RESULT seconds_per_epoch=%.3f threads=%d accuracy=%.2f" % (best, a.threads, correct / 100.0))


if __name__ == "__main__":
    main()
