namespace NeuroDyn.Systems;

/// <summary>A discrete-time map h_{k+1} = G(h_k) on R^n with its Jacobian J_ij = ∂G_i/∂h_j — the discrete counterpart of <see cref="IVectorField"/>.</summary>
/// <remarks>A trained sequence model run in closed loop is such a map from one sample to the next (<see cref="Models.RateNetworkMap"/>,
/// <see cref="Models.SequenceModelMaps"/>); map analyses (fixed points, multipliers, Lyapunov spectra, period-k points) take any <see cref="IMap"/>.
/// Implementations may hold scratch space (one instance per thread) and should not allocate in <see cref="Apply"/> or <see cref="Jacobian"/>.</remarks>
public interface IMap
{
    /// <summary>State-space dimension n.</summary>
    int Dimension { get; }

    /// <summary>Writes G(h) into <paramref name="next"/> (length n).</summary>
    void Apply(ReadOnlySpan<double> state, Span<double> next);

    /// <summary>Writes the Jacobian ∂G/∂h at h into <paramref name="jacobian"/>, row-major (length n·n, entry [i·n + j] = ∂G_i/∂h_j).</summary>
    void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian);
}

/// <summary>A family of maps G(h; p) with named parameters, so that analyses can sweep one of them (e.g. a network's recurrent gain); the map counterpart of <see cref="IParameterizedField"/>.</summary>
public interface IParameterizedMap : IMap
{
    /// <summary>Names of the parameters, in a fixed order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The value of the named parameter; an unknown name throws an <see cref="ArgumentException"/> listing the known ones.</summary>
    double GetParameter(string name);

    /// <summary>The same map with one parameter changed; an unknown name or a value outside the parameter's range throws, naming the parameter.</summary>
    IParameterizedMap WithParameter(string name, double value);
}
