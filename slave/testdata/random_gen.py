"""Write what CPython's random gives after each seed, for the Go test.

Usage: random_gen.py > random.json
The first line is {"calls": CALLS}; then one JSON line per seed:
{"seed": repr of the seed, "draws": [...]}, the draws being repr()s of
the calls, in order, on one generator.
"""
import json
import random

SEEDS = [0, 1, 42, -5, 2**32, 2**70 + 3, 12345678901234567890, 3.5, -2.0, True, "hello", "", b"abc", bytearray(b"xy")]
CALLS = [
    "r.random()", "r.random()", "r.randint(1, 100)", "r.randint(-5, 5)", "r.randrange(1000)",
    "r.randrange(0, 1000, 7)", "r.randrange(100, 0, -3)", "r.randrange(2**80)", "r.choice(list(range(50)))",
    "r.choice('abcdef')", "shuffled(r, 20)", "shuffled(r, 2)", "r.sample(range(100), 5)", "r.sample(range(10), 10)",
    "r.sample(range(1000), 30)", "r.sample(['a', 'b', 'c'], 2, counts=[3, 1, 2])", "r.choices(range(10), k=5)",
    "r.choices('xyz', weights=[1, 5, 2], k=6)", "r.choices('xyz', cum_weights=[1, 2, 10], k=3)",
    "r.getrandbits(1)", "r.getrandbits(32)", "r.getrandbits(70)", "r.uniform(1, 2)", "r.randbytes(5)",
    "round(r.gauss(10, 2), 9)", "round(r.gauss(), 9)", "round(r.triangular(), 12)", "round(r.triangular(1, 5, 4), 12)",
    "round(r.expovariate(2), 12)", "round(r.normalvariate(), 12)", "round(r.lognormvariate(0, 1), 9)",
    "round(r.paretovariate(3), 12)", "round(r.weibullvariate(1, 2), 12)", "r.random()",
]


def shuffled(r, n):
    x = list(range(n))
    r.shuffle(x)
    return x


print(json.dumps({"calls": CALLS}))
for seed in SEEDS:
    r = random.Random(seed)
    draws = [repr(eval(c)) for c in CALLS]
    print(json.dumps({"seed": repr(seed), "draws": draws}))
