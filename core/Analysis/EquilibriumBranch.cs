using System.Numerics;

namespace NeuroDyn.Analysis;

/// <summary>One equilibrium f(x; p) = 0 on a continued branch, with its linear stability.</summary>
/// <param name="Parameter">The parameter value p.</param>
/// <param name="State">The equilibrium x.</param>
/// <param name="Eigenvalues">Eigenvalues of ∂f/∂x there, by decreasing real part.</param>
/// <param name="UnstableCount">Number of eigenvalues with positive real part (0: stable).</param>
public sealed record EquilibriumPoint(double Parameter, double[] State, Complex[] Eigenvalues, int UnstableCount)
{
    /// <summary>True when every eigenvalue has a negative real part.</summary>
    public bool Stable => UnstableCount == 0 && Eigenvalues.All(l => l.Real < 0);
}

/// <summary>Kinds of codimension-one bifurcation of equilibria detected along a branch.</summary>
public enum BifurcationKind
{
    /// <summary>Fold (limit point): a real eigenvalue crosses zero and the branch turns back in the parameter.</summary>
    Fold,
    /// <summary>Branch point (pitchfork or transcritical): a real eigenvalue crosses zero and another branch crosses this one.</summary>
    BranchPoint,
    /// <summary>Hopf: a complex pair crosses the imaginary axis; a periodic orbit is born.</summary>
    Hopf,
}

/// <summary>A bifurcation located on a branch.</summary>
/// <param name="Kind">What kind.</param>
/// <param name="Parameter">The parameter value where the test function vanishes.</param>
/// <param name="State">The equilibrium there.</param>
/// <param name="Eigenvalues">Eigenvalues of ∂f/∂x there, by decreasing real part.</param>
/// <param name="Tangent">Unit tangent (dx/ds, dp/ds) of the branch there, used by <see cref="Continuation.SwitchBranch"/>.</param>
/// <param name="TestFunction">|test function| at the located point (det ∂f/∂x or Re λ of the critical pair): how well it was located.</param>
public sealed record Bifurcation(BifurcationKind Kind, double Parameter, double[] State, Complex[] Eigenvalues, double[] Tangent, double TestFunction);

/// <summary>A continued branch of equilibria: its points in order, the bifurcations between them, and why it ended.</summary>
/// <param name="Parameter">Name of the continued parameter.</param>
/// <param name="Points">The equilibria, in the order of continuation.</param>
/// <param name="Bifurcations">Bifurcations detected and located, in the order met.</param>
/// <param name="Message">Why the continuation stopped (parameter range reached, MaxPoints, the corrector failed, the parameter left its range).</param>
public sealed record EquilibriumBranch(string Parameter, IReadOnlyList<EquilibriumPoint> Points, IReadOnlyList<Bifurcation> Bifurcations, string Message);
