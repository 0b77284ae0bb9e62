"""The learning-curve problem of bench_pruners, operation for operation as curve.c, so that
C and Python give the same doubles (README.md has the model)."""

import math
import struct

EPOCHS = 81
LR = (1e-4, 1.0)  # log scale
WIDTH = (16, 512)  # integer, log scale
WD = (1e-6, 1e-1)  # log scale
DROPOUT = (0.0, 0.5)

_MASK = (1 << 64) - 1


def _splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _bits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def clean(lr, width, wd, dropout, epoch):
    """The noise-free validation error of a configuration after `epoch` epochs."""
    x1 = math.log10(lr)
    x2 = math.log2(float(width))
    x3 = math.log10(wd)
    x4 = dropout
    hot = max(0.0, x1 + 2.5)
    off = x1 + 2.2
    heavy = max(0.0, x3 + 3.0)
    a = (0.03 + 0.06 * hot * hot + 0.02 * off * off + 0.12 * math.exp(-(x2 - 4.0) / 1.5)
         + 0.05 * heavy * heavy + 0.06 * x4 * x4)
    a = min(a, 0.85)
    b = min(0.9, 4.0 * a + 0.15)
    tau = math.pow(0.1 / lr, 1.1) * (1.0 + 2.0 * x4) * math.pow(x2 / 6.5, 1.5)
    ov = (0.0012 * (x2 - 3.0) / 6.0 / (1.0 + math.exp(2.0 * (x3 + 4.5)))
          * max(0.0, 1.0 - 2.0 * x4))
    e = float(epoch)
    return a + (b - a) * math.pow(1.0 + e / tau, -2.0) + ov * max(0.0, e - 2.0 * tau)


def noise(seed, lr, width, wd, dropout, epoch):
    """A standard normal draw that depends only on (seed, the params' bits, epoch)."""
    h = _splitmix64(seed & _MASK)
    for x in (lr, width, wd, dropout):
        h = _splitmix64(h ^ _bits(x))
    h = _splitmix64(h ^ (epoch & _MASK))
    u1 = float(h >> 11) * 2.0**-53
    u2 = float(_splitmix64(h) >> 11) * 2.0**-53
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(6.283185307179586 * u2)


def value(seed, lr, width, wd, dropout, epoch):
    """What a trial observes at `epoch`: the clean error plus noise."""
    c = clean(lr, width, wd, dropout, epoch)
    return c + (0.003 + 0.02 * c) * noise(seed, lr, width, wd, dropout, epoch)


def _log_uniform(u, low, high):
    return min(max(math.exp(math.log(low) + u * (math.log(high) - math.log(low))), low), high)


def draw(seed, number):
    """The configuration of trial `number` in the paired mode, as curve_draw in curve.c:
    (lr, width, weight_decay, dropout) from a hash of (seed, number)."""
    h = _splitmix64((seed ^ 0x5851F42D4C957F2D) & _MASK)
    h = _splitmix64(h ^ (number & _MASK))
    u = []
    for _ in range(4):
        h = _splitmix64(h)
        u.append(float(h >> 11) * 2.0**-53)
    lr = _log_uniform(u[0], *LR)
    w = math.floor(_log_uniform(u[1], WIDTH[0] - 0.5, WIDTH[1] + 0.5) + 0.5)
    width = int(min(max(w, WIDTH[0]), WIDTH[1]))
    wd = _log_uniform(u[2], *WD)
    dropout = DROPOUT[0] + u[3] * (DROPOUT[1] - DROPOUT[0])
    return lr, width, wd, dropout
