"""The spiking reservoir's readout in numpy: the one-step predictions chapter 03's reservoir makes, from the spike traces its LIF
network produced (the LIF simulation itself is not ported).

    python3 interop/reservoir_readout_numpy.py out/models/reservoir.safetensors out/models/reservoir.traces.npz predictions.npy

The traces file (core/Models/Reservoir/ReservoirTraceFile.cs, written by chapter 03 beside the model file) holds, for each
teacher-forced step t of the test split: inputs u_t [rows, D] (the sample fed), traces r(t) [rows, N] (the spike traces after it),
and NeuroDyn's own predictions and the targets x_{t+1} [rows, D]. The readout (core/Models/Reservoir/ReservoirForecaster.cs,
RidgeReadout, ReadoutFeatures) reads the features

    phi_t = [u_t, r(t)]            (readout_features = InputAndTraces)
          = [u_t, r(t), r(t)^2]    (readout_features = InputTracesAndSquares)

and predicts the increment: x_{t+1} = u_t + W^T phi_t + b, with W = readout_weights [features, D] and b = readout_intercept [D] of
the model file. Written are the predictions [rows, D]; the script prints their largest difference from NeuroDyn's.
"""
import sys

import numpy as np

from model_file import read_model

FEATURES = ["InputAndTraces", "InputTracesAndSquares"]
# what a reservoir file holds beside the readout: the ridge strength, the Poisson streams' seed, and the LIF network's options
# (reservoir.*), which shaped the traces but are not needed to read them out
RESERVOIR_KEYS = ["ridge_lambda", "noise_seed"]


def features(kind, inputs, traces):
    """The readout's feature matrix phi [rows, D + N] or [rows, D + 2N]."""
    if kind not in FEATURES:
        raise ValueError(f"option 'readout_features' is {kind!r}; this script implements {', '.join(FEATURES)}")
    parts = [inputs, traces] + ([traces * traces] if kind == "InputTracesAndSquares" else [])
    return np.concatenate(parts, axis=1)


def predict(model_path, traces_path):
    """The one-step predictions [rows, D] and NeuroDyn's own [rows, D] from a model file and its traces file."""
    arrays, options = read_model(model_path, "SpikingReservoir", ["readout_features"], RESERVOIR_KEYS, ["reservoir."])
    weights, intercept = arrays["readout_weights"], arrays["readout_intercept"]
    saved = np.load(traces_path)
    for key in ("inputs", "traces", "predictions"):
        if key not in saved:
            raise ValueError(f"{traces_path} has no array '{key}'; write it with ReservoirTraceFile.Write")
    inputs, traces = saved["inputs"], saved["traces"]
    phi = features(options["readout_features"], inputs, traces)
    if phi.shape[1] != weights.shape[0] or inputs.shape[1] != weights.shape[1]:
        raise ValueError(f"{traces_path}: {inputs.shape[1]} inputs and {traces.shape[1]} traces make {phi.shape[1]} features, but the "
                         f"readout of {model_path} maps {weights.shape[0]} features to {weights.shape[1]} outputs; the files are of different models")
    return inputs + (phi @ weights + intercept), saved["predictions"]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(f"usage: python3 {sys.argv[0]} out/models/reservoir.safetensors out/models/reservoir.traces.npz predictions.npy")
    try:
        ours, neurodyn = predict(*sys.argv[1:3])
    except ValueError as e:
        sys.exit(f"error: {e}")
    np.save(sys.argv[3], ours)
    print(f"{ours.shape[0]} predictions; largest difference from NeuroDyn's: {np.max(np.abs(ours - neurodyn)):.3g}")
