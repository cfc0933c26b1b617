using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>
/// Passes a field through and remembers the first state where it returned NaN or infinity, so that a failed integration can
/// say that the system, not the solver, broke down, and where.
/// </summary>
internal sealed class FieldWatch(IVectorField inner) : IVectorField
{
    /// <summary>The first state at which f was not finite, or null.</summary>
    public double[]? FirstNonFinite { get; private set; }

    /// <inheritdoc/>
    public int Dimension => inner.Dimension;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative)
    {
        inner.Evaluate(state, derivative);
        if (FirstNonFinite is null)
            foreach (var v in derivative)
                if (!double.IsFinite(v)) { FirstNonFinite = state.ToArray(); break; }
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian) => inner.Jacobian(state, jacobian);

    /// <summary>A sentence naming the state where the field returned NaN or infinity, or "" if it never did.</summary>
    public string Diagnosis() => FirstNonFinite is null ? "" :
        $" The system returned a non-finite value (NaN or infinity) at x = ({string.Join(", ", FirstNonFinite.Select(v => v.ToString("G6")))}): check the system there.";
}
