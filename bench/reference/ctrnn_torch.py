"""The CT-RNN benchmark's configurations in plain PyTorch (no torchdiffeq): Adam steps on a batch of 64 windows of 50 samples,
tau 1, one fixed solver step of 0.1 per sample (euler or rk4), MSE on the next state, float32, one thread; median wall time of a
step after a 3 s warm-up. A plain loop has less overhead than torchdiffeq's odeint, so it is a strict reference measured on the
same machine at the same time as NeuroDyn's figures. Usage: python3 ctrnn_torch.py OUT.json"""
import json, sys, time
import torch

torch.set_num_threads(1)


class CtRnn(torch.nn.Module):
    def __init__(self, hidden, solver):
        super().__init__()
        self.w_in = torch.nn.Linear(3, hidden)
        self.w_rec = torch.nn.Linear(hidden, hidden, bias=False)
        self.w_out = torch.nn.Linear(hidden, 3)
        self.solver, self.dt, self.tau = solver, 0.1, 1.0

    def field(self, h, z):
        return (-h + torch.tanh(self.w_rec(h) + z)) / self.tau

    def step(self, h, z):
        dt = self.dt
        if self.solver == "euler":
            return h + dt * self.field(h, z)
        k1 = self.field(h, z)
        k2 = self.field(h + 0.5 * dt * k1, z)
        k3 = self.field(h + 0.5 * dt * k2, z)
        k4 = self.field(h + dt * k3, z)
        return h + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

    def forward(self, windows):
        drive = self.w_in(windows)
        h = windows.new_zeros(windows.shape[0], self.w_rec.weight.shape[0])
        for k in range(windows.shape[1]):
            h = self.step(h, drive[:, k])
        return self.w_out(h)


def measure(hidden, solver, warm_up=3.0, timed=25):
    torch.manual_seed(1)
    model = CtRnn(hidden, solver)
    windows, targets = torch.randn(64, 50, 3), torch.randn(64, 3)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(windows), targets).backward()
        optimizer.step()

    start = time.perf_counter()
    while time.perf_counter() - start < warm_up:
        step()
    seconds = []
    for _ in range(timed):
        t = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - t)
    seconds.sort()
    return {"hidden": hidden, "solver": solver, "steps_per_second": 1 / seconds[len(seconds) // 2], "best_steps_per_second": 1 / seconds[0],
            "torch_version": torch.__version__, "threads": 1}


if __name__ == "__main__":
    figures = [measure(h, s) for h in (64, 256) for s in ("euler", "rk4")]
    for f in figures:
        print(f"plain PyTorch {f['torch_version']}: hidden {f['hidden']:3} {f['solver']:5} {f['steps_per_second']:7.1f} steps/s (best {f['best_steps_per_second']:.1f})")
    with open(sys.argv[1] if len(sys.argv) > 1 else "ctrnn_torch.json", "w") as out:
        json.dump(figures, out, indent=2)
