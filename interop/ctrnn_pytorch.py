"""A NeuroDyn CT-RNN in PyTorch: load the weights chapter 01 saves (out/models/ctrnn.safetensors) and predict.

    python3 interop/ctrnn_pytorch.py out/models/ctrnn.safetensors windows.npy predictions.npy

reads windows [batch, length, 3] (z-scored, as in data/processed/lorenz_data.npz) and writes the next-state
predictions [batch, 3]. The model is the one NeuroDyn trains, written out in plain PyTorch:

    tau dh/dt = -h + tanh(W_rec h + W_in x_k + b)   for t in [k*Delta, (k+1)*Delta)   (input held, h(0) = 0)
    prediction = W_out h + b_out                     (readout "state")
               = x_last + s * (W_out h + b_out)      (readout "increment", s = increment_scale)

integrated with the fixed-step method of the file's metadata (euler, midpoint or rk4; steps_per_sample steps per sample).

Tensor names in the file: w_rec [n, n], w_in [n, 3], b [n], w_out [3, n], b_out [3] (float64); metadata (strings, written by
ModelArtifact.Save): hidden, tau, sample_interval, solver, steps_per_sample, readout, increment_scale, input_size, output_size, and
more options, the kind, the format version and a SHA-256 that NeuroDyn verifies. With the safetensors package installed,
safetensors.torch.load_file(path) returns the same tensors as read_safetensors below.
"""
import json
import struct
import sys

import numpy as np
import torch

DTYPES = {"F64": np.float64, "F32": np.float32, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """The tensors and the metadata of a .safetensors file: an 8-byte little-endian header size, a JSON header, raw data."""
    with open(path, "rb") as f:
        raw = f.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + size:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return tensors, metadata


TABLEAUS = {  # (a rows, b) of the explicit Runge-Kutta methods NeuroDyn's fixed-step solvers use
    "euler": ([[]], [1.0]),
    "midpoint": ([[], [0.5]], [0.0, 1.0]),
    "rk4": ([[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]], [1 / 6, 1 / 3, 1 / 3, 1 / 6]),
}


class CtRnn(torch.nn.Module):
    """The CT-RNN of a NeuroDyn safetensors file."""

    def __init__(self, path):
        super().__init__()
        tensors, meta = read_safetensors(path)
        for name in ("w_rec", "w_in", "b", "w_out", "b_out"):
            self.register_parameter(name, torch.nn.Parameter(tensors[name]))
        self.tau = float(meta["tau"])
        self.interval = float(meta["sample_interval"])
        self.steps = int(meta.get("steps_per_sample", "1"))
        self.solver = meta["solver"].lower()
        if self.solver not in TABLEAUS:
            raise ValueError(f"solver {self.solver} has no fixed-step tableau here; use euler, midpoint or rk4")
        self.increment = meta.get("readout", "State").lower() == "increment"
        self.scale = float(meta.get("increment_scale", "1"))

    def field(self, h, drive):
        return (torch.tanh(h @ self.w_rec.T + drive) - h) / self.tau

    def forward(self, windows):
        a, b = TABLEAUS[self.solver]
        step = self.interval / self.steps
        h = windows.new_zeros(windows.shape[0], self.w_rec.shape[0])
        for k in range(windows.shape[1]):
            drive = windows[:, k] @ self.w_in.T + self.b
            for _ in range(self.steps):
                stages = []
                for row in a:
                    stages.append(self.field(h + step * sum((w * s for w, s in zip(row, stages)), torch.zeros_like(h)), drive))
                h = h + step * sum(w * s for w, s in zip(b, stages))
        out = h @ self.w_out.T + self.b_out
        return windows[:, -1] + self.scale * out if self.increment else out


if __name__ == "__main__":
    model_path, windows_path, output_path = sys.argv[1:4]
    model = CtRnn(model_path)
    windows = torch.from_numpy(np.load(windows_path)).to(model.w_rec.dtype)
    with torch.no_grad():
        np.save(output_path, model(windows).numpy())
