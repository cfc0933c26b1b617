using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>
/// An embedded Runge–Kutta pair with a dense output, holding its stage buffers for one solve: it tries a step,
/// estimates the step's error norm, and interpolates inside the step. The step control lives in <see cref="StepSizeController"/>, driven by <see cref="AdaptiveIntegrator"/>.
/// </summary>
/// <remarks>
/// Stage rows of <see cref="K"/>: 0..s−1 are the stages of the step (without a first-same-as-last stage), row s is f(y₊) (first same as last: it becomes row 0
/// of the next step), rows after it are extra stages some dense outputs need.
/// </remarks>
internal abstract class EmbeddedPair
{
    /// <summary>The vector field being integrated.</summary>
    protected readonly IVectorField Field;
    /// <summary>The step formula (its A may have extra rows for the dense output).</summary>
    protected readonly ButcherTableau Tableau;
    /// <summary>State dimension n.</summary>
    protected readonly int N;
    /// <summary>The field as the right-hand side of the stage arithmetic (a struct, passed by reference).</summary>
    protected FieldDerivative Derivative;
    /// <summary>Stage derivatives, row-major (row i at [i·n, (i+1)·n)).</summary>
    protected readonly double[] K;
    /// <summary>Scratch for stage arguments (length n).</summary>
    protected readonly double[] Work;
    /// <summary>Stages evaluated per step before f(y₊): all of them, or one fewer when the last stage is f(y₊) itself (first same as last).</summary>
    readonly int stepStages;

    /// <summary>Allocates the buffers for a field of dimension n with the given number of stage rows.</summary>
    protected EmbeddedPair(IVectorField field, ButcherTableau tableau, int rows)
    {
        (Field, Tableau, N, Derivative) = (field, tableau, field.Dimension, new FieldDerivative(field));
        stepStages = tableau.FirstSameAsLast ? tableau.Stages - 1 : tableau.Stages;
        K = new double[rows * N];
        Work = new double[N];
    }

    /// <summary>Order of the error estimator (the controller scales steps by error^(−1/(order+1))).</summary>
    public abstract int ErrorEstimatorOrder { get; }

    /// <summary>f(y) at the start of the current step (row 0 of the stages).</summary>
    public Span<double> StartDerivative => K.AsSpan(0, N);

    /// <summary>Tries a step of size h from y: fills the stages, writes y₊ and f(y₊); returns the evaluations spent (s).</summary>
    public int Attempt(ReadOnlySpan<double> y, double h, Span<double> yNew)
    {
        int s = stepStages;
        RungeKuttaStages.Evaluate(ref Derivative, Tableau, y, h, K, Work, 1, s);
        RungeKuttaStages.Combine(y, h, Tableau.B.AsSpan(0, s), K, yNew);
        Field.Evaluate(yNew, K.AsSpan(s * N, N));
        return s;
    }

    /// <summary>RMS-type norm of the error estimate of the step just tried, scaled by atol + rtol·max(|y|, |y₊|); below 1 accepts.</summary>
    public abstract double ErrorNorm(ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, double h, double rtol, double atol);

    /// <summary>Builds the interpolant on the accepted step [t, t+h] from y to y₊; returns the evaluations it spent.</summary>
    public abstract int PrepareDenseOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, double h);

    /// <summary>Writes the interpolated state at t + θh (0 ≤ θ ≤ 1) of the prepared step into <paramref name="result"/>.</summary>
    public abstract void Interpolate(double theta, ReadOnlySpan<double> y, Span<double> result);

    /// <summary>Moves f(y₊) into row 0 so that the next step starts from it without a new evaluation.</summary>
    public void Advance() => K.AsSpan(stepStages * N, N).CopyTo(K.AsSpan(0, N));
}
