"""A NeuroDyn rate network in plain PyTorch, what the CT-RNN and the E/I network share (core/Models/RateNetwork.cs):

    dh/dt = gamma * (-h + phi(W h + W_in x_k + b))   for t in [k*Delta, (k+1)*Delta)   (input held, h(0) = 0, gamma = 1/tau per unit)
    prediction = W_out h_read + b_out                  (readout "State"; h_read the first units read out)
               = x_last + s * (W_out h_read + b_out)   (readout "Increment", s = increment_scale)

integrated with the fixed-step method of the file (euler, midpoint or rk4; steps_per_sample steps per sample).
"""
import sys

import numpy as np
import torch

TABLEAUS = {  # (a rows, b) of the explicit Runge-Kutta methods NeuroDyn's fixed-step solvers use
    "euler": ([[]], [1.0]),
    "midpoint": ([[], [0.5]], [0.0, 1.0]),
    "rk4": ([[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]], [1 / 6, 1 / 3, 1 / 3, 1 / 6]),
}

RATE_FUNCTIONS = {  # core/Models/RateActivation.cs, the same formulas (not torch's softplus, which switches to u above 20)
    "Tanh": torch.tanh,
    "Softplus": lambda u: u.clamp_min(0) + torch.log1p(torch.exp(-u.abs())),
    "RectifiedTanh": lambda u: torch.relu(torch.tanh(u)),
}

# the options every rate network stores (RateNetworkOptions) that prediction reads, and those it does not need
SHARED_KEYS = ["hidden", "sample_interval", "solver", "steps_per_sample", "readout", "increment_scale", "input_size", "output_size"]
TRAINING_KEYS = ["adjoint", "rtol", "atol"]   # how gradients are taken, and the adaptive solver's tolerances (refused below)


def choice(options, key, allowed):
    """The option's value, which must be one of allowed (the spelling of the C# enum)."""
    value = options[key]
    if value not in allowed:
        raise ValueError(f"option '{key}' is {value!r}; this script implements {', '.join(allowed)}")
    return value


class RateNetwork(torch.nn.Module):
    """A rate network from its effective weights and options (the strings of the model file's metadata)."""

    def __init__(self, w_rec, w_in, b, w_out, b_out, inverse_tau, activation, options):
        super().__init__()
        for name, value in (("w_rec", w_rec), ("w_in", w_in), ("b", b), ("w_out", w_out), ("b_out", b_out)):
            self.register_buffer(name, torch.as_tensor(value))
        self.register_buffer("inverse_tau", torch.as_tensor(inverse_tau, dtype=self.w_rec.dtype))
        self.phi = RATE_FUNCTIONS[activation]
        n, d_in, d_out = int(options["hidden"]), int(options["input_size"]), int(options["output_size"])
        if self.w_rec.shape != (n, n) or self.w_in.shape != (n, d_in) or self.b.shape != (n,) or self.w_out.shape[0] != d_out:
            raise ValueError(f"the weights' shapes {tuple(self.w_rec.shape)}, {tuple(self.w_in.shape)}, {tuple(self.b.shape)}, "
                             f"{tuple(self.w_out.shape)} do not fit hidden = {n}, input_size = {d_in}, output_size = {d_out}")
        self.read = self.w_out.shape[1]
        self.interval = float(options["sample_interval"])
        self.steps = int(options["steps_per_sample"])
        solver = choice(options, "solver", ["Euler", "Midpoint", "Rk4", "Dopri5"])
        if solver == "Dopri5":
            raise ValueError("solver Dopri5 is adaptive; this script integrates with the fixed-step methods Euler, Midpoint and Rk4 only")
        self.tableau = TABLEAUS[solver.lower()]
        self.increment = choice(options, "readout", ["State", "Increment"]) == "Increment"
        self.scale = float(options["increment_scale"])

    def field(self, h, drive):
        return (self.phi(h @ self.w_rec.T + drive) - h) * self.inverse_tau

    def forward(self, windows):
        """Next-state predictions [batch, D] of windows [batch, length, D]."""
        a, b = self.tableau
        step = self.interval / self.steps
        h = windows.new_zeros(windows.shape[0], self.w_rec.shape[0])
        for k in range(windows.shape[1]):
            drive = windows[:, k] @ self.w_in.T + self.b
            for _ in range(self.steps):
                stages = []
                for row in a:
                    stages.append(self.field(h + step * sum((w * s for w, s in zip(row, stages)), torch.zeros_like(h)), drive))
                h = h + step * sum(w * s for w, s in zip(b, stages))
        out = h[:, :self.read] @ self.w_out.T + self.b_out
        return windows[:, -1] + self.scale * out if self.increment else out


def main(load, name):
    """The command line of an interop script: MODEL WINDOWS.npy PREDICTIONS.npy, with load(path) building the network."""
    if len(sys.argv) != 4:
        sys.exit(f"usage: python3 {sys.argv[0]} out/models/{name}.safetensors windows.npy predictions.npy   "
                 "(windows [batch, length, D], z-scored like data/processed/lorenz_data.npz)")
    model_path, windows_path, output_path = sys.argv[1:4]
    try:
        model = load(model_path)
    except ValueError as e:
        sys.exit(f"error: {e}")
    windows = torch.from_numpy(np.load(windows_path)).to(model.w_rec.dtype)
    with torch.no_grad():
        np.save(output_path, model(windows).numpy())
