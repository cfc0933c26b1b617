using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// Ridge regression (Tikhonov regularisation; Hoerl &amp; Kennard 1970, Technometrics 12:55) with an unpenalised intercept:
/// minimise Σ_t ‖y_t − Wᵀx_t − b‖² + λ‖W‖², solved on centred data as (X_cᵀX_c + λI) W = X_cᵀY_c, b = ȳ − Wᵀx̄.
/// The linear algebra runs in float64 through libtorch (a reservoir's Gram matrix has thousands of rows and columns).
/// With <c>standardize</c> every feature is divided by its training standard deviation σ_j (at least 1 % of the median σ) before the fit (so λ penalises all
/// features alike, whatever their units) and the weights are mapped back, W_j ← W_j / σ_j: the readout reads raw features.
/// </summary>
public static class RidgeRegression
{
    /// <summary>The ridge solution for one λ &gt; 0 (an LU solve of the regularised normal equations, torch.linalg.solve).</summary>
    public static RidgeReadout Fit(double[,] features, double[,] targets, double lambda, bool standardize = false)
    {
        CheckPair(features, targets, nameof(features), nameof(targets));
        CheckLambda(lambda, nameof(lambda));
        NeuroDyn.Torch.TorchRuntime.Initialize();
        using var scope = torch.NewDisposeScope();
        var (x, xMean) = Centred(features);
        var (y, yMean) = Centred(targets);
        var scale = Scale(x, standardize);
        x = x / scale;
        var gram = x.t().mm(x);
        // explicit and disposed after the call (add_(Scalar) converts α = 1 implicitly): an implicit Scalar may be finalized while libtorch reads it
        using (Scalar ridge = lambda.ToScalar(), one = 1.ToScalar())
            gram.diagonal().add_(ridge, alpha: one);
        var weights = torch.linalg.solve(gram, x.t().mm(y)) / scale.unsqueeze(1);
        return Readout(weights, xMean, yMean, lambda);
    }

    /// <summary>
    /// Fits on the training pair for every λ in <paramref name="lambdas"/> and keeps the one with the smallest validation MSE.
    /// One eigendecomposition X_cᵀX_c = V diag(s) Vᵀ serves the whole grid: W(λ) = V diag(1/(s + λ)) Vᵀ X_cᵀY_c.
    /// </summary>
    public static RidgeSelection FitOnValidation(double[,] trainFeatures, double[,] trainTargets, double[,] validationFeatures, double[,] validationTargets,
        IReadOnlyList<double> lambdas, bool standardize = false)
    {
        CheckPair(trainFeatures, trainTargets, nameof(trainFeatures), nameof(trainTargets));
        CheckPair(validationFeatures, validationTargets, nameof(validationFeatures), nameof(validationTargets));
        if (validationFeatures.GetLength(1) != trainFeatures.GetLength(1) || validationTargets.GetLength(1) != trainTargets.GetLength(1))
            throw new ArgumentException($"validation has {validationFeatures.GetLength(1)} features and {validationTargets.GetLength(1)} targets per row but training has {trainFeatures.GetLength(1)} and {trainTargets.GetLength(1)}; both need the same columns.", nameof(validationFeatures));
        ArgumentNullException.ThrowIfNull(lambdas);
        if (lambdas.Count == 0) throw new ArgumentException("the λ grid is empty; give at least one λ > 0 (e.g. RidgeRegression.LogGrid(1e-6, 1e2, 17)).", nameof(lambdas));
        foreach (double l in lambdas) CheckLambda(l, nameof(lambdas));
        NeuroDyn.Torch.TorchRuntime.Initialize();
        using var scope = torch.NewDisposeScope();
        var (x, xMean) = Centred(trainFeatures);
        var (y, yMean) = Centred(trainTargets);
        var scale = Scale(x, standardize);
        x = x / scale;
        var (s, v) = torch.linalg.eigh(x.t().mm(x));
        var projected = v.t().mm(x.t().mm(y));                       // Vᵀ X_cᵀ Y_c
        var validationX = (torch.tensor(validationFeatures, ScalarType.Float64) - xMean) / scale;
        var validationY = torch.tensor(validationTargets, ScalarType.Float64) - yMean;
        var validationV = validationX.mm(v);
        var mse = new double[lambdas.Count];
        using Scalar one = 1.ToScalar(), two = 2.ToScalar();   // explicit and disposed after use, as in Fit (square() converts 2 implicitly)
        Tensor Shrunk(double lambda)   // Vᵀ X_cᵀ Y_c / (s + λ)
        {
            using var ridge = lambda.ToScalar();
            return projected / s.add(ridge, alpha: one).unsqueeze(1);
        }
        for (int k = 0; k < lambdas.Count; k++)
        {
            using var inner = torch.NewDisposeScope();
            mse[k] = (validationV.mm(Shrunk(lambdas[k])) - validationY).pow(two).mean().item<double>();
        }
        int best = Array.IndexOf(mse, mse.Min());
        var weights = v.mm(Shrunk(lambdas[best])) / scale.unsqueeze(1);
        return new RidgeSelection(Readout(weights, xMean, yMean, lambdas[best]), lambdas.ToArray(), mse, best);
    }

