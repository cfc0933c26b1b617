"""A NeuroDyn E/I rate network (Dale's law) in PyTorch: load the network chapter 02 saves (out/models/ei_rate.safetensors) and predict.

    python3 interop/ei_rate_pytorch.py out/models/ei_rate.safetensors windows.npy predictions.npy

reads windows [batch, length, 3] (z-scored, as in data/processed/lorenz_data.npz) and writes the next-state predictions [batch, 3].
The model (core/Models/EiRateNetwork.cs), written out in plain PyTorch (rate_network.py): n_E = round(excitatory_fraction * n)
excitatory units first, then n_I = n - n_E inhibitory ones,

    tau_i dr_i/dt = -r_i + phi((W r + W_in x_k + b)_i)   tau_i = tau_e for the E units, tau_i for the I units
    W = |A| D,  D = diag(+1 for E columns, -1 for I columns)   (Dale's law; A is the stored w_rec_magnitude)
    prediction = W_out r_read + b_out (or x_last + s * (W_out r_read + b_out)), r_read = the n_E E units or all n (w_out's width)

with phi the file's activation (Tanh, Softplus or RectifiedTanh). W_in [n, 3] and b [n] are one row and one bias per unit; with
input = Excitatory (the default) the external input reaches the E units only, so the I units' rows of W_in and b are zero (applied
here as the model applies its mask); with input = All every unit receives it.

Tensors in the file: w_rec_magnitude [n, n], w_in [n, 3], b [n], w_out [3, n_read], b_out [3] (float64). Options in the metadata:
hidden, excitatory_fraction, tau_e, tau_i, activation, readout_from_excitatory, input, sample_interval, solver, steps_per_sample, readout,
increment_scale, input_size, output_size; spectral_radius and external_drive (the initialisation) and adjoint, rtol, atol, balance_penalty, balance_target
(training) are not needed to predict. Any other option is an error naming it.
"""
import math

import torch

from model_file import read_model
from rate_network import SHARED_KEYS, TRAINING_KEYS, RateNetwork, choice, main

E_I_KEYS = ["excitatory_fraction", "tau_e", "tau_i", "activation", "readout_from_excitatory", "input"]
INITIALISATION_KEYS = ["spectral_radius", "external_drive"]
BALANCE_TRAINING_KEYS = ["balance_penalty", "balance_target"]


def excitatory_count(fraction, n):
    """n_E = round(fraction * n), halves away from zero (C#'s MidpointRounding.AwayFromZero; Python's round would go to even)."""
    x = fraction * n
    return math.floor(x) + (1 if x - math.floor(x) >= 0.5 else 0)


def load_ei_rate_network(path):
    """The E/I rate network of a NeuroDyn model file."""
    arrays, options = read_model(path, "EiRateNetwork", SHARED_KEYS + E_I_KEYS, TRAINING_KEYS + BALANCE_TRAINING_KEYS + INITIALISATION_KEYS)
    n = int(options["hidden"])
    n_e = excitatory_count(float(options["excitatory_fraction"]), n)
    magnitude = torch.from_numpy(arrays["w_rec_magnitude"]).abs()
    w_rec = torch.cat([magnitude[:, :n_e], -magnitude[:, n_e:]], dim=1)
    inverse_tau = torch.tensor([1 / float(options["tau_e"])] * n_e + [1 / float(options["tau_i"])] * (n - n_e), dtype=w_rec.dtype)
    read = n_e if choice(options, "readout_from_excitatory", ["true", "false"]) == "true" else n
    w_out = torch.from_numpy(arrays["w_out"])
    if w_out.shape[1] != read:
        raise ValueError(f"{path}: w_out reads {w_out.shape[1]} units, but readout_from_excitatory = {options['readout_from_excitatory']} "
                         f"with {n_e} E units of {n} means {read}")
    activation = choice(options, "activation", ["Tanh", "Softplus", "RectifiedTanh"])
    w_in, b = torch.from_numpy(arrays["w_in"]).clone(), torch.from_numpy(arrays["b"]).clone()
    if choice(options, "input", ["Excitatory", "All"]) == "Excitatory":
        w_in[n_e:], b[n_e:] = 0.0, 0.0
    return RateNetwork(w_rec, w_in, b, w_out, torch.from_numpy(arrays["b_out"]),
                       inverse_tau, activation, options)


if __name__ == "__main__":
    main(load_ei_rate_network, "ei_rate")
