"""Run every benchmark, or the ones named: python -m bench [predictor ...]."""

import sys

from bench import biglog, predictor, throughput

BENCHES = {
    "predictor": predictor.main,
    "throughput": throughput.main,
    "biglog": biglog.main,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    for name in names:
        BENCHES[name]()
