#!/bin/sh
# Fashion-MNIST into data/fashion/ from Debian's dataset-fashion-mnist
# (installed with apt-get when run as root; otherwise the command is printed).
set -eu
cd "$(dirname "$0")"
src=/usr/share/datasets/fashion-mnist
if [ ! -f "$src/train-images-idx3-ubyte.gz" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing dataset-fashion-mnist (apt-get) ..."
        apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq dataset-fashion-mnist >/dev/null; }
    else
        echo "Fashion-MNIST needs Debian's dataset-fashion-mnist: sudo apt-get install dataset-fashion-mnist" >&2
        exit 1
    fi
fi
mkdir -p fashion
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [ ! -f "fashion/$f" ]; then
        gunzip -c "$src/$f.gz" > "fashion/$f.part"
        mv -f "fashion/$f.part" "fashion/$f"
    fi
done
echo "data/fashion: ready"
