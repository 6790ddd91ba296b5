"""The IDX reader the peer programs share: an unsigned-byte IDX file (MNIST's
format) as a numpy array of its dimensions; a wrong header or a payload that
does not match the dimensions ends the program with a message."""
import struct
import sys

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4:
        sys.exit("%s: too short for an IDX header" % path)
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08 or len(raw) < 4 + 4 * ndim:
        sys.exit("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        sys.exit("%s: payload does not match its dimensions" % path)
    return data.reshape(dims)
