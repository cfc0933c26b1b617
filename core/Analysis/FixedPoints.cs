using Complex = System.Numerics.Complex;
using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>
/// Fixed and slow points by minimising the speed q(x) = ½|f(x)|² from many starts (Sussillo &amp; Barak 2013,
/// "Opening the black box: low-dimensional dynamics in high-dimensional recurrent neural networks",
/// Neural Computation 25:626–649), followed by Newton refinement and linear stability analysis.
/// </summary>
/// <remarks>
/// A minimum is a fixed point when q(x*) ≤ <see cref="FixedPointOptions.FixedPointTolerance"/> and, relative to the field's scale,
/// |f(x*)| ≤ <see cref="FixedPointOptions.ResidualTolerance"/> · ‖J(x*)‖₂ · L, L = √(Σ_j s_j²) the spread of the given states
/// (s_j the standard deviation of coordinate j): the zero predicted by the linearisation, |f|/‖J‖₂ away at least, lies within
/// that fraction of the trajectory's extent. Minima that meet only the first condition (where f is merely tiny, as eˣ far
/// to the left) count as discarded.
/// q is a sum of squares, so it is minimised by Levenberg–Marquardt (Levenberg 1944, Marquardt 1963): the step solves
/// (JᵀJ + μI) dx = −Jᵀf, i.e. it follows the gradient ∇q = Jᵀf when μ is large and becomes Gauss–Newton, quadratically
/// convergent at a zero of f, when μ is small. Gradient methods such as Adam need thousands of iterations for the same
/// accuracy; LM needs tens. Fixed points are then refined by Newton's method, J dx = −f.
/// </remarks>
public static class FixedPoints
{
    /// <summary>
    /// Searches for fixed points (q ≈ 0) and slow points (small non-zero local minima of q) of <paramref name="field"/>
    /// from <see cref="FixedPointOptions.StartCount"/> starts drawn from the rows of <paramref name="startStates"/>
    /// (e.g. a trajectory) plus Gaussian noise, all random choices from <paramref name="seed"/>.
    /// </summary>
    public static FixedPointResult Find(IVectorField field, double[,] startStates, FixedPointOptions? options = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(startStates);
        var o = options ?? new FixedPointOptions();
        int n = field.Dimension;
        StateMatrix.Check(startStates, nameof(startStates), columns: n);
        if (o.StartCount < 1) throw new ArgumentOutOfRangeException(nameof(options), o.StartCount, "StartCount must be at least 1.");
        if (o.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), o.MaxIterations, "MaxIterations must be at least 1.");
        if (!(o.NoiseScale >= 0)) throw new ArgumentOutOfRangeException(nameof(options), o.NoiseScale, "NoiseScale must be 0 or more.");
        Guard.Positive(o.FixedPointTolerance, nameof(o.FixedPointTolerance));
        Guard.Positive(o.MergeTolerance, nameof(o.MergeTolerance));
        Guard.Positive(o.ResidualTolerance, nameof(o.ResidualTolerance));
        if (!(o.SlowPointThreshold >= o.FixedPointTolerance))
            throw new ArgumentOutOfRangeException(nameof(options), o.SlowPointThreshold, "SlowPointThreshold must be at least FixedPointTolerance.");

        var (_, spread) = StateMatrix.ColumnMoments(startStates);
        double extent = Math.Sqrt(spread.Sum(s => s * s));
        if (extent == 0) extent = 1;   // a single start state gives no length scale of its own
        var starts = DrawStarts(startStates, spread, o.StartCount, o.NoiseScale, new Random(seed));
        var fixedCandidates = new List<Candidate>();
        var slowCandidates = new List<Candidate>();
        int discarded = 0;
        foreach (var start in starts)
        {
            var (x, q) = MinimiseSpeed(field, start, o.MaxIterations);
            if (q <= o.FixedPointTolerance) fixedCandidates.Add(new Candidate(x, q, 1, null));
            else if (q <= o.SlowPointThreshold) slowCandidates.Add(new Candidate(x, q, 1, null));
            else discarded++;
        }

