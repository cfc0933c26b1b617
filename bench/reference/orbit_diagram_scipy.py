#!/usr/bin/python3
"""Orbit diagram of Lorenz-63 in scipy: the reference of bench/OrbitDiagramBenchmark.cs, the same computation.

500 values of rho in [25, 325]; from (1, 1, 1): a transient of 50 time units, then the first 200 maxima of z, found as the
events dz/dt = 0 falling (solve_ivp, DOP853 at rtol = atol = 1e-9, scipy locating each event on its dense output by brentq),
split over worker processes (default 2, the machine's cores). Prints the median wall time of the repeats and writes JSON.

Usage: /usr/bin/python3 bench/reference/orbit_diagram_scipy.py [--values 500] [--workers 2] [--repeats 3] [--out out/bench/orbit-diagram-scipy.json]
(Debian's python3-scipy; run with /usr/bin/python3 if another python3 comes first on the PATH.)
"""
import argparse
import json
import os
import statistics
import tempfile
import time
from multiprocessing import Pool

import numpy as np
from scipy.integrate import solve_ivp

SIGMA, BETA = 10.0, 8.0 / 3.0
TRANSIENT, MAXIMA, CHUNK, MAX_TIME = 50.0, 200, 20.0, 2000.0


def lorenz(rho):
    def f(_, s):
        x, y, z = s
        return [SIGMA * (y - x), x * (rho - z) - y, x * y - BETA * z]
    return f


def z_maxima(rho):
    """The first MAXIMA maxima of z after the transient (fewer if MAX_TIME passes first)."""
    f = lorenz(rho)

    def dz(_, s):
        x, y, z = s
        return x * y - BETA * z
    dz.direction = -1
    state = solve_ivp(f, (0.0, TRANSIENT), [1.0, 1.0, 1.0], method="DOP853", rtol=1e-9, atol=1e-9).y[:, -1]
    values, t = [], TRANSIENT
    while len(values) < MAXIMA and t < TRANSIENT + MAX_TIME:
        sol = solve_ivp(f, (t, t + CHUNK), state, method="DOP853", rtol=1e-9, atol=1e-9, events=dz)
        values.extend(sol.y_events[0][:, 2].tolist())
        state, t = sol.y[:, -1], t + CHUNK
    return values[:MAXIMA]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=500)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="out/bench/orbit-diagram-scipy.json")
    args = parser.parse_args()
    rhos = np.linspace(25.0, 325.0, args.values)
    times, columns = [], None
    with Pool(args.workers) as pool:
        for _ in range(args.repeats):
            start = time.perf_counter()
            columns = pool.map(z_maxima, rhos, chunksize=1)
            times.append(time.perf_counter() - start)
            print(f"{args.values} values x {MAXIMA} maxima on {args.workers} workers: {times[-1]:.2f} s", flush=True)
    figures = {"values": args.values, "maxima_per_value": MAXIMA, "transient": TRANSIENT, "workers": args.workers,
               "seconds": statistics.median(times), "fastest_seconds": min(times), "repeats": args.repeats,
               "incomplete_columns": sum(len(c) < MAXIMA for c in columns)}
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(args.out) or ".", delete=False) as tmp:
        json.dump(figures, tmp, indent=2)
    os.replace(tmp.name, args.out)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
