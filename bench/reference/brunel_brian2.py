#!/usr/bin/env python3
"""Brunel's (2000) model A in Brian2, the reference for `./build.sh bench brunel`.

The same model as NeuroDyn's LifNetwork: tau_m dV/dt = -V, spike at V >= theta, reset to V_r, refractory for t_ref with
V clamped and arriving spikes lost, delta synapses of J (excitatory and external) and -g J (inhibitory) after the delay D,
fixed in-degree C_E and C_I without self-connections, C_E external Poisson synapses at eta * nu_thr each, dt = 0.1 ms,
potentials starting uniform in [V_r, theta). Brian2's default runtime target (Cython, one thread).

Prints one JSON line: wall seconds per biological second of the timed run (after a warm-up), the mean rate, the number of
recurrent synaptic events per wall second, the set-up time and the peak resident memory.

    /usr/bin/python3 bench/reference/brunel_brian2.py --excitatory 10000 --inhibitory 2500 --g 5 --eta 2
"""
import argparse
import json
import resource
import time

import brian2 as b2
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--excitatory", type=int, default=10_000, help="N_E")
    ap.add_argument("--inhibitory", type=int, default=2_500, help="N_I")
    ap.add_argument("--ce", type=int, default=1_000, help="excitatory in-degree C_E")
    ap.add_argument("--ci", type=int, default=250, help="inhibitory in-degree C_I")
    ap.add_argument("--g", type=float, default=5.0, help="relative inhibition g")
    ap.add_argument("--eta", type=float, default=2.0, help="external drive nu_ext / nu_thr")
    ap.add_argument("--duration", type=float, default=1.0, help="timed biological time (s)")
    ap.add_argument("--warmup", type=float, default=0.1, help="untimed biological time first (s)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not (0 < a.ce < a.excitatory and 0 <= a.ci < max(a.inhibitory, 1)):
        ap.error("need 0 < C_E < N_E and 0 <= C_I < N_I (in-degrees without self-connections)")

    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(a.seed)
    ne, ni, n = a.excitatory, a.inhibitory, a.excitatory + a.inhibitory
    tau, theta, v_r, t_ref, delay, J = 20 * b2.ms, 20 * b2.mV, 10 * b2.mV, 2 * b2.ms, 1.5 * b2.ms, 0.1 * b2.mV
    nu_ext = a.eta * theta / (J * a.ce * tau)

    started = time.perf_counter()
    neurons = b2.NeuronGroup(n, "dv/dt = -v/tau : volt (unless refractory)", threshold="v >= theta",
                             reset="v = v_r", refractory=t_ref, method="exact")
    neurons.v = "v_r + (theta - v_r) * rand()"
    # fixed in-degree without self-connections: target j draws its sources from all but one neuron of each population, itself
    # for its own population and, for the other one, the neuron its index maps to (every draw then has the same size, as
    # Brian2's generator syntax asks); the skipped index s is removed by shifting the sample k past it
    excitatory = b2.Synapses(neurons[:ne], neurons, on_pre="v_post += J * int(not_refractory_post)", delay=delay)
    excitatory.connect(i="k + int(k >= j % ne) for k in sample(ne - 1, size=ce)", namespace={"ne": ne, "ce": a.ce})
    synapse_groups = [excitatory]
    if a.ci > 0:
        inhibitory = b2.Synapses(neurons[ne:], neurons, on_pre="v_post += -g * J * int(not_refractory_post)", delay=delay)
        inhibitory.connect(i="k + int(k >= (j + shift) % ni) for k in sample(ni - 1, size=ci)",
                           namespace={"ni": ni, "ci": a.ci, "shift": ni - ne % ni})  # (j + shift) % ni = j - N_E for j >= N_E
        synapse_groups.append(inhibitory)
    external = b2.PoissonInput(neurons, "v", N=a.ce, rate=nu_ext, weight="J * int(not_refractory)")
    spikes = b2.SpikeMonitor(neurons)
    net = b2.Network(neurons, external, spikes, *synapse_groups)
    namespace = {"tau": tau, "theta": theta, "v_r": v_r, "J": J, "g": a.g}
    net.run(a.warmup * b2.second, namespace=namespace)  # compiles the code objects
    setup = time.perf_counter() - started

    before = spikes.num_spikes
    started = time.perf_counter()
    net.run(a.duration * b2.second, namespace=namespace)
    wall = time.perf_counter() - started
    indices = spikes.i[before:]
    synapses = sum(len(s) for s in synapse_groups)
    out_degree = np.concatenate([np.bincount(s.i[:], minlength=len(s.source)) for s in synapse_groups])
    events = int(out_degree[np.asarray(indices)].sum())
    print(json.dumps({
        "simulator": f"Brian2 {b2.__version__} (cython, one thread)",
        "excitatory": ne, "inhibitory": ni, "ce": a.ce, "ci": a.ci, "g": a.g, "eta": a.eta, "synapses": synapses,
        "wall_seconds_per_bio_second": wall / a.duration,
        "rate_hz": len(indices) / n / a.duration,
        "synaptic_events_per_second": events / wall,
        "setup_seconds": setup,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