    /// <summary><paramref name="count"/> values from <paramref name="smallest"/> to <paramref name="largest"/>, equally spaced in log10.</summary>
    public static double[] LogGrid(double smallest, double largest, int count)
    {
        CheckLambda(smallest, nameof(smallest));
        CheckLambda(largest, nameof(largest));
        if (count < 2 || !(largest > smallest))
            throw new ArgumentException($"a log grid needs count >= 2 (got {count}) and largest > smallest (got {smallest} .. {largest}).", nameof(count));
        double a = Math.Log10(smallest), b = Math.Log10(largest);
        return Enumerable.Range(0, count).Select(k => Math.Pow(10, a + (b - a) * k / (count - 1))).ToArray();
    }

    static (Tensor Centred, Tensor Mean) Centred(double[,] values)
    {
        var t = torch.tensor(values, ScalarType.Float64);
        var mean = t.mean([0]);
        return (t - mean, mean);
    }

    /// <summary>
    /// σ_j of the centred columns, at least 1 % of the median column's σ (1 where that is 0), or all ones without standardisation.
    /// The floor keeps a column that hardly varies in training (a neuron that fired a few times) from being scaled up by 1/σ_j:
    /// its weight would then be huge, and on new data, where the neuron fires more, it would dominate the prediction.
    /// </summary>
    static Tensor Scale(Tensor centred, bool standardize)
    {
        if (!standardize) return torch.ones(centred.shape[1], ScalarType.Float64);
        using var two = 2.ToScalar();   // explicit and disposed after the calls, as in Fit
        var sd = centred.pow(two).mean([0]).sqrt();
        double floor = 0.01 * sd.median().item<double>();
        using var least = (floor > 0 ? floor : 1.0).ToScalar();
        return torch.clamp_min(sd, least);
    }

    static RidgeReadout Readout(Tensor weights, Tensor xMean, Tensor yMean, double lambda)
    {
        var intercept = yMean - xMean.matmul(weights);
        return new RidgeReadout(ToMatrix(weights), intercept.data<double>().ToArray(), lambda);
    }

    static double[,] ToMatrix(Tensor t)
    {
        var c = t.contiguous();
        var result = new double[c.shape[0], c.shape[1]];
        var data = c.data<double>().ToArray();
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(double));
        return result;
    }

    static void CheckPair(double[,] features, double[,] targets, string featureName, string targetName)
    {
        ArgumentNullException.ThrowIfNull(features, featureName);
        ArgumentNullException.ThrowIfNull(targets, targetName);
        if (features.GetLength(0) != targets.GetLength(0))
            throw new ArgumentException($"{featureName} has {features.GetLength(0)} rows but {targetName} has {targets.GetLength(0)}; give one target row per feature row.", targetName);
        if (features.GetLength(0) < 2 || features.GetLength(1) < 1 || targets.GetLength(1) < 1)
            throw new ArgumentException($"{featureName} is {features.GetLength(0)}×{features.GetLength(1)} and {targetName} {targets.GetLength(0)}×{targets.GetLength(1)}; a fit needs at least 2 rows and 1 column each.", featureName);
        NeuroDyn.Systems.Guard.Finite(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref features[0, 0], features.Length), featureName);
        NeuroDyn.Systems.Guard.Finite(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref targets[0, 0], targets.Length), targetName);
    }

    static void CheckLambda(double lambda, string name)
    {
        if (!double.IsFinite(lambda) || lambda <= 0)
            throw new ArgumentOutOfRangeException(name, lambda, $"the ridge strength λ must be a finite number > 0 (got {lambda}); use e.g. 1e-6 for nearly no regularisation.");
    }
}
