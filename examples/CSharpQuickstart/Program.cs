using NeuroDyn.Analysis;
using NeuroDyn.Data;
using NeuroDyn.Models;
using NeuroDyn.Torch;
using NeuroDyn.Training;

// Train a small CT-RNN on Lorenz-63 data, then measure the Lyapunov spectrum of the network run autonomously.
TorchRuntime.Initialize();
var data = LorenzDataset.Generate(new LorenzDataOptions { Duration = 50 }).Data;
var model = new CtRnn(new CtRnnOptions { Hidden = 32 }, seed: 0);
var fit = Trainer.Fit(model, data.Train, data.Val, new TrainingOptions { Epochs = 3, MaxBatchesPerEpoch = 20, Threads = 1 });
var field = model.AsVectorField();   // τ dh/dt = −h + tanh(W_rec h + W_in (W_out h + b_out) + b)
var spectrum = LyapunovSpectrum.Compute(field, new double[field.Dimension], new LyapunovOptions { Steps = 20_000, Count = 3 });
Console.WriteLine($"validation MSE {fit.BestValidationLoss:E2} after {fit.History.Count} epochs");
Console.WriteLine($"Lyapunov exponents (per model time unit): {string.Join(", ", spectrum.Exponents.Select(e => e.ToString("F4")))}");
