"""A NeuroDyn CT-RNN in PyTorch: load the weights chapter 01 saves (out/models/ctrnn.safetensors) and predict.

    python3 interop/ctrnn_pytorch.py out/models/ctrnn.safetensors windows.npy predictions.npy

reads windows [batch, length, 3] (z-scored, as in data/processed/lorenz_data.npz) and writes the next-state
predictions [batch, 3]. The model is the one NeuroDyn trains, written out in plain PyTorch (rate_network.py):

    tau dh/dt = -h + tanh(W_rec h + W_in x_k + b)   for t in [k*Delta, (k+1)*Delta)   (input held, h(0) = 0)
    prediction = W_out h + b_out                     (readout "State")
               = x_last + s * (W_out h + b_out)      (readout "Increment", s = increment_scale)

integrated with the fixed-step method of the file's metadata (Euler, Midpoint or Rk4; steps_per_sample steps per sample).

Tensors in the file: w_rec [n, n], w_in [n, 3], b [n], w_out [3, n], b_out [3] (float64); metadata (strings, written by
ModelArtifact.Save): hidden, tau, sample_interval, solver, steps_per_sample, readout, increment_scale, input_size, output_size,
adjoint, rtol, atol, the kind, the format version and a SHA-256 that NeuroDyn verifies (model_file.py reads them; an option
this script does not know is an error naming it).
"""
import torch

from model_file import read_model
from rate_network import SHARED_KEYS, TRAINING_KEYS, RateNetwork, main


def load_ctrnn(path):
    """The CT-RNN of a NeuroDyn model file (core/Models/CtRnn.cs)."""
    arrays, options = read_model(path, "CtRnn", SHARED_KEYS + ["tau"], TRAINING_KEYS)
    w = {name: torch.from_numpy(arrays[name]) for name in ("w_rec", "w_in", "b", "w_out", "b_out")}
    return RateNetwork(w["w_rec"], w["w_in"], w["b"], w["w_out"], w["b_out"], 1 / float(options["tau"]), "Tanh", options)


if __name__ == "__main__":
    main(load_ctrnn, "ctrnn")