        // Refine one representative per cluster, then merge again: refined points of neighbouring clusters may coincide.
        var refined = Merge(fixedCandidates, o.MergeTolerance).Select(c => NewtonRefine(field, c, o.SingularTolerance)).ToList();
        var merged = Merge(refined, o.MergeTolerance);
        var zeros = merged.Where(c => IsZero(field, c, o.ResidualTolerance * extent)).ToList();
        discarded += merged.Sum(c => c.Hits) - zeros.Sum(c => c.Hits);
        var fixedPoints = zeros.Select(c => Linearise(field, c, o.HyperbolicityTolerance)).OrderByDescending(p => p.Hits).ToList();
        var slowPoints = Merge(slowCandidates, o.MergeTolerance)
            .Select(c => Linearise(field, c, o.HyperbolicityTolerance)).OrderByDescending(p => p.Hits).ToList();
        return new FixedPointResult(fixedPoints, slowPoints, starts.Count, discarded);
    }

    /// <summary>
    /// Stability type from the eigenvalues of a Jacobian: non-hyperbolic if some |Re λ| ≤ tolerance·max(1, max|λ|),
    /// else node/focus/saddle by the signs of the real parts and whether any eigenvalue is complex.
    /// </summary>
    public static FixedPointKind Classify(IReadOnlyList<Complex> eigenvalues, double hyperbolicityTolerance = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (eigenvalues.Count == 0) throw new ArgumentException("There are no eigenvalues to classify.", nameof(eigenvalues));
        double scale = Math.Max(1.0, eigenvalues.Max(l => l.Magnitude));
        double tol = hyperbolicityTolerance * scale;
        if (eigenvalues.Any(l => Math.Abs(l.Real) <= tol)) return FixedPointKind.NonHyperbolic;
        bool complex = eigenvalues.Any(l => Math.Abs(l.Imaginary) > tol);
        int unstable = eigenvalues.Count(l => l.Real > 0);
        if (unstable == 0) return complex ? FixedPointKind.StableFocus : FixedPointKind.StableNode;
        if (unstable == eigenvalues.Count) return complex ? FixedPointKind.UnstableFocus : FixedPointKind.UnstableNode;
        return complex ? FixedPointKind.SaddleFocus : FixedPointKind.Saddle;
    }

    private static List<double[]> DrawStarts(double[,] states, double[] std, int count, double noiseScale, Random rng)
    {
        int rows = states.GetLength(0), n = states.GetLength(1);
        var starts = new List<double[]>(count);
        for (int s = 0; s < count; s++)
        {
            int row = rng.Next(rows);
            var x = new double[n];
            for (int j = 0; j < n; j++) x[j] = states[row, j] + noiseScale * std[j] * Normal.Sample(rng, 0, 1);
            starts.Add(x);
        }
        return starts;
    }

    /// <summary>Levenberg–Marquardt on f(x) = 0 from x0 (Nielsen's damping update); returns the last accepted point and its q (∞ if it diverged).</summary>
    private static (double[] X, double Q) MinimiseSpeed(IVectorField field, double[] x0, int maxIterations)
    {
        int n = field.Dimension;
        var x = Vector.Build.DenseOfArray(x0);
        var f = Vector.Build.Dense(n);
        var flat = new double[n * n];
        field.Evaluate(x.AsArray(), f.AsArray());
        double q = 0.5 * f.DotProduct(f);
        double mu = -1, nu = 2;
        var identity = Matrix.Build.DenseIdentity(n);
        for (int it = 0; it < maxIterations && q > 0; it++)
        {
            field.Jacobian(x.AsArray(), flat);
            var jt = Matrix.Build.Dense(n, n, (double[])flat.Clone());   // column-major read of row-major J is Jᵀ
            var jtj = jt.TransposeAndMultiply(jt);
            var gradient = jt * f;
            double diagonalScale = Math.Max(jtj.Diagonal().Maximum(), 1e-300);
            mu = mu < 0 ? 1e-3 * diagonalScale : Math.Max(mu, 1e-14 * diagonalScale);   // the floor keeps JᵀJ + μI positive definite
            bool accepted = false;
            while (!accepted && mu < 1e30)
            {
                var step = (jtj + mu * identity).Cholesky().Solve(-gradient);
                var trial = x + step;
                var fTrial = Vector.Build.Dense(n);
                field.Evaluate(trial.AsArray(), fTrial.AsArray());
                double qTrial = 0.5 * fTrial.DotProduct(fTrial);
                double predicted = 0.5 * step.DotProduct(mu * step - gradient);   // model decrease of q
                if (double.IsFinite(qTrial) && qTrial < q)
                {
                    double rho = (q - qTrial) / Math.Max(predicted, 1e-300);
                    mu *= Math.Max(1.0 / 3.0, 1 - Math.Pow(2 * rho - 1, 3));
                    nu = 2;
                    bool tinyStep = step.L2Norm() <= 1e-13 * (1 + x.L2Norm());
                    (x, f, q, accepted) = (trial, fTrial, qTrial, true);
                    if (tinyStep) return (x.ToArray(), q);
                }
                else
                {
                    mu *= nu;
                    nu *= 2;
                }
            }
            if (!accepted) break;   // no descent direction left: a local minimum of q
        }
        return double.IsFinite(q) ? (x.ToArray(), q) : (x.ToArray(), double.PositiveInfinity);
    }

    /// <summary>A point reached from <see cref="Hits"/> starts, with its speed q and a note on it.</summary>
    private sealed record Candidate(double[] X, double Q, int Hits, string? Note);

    /// <summary>
    /// Newton's method J dx = −f from the candidate while q decreases; where J is (nearly) singular, σ_min/σ_max below the
    /// tolerance, it stops and notes why: the point may be non-isolated and its location is only as good as q says.
    /// </summary>
    private static Candidate NewtonRefine(IVectorField field, Candidate candidate, double singularTolerance)
    {
        var x = Vector.Build.DenseOfArray(candidate.X);
        var f = Vector.Build.DenseOfArray(field.Evaluate(candidate.X));
        double q = 0.5 * f.DotProduct(f);
        for (int it = 0; it < 20 && q > 0; it++)
        {
            var jacobian = Matrix.Build.DenseOfArray(field.Jacobian(x.AsArray()));
            var singular = jacobian.Svd(computeVectors: false).S;
            double ratio = singular.Maximum() > 0 ? singular.Minimum() / singular.Maximum() : 0;
            if (ratio < singularTolerance)
                return candidate with
                {
                    X = x.ToArray(), Q = q,
                    Note = $"The Jacobian is singular here (σ_min/σ_max = {ratio:G3}), so Newton refinement stopped and the point may be non-isolated; its location is only as accurate as q = {q:G3} allows.",
                };
            var trial = x - jacobian.LU().Solve(f);
            var fTrial = Vector.Build.DenseOfArray(field.Evaluate(trial.ToArray()));
            double qTrial = 0.5 * fTrial.DotProduct(fTrial);
            if (!(qTrial < q)) break;
            (x, f, q) = (trial, fTrial, qTrial);
        }
        return candidate with { X = x.ToArray(), Q = q };
    }

    /// <summary>
    /// True when the zero the linearisation predicts lies within <paramref name="distance"/>: |f(x*)| ≤ distance · ‖J(x*)‖₂, since
    /// |f|/‖J‖₂ is the shortest step that linear model needs to reach f = 0. A small q alone is not enough: for f = eˣ,
    /// q = ½e²ˣ is 10⁻⁷⁵ at x = −86, yet the predicted zero is always 1 away (|f|/|J| = 1).
    /// </summary>
    private static bool IsZero(IVectorField field, Candidate c, double distance)
    {
        var f = Vector.Build.DenseOfArray(field.Evaluate(c.X));
        var jacobian = Matrix.Build.DenseOfArray(field.Jacobian(c.X));
        return f.L2Norm() <= distance * jacobian.L2Norm();
    }

    private static FixedPoint Linearise(IVectorField field, Candidate c, double hyperbolicityTolerance)
    {
        var jacobian = field.Jacobian(c.X);
        var eigenvalues = Matrix.Build.DenseOfArray(jacobian).Evd().EigenValues.ToArray()
            .OrderByDescending(l => l.Real).ThenByDescending(l => l.Imaginary).ToArray();
        var kind = Classify(eigenvalues, hyperbolicityTolerance);
        return new FixedPoint(c.X, c.Q, jacobian, eigenvalues, kind, eigenvalues.Count(l => l.Real > 0), c.Hits, c.Note);
    }

    /// <summary>Greedy clustering by increasing q: each point joins the first (lowest-q) representative within the tolerance, adding its hits, else starts a cluster.</summary>
    private static List<Candidate> Merge(List<Candidate> points, double tolerance)
    {
        var clusters = new List<Candidate>();
        foreach (var p in points.OrderBy(p => p.Q))
        {
            int c = clusters.FindIndex(r => Distance(r.X, p.X) <= tolerance);
            if (c >= 0) clusters[c] = clusters[c] with { Hits = clusters[c].Hits + p.Hits };
            else clusters.Add(p);
        }
        return clusters;
    }

    private static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }
}
