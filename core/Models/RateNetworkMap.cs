using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A rate network's sample-to-sample map exactly as trained, in doubles, with its exact Jacobian. Closed loop, state readout, on h:
/// h_{k+1} = Φ_Δ(h_k; x̂_k), x̂_k = W_out h_k + b_out. Closed loop, increment readout, on (h, x) (x the latest input): x̂ = x + s (W_out h + b_out),
/// G(h, x) = (Φ_Δ(h; x̂), x̂). Held input u*: h_{k+1} = Φ_Δ(h_k; u*). Φ_Δ integrates dh/dt = γ ⊙ (−h + φ(g W h + W_in x̂ + b)) over Δ with x̂ held,
/// by the network's fixed-step solver (its Butcher tableau, StepsPerSample steps of Δ/StepsPerSample).</summary>
/// <remarks>The Jacobian is the chain rule through every solver stage (the discrete variational equation of the scheme, with the analytic
/// ∂f/∂h = diag(γ)(diag(φ'(u)) g W − I) and ∂f/∂x̂ = diag(γ φ'(u)) W_in), so it is the derivative of the map itself, not of the flow.
/// From <see cref="RateNetworkDynamics.ClosedLoopMap"/>; an adaptive solver's network is served by <see cref="SequenceModelMaps"/> instead.
/// Holds scratch space: one instance per thread.</remarks>
public sealed class RateNetworkMap : IParameterizedMap, IClosedLoopMap
{
    readonly RateNetworkDynamics dynamics;
    readonly double[]? heldInput;
    readonly ButcherTableau tableau;
    readonly double[] weight, inverseTau;
    readonly int n, inputs, columns;
    readonly double step;
    // scratch: the fed-back input, the drive, the hidden state, the stages and their tangents
    readonly double[] input, drive, hidden, stageState, slope, tangent, stageTangent, driveTangent, inputTangent;
    readonly double[][] stages, stageTangents;

    internal RateNetworkMap(RateNetworkDynamics dynamics, double[]? heldInput)
    {
        tableau = ButcherTableau.For(dynamics.Solver);
        if (tableau.BError is not null)
            throw new NotSupportedException($"the {tableau.Name} solver is adaptive, so its map has no fixed stage structure: use SequenceModelMaps.ClosedLoop(network, window), which differentiates the accepted step sequence by autograd.");
        (this.dynamics, this.heldInput) = (dynamics, heldInput);
        n = dynamics.Hidden;
        inputs = dynamics.InputSize;
        Dimension = n + (IncrementState ? inputs : 0);
        columns = Dimension + inputs;   // tangents: ∂/∂state, then ∂/∂x̂ (the input Jacobian)
        weight = dynamics.ScaledRecurrentWeight();
        inverseTau = dynamics.TimeConstants.Select(t => 1 / t).ToArray();
        step = dynamics.SampleInterval / dynamics.StepsPerSample;
        input = new double[inputs];
        (drive, hidden, stageState, slope) = (new double[n], new double[n], new double[n], new double[n]);
        (tangent, stageTangent, driveTangent) = (new double[n * columns], new double[n * columns], new double[n * columns]);
        inputTangent = new double[inputs * columns];
        stages = Enumerable.Range(0, tableau.Stages).Select(_ => new double[n]).ToArray();
        stageTangents = Enumerable.Range(0, tableau.Stages).Select(_ => new double[n * columns]).ToArray();
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int OutputSize => inputs;

    /// <summary>The dynamics the map was built from.</summary>
    public RateNetworkDynamics Dynamics => dynamics;

    /// <summary>The input held constant (open loop), or null for the closed-loop map.</summary>
    public IReadOnlyList<double>? HeldInput => heldInput;

    /// <summary>True when the state is (h, x): the closed-loop map of a network with the increment readout.</summary>
    public bool IncrementState => heldInput is null && dynamics.IncrementScale is not null;

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames { get; } = [RateNetworkDynamics.GainName];

    /// <inheritdoc/>
    public double GetParameter(string name) => name == RateNetworkDynamics.GainName ? dynamics.Gain : throw UnknownParameter(name);

    /// <inheritdoc/>
    public IParameterizedMap WithParameter(string name, double value) =>
        name == RateNetworkDynamics.GainName ? new RateNetworkMap(dynamics.WithGain(value), heldInput) : throw UnknownParameter(name);

    /// <summary>The network's prediction at a state, x̂ (the input the map feeds over the next interval: W_out h + b_out, x + s (W_out h + b_out), or u*), into <paramref name="prediction"/> (length D).</summary>
    public void Prediction(ReadOnlySpan<double> state, Span<double> prediction)
    {
        FedInput(state);
        input.CopyTo(prediction);
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> state, Span<double> next)
    {
        FedInput(state);
        Drive();
        state[..n].CopyTo(hidden);
        for (int s = 0; s < dynamics.StepsPerSample; s++) SolverStep(withTangents: false);
        hidden.CopyTo(next);
        if (IncrementState) input.CopyTo(next[n..]);
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Differentiate(state);
        int m = Dimension;
        for (int i = 0; i < n; i++) tangent.AsSpan(i * columns, m).CopyTo(jacobian.Slice(i * m, m));
        if (IncrementState)
            for (int d = 0; d < inputs; d++) inputTangent.AsSpan(d * columns, m).CopyTo(jacobian.Slice((n + d) * m, m));
    }

    /// <summary>The input Jacobian ∂h_{k+1}/∂x̂ (n×D, row-major into <paramref name="jacobian"/>): how the hidden state after one interval depends on the input held over it (for a held-input map, ∂G/∂u*).</summary>
    public void InputJacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Differentiate(state);
        for (int i = 0; i < n; i++) tangent.AsSpan(i * columns + Dimension, inputs).CopyTo(jacobian.Slice(i * inputs, inputs));
    }

    /// <summary>The input Jacobian ∂h_{k+1}/∂x̂ as an n×D array (see <see cref="InputJacobian(ReadOnlySpan{double}, Span{double})"/>).</summary>
    public double[,] InputJacobian(double[] state)
    {
        Guard.Dimension(this, state, nameof(state));
        var flat = new double[n * inputs];
        InputJacobian(state, flat);
        var jacobian = new double[n, inputs];
        Buffer.BlockCopy(flat, 0, jacobian, 0, flat.Length * sizeof(double));
        return jacobian;
    }

    /// <summary>Runs the map with tangents: ∂h/∂(state, x̂) into <see cref="tangent"/>, ∂x̂/∂(state, x̂) into <see cref="inputTangent"/>.</summary>
    void Differentiate(ReadOnlySpan<double> state)
    {
        if (state.Length != Dimension) throw new ArgumentException($"state has {state.Length} entries but the map has dimension {Dimension}.", nameof(state));
        FedInput(state);
        Drive();
        state[..n].CopyTo(hidden);
        // ∂x̂/∂state: W_out (state readout), [s W_out | I] (increment), 0 (held input); ∂x̂/∂x̂ = I.
        Array.Clear(inputTangent);
        double readoutScale = heldInput is not null ? 0 : dynamics.IncrementScale ?? 1;
        for (int d = 0; d < inputs; d++)
        {
            var row = inputTangent.AsSpan(d * columns, columns);
            for (int j = 0; j < n; j++) row[j] = readoutScale * dynamics.OutputWeight[d * n + j];
            if (IncrementState) row[n + d] = 1;
            row[Dimension + d] = 1;
        }
        // ∂z/∂· = W_in ∂x̂/∂·; ∂h_0/∂· = [I | 0]
        for (int i = 0; i < n; i++)
        {
            var row = driveTangent.AsSpan(i * columns, columns);
            row.Clear();
            for (int d = 0; d < inputs; d++)
            {
                double w = dynamics.InputWeight[i * inputs + d];
                if (w != 0) SpanMath.AddScaled(row, w, inputTangent.AsSpan(d * columns, columns), row);
            }
        }
        Array.Clear(tangent);
        for (int i = 0; i < n; i++) tangent[i * columns + i] = 1;
        for (int s = 0; s < dynamics.StepsPerSample; s++) SolverStep(withTangents: true);
    }

    /// <summary>x̂ from the state into <see cref="input"/>.</summary>
    void FedInput(ReadOnlySpan<double> state)
    {
        if (heldInput is not null)
        {
            heldInput.CopyTo(input, 0);
            return;
        }
        double scale = dynamics.IncrementScale ?? 1;
        for (int d = 0; d < inputs; d++)
        {
            double r = dynamics.OutputBias[d];
            for (int j = 0; j < n; j++) r += dynamics.OutputWeight[d * n + j] * state[j];
            input[d] = IncrementState ? state[n + d] + scale * r : r;
        }
    }

    /// <summary>z = W_in x̂ + b into <see cref="drive"/>.</summary>
    void Drive()
    {
        for (int i = 0; i < n; i++)
        {
            double z = 0;
            for (int d = 0; d < inputs; d++) z += dynamics.InputWeight[i * inputs + d] * input[d];
            drive[i] = z + dynamics.Bias[i];
        }
    }

    /// <summary>One explicit Runge–Kutta step of <see cref="hidden"/> (and, with tangents, of <see cref="tangent"/> by the same stages differentiated).</summary>
    void SolverStep(bool withTangents)
    {
        for (int stage = 0; stage < tableau.Stages; stage++)
        {
            var a = tableau.A[stage];
            hidden.CopyTo(stageState, 0);
            for (int j = 0; j < a.Length; j++)
                if (a[j] != 0) SpanMath.AddScaled(stageState, step * a[j], stages[j], stageState);
            var k = stages[stage];
            for (int i = 0; i < n; i++)
            {
                double u = drive[i] + SpanMath.Dot(weight.AsSpan(i * n, n), stageState);
                k[i] = (dynamics.Activation.Value(u) - stageState[i]) * inverseTau[i];
                slope[i] = dynamics.Activation.Slope(u);
            }
            if (!withTangents) continue;
            tangent.CopyTo(stageTangent, 0);
            for (int j = 0; j < a.Length; j++)
                if (a[j] != 0) SpanMath.AddScaled(stageTangent, step * a[j], stageTangents[j], stageTangent);
            // dK = γ (φ'(u) (g W dY + dz) − dY), row by row
            var dk = stageTangents[stage];
            for (int i = 0; i < n; i++)
            {
                var target = dk.AsSpan(i * columns, columns);
                driveTangent.AsSpan(i * columns, columns).CopyTo(target);
                for (int j = 0; j < n; j++)
                {
                    double w = weight[i * n + j];
                    if (w != 0) SpanMath.AddScaled(target, w, stageTangent.AsSpan(j * columns, columns), target);
                }
                double gain = slope[i] * inverseTau[i];
                var dy = stageTangent.AsSpan(i * columns, columns);
                for (int c = 0; c < columns; c++) target[c] = gain * target[c] - inverseTau[i] * dy[c];
            }
        }
        for (int stage = 0; stage < tableau.Stages; stage++)
        {
            double b = tableau.B[stage];
            if (b == 0) continue;
            SpanMath.AddScaled(hidden, step * b, stages[stage], hidden);
            if (withTangents) SpanMath.AddScaled(tangent, step * b, stageTangents[stage], tangent);
        }
    }

    static ArgumentException UnknownParameter(string name) =>
        new($"unknown parameter '{name}': a rate network's map has the parameter '{RateNetworkDynamics.GainName}' (the recurrent gain).", nameof(name));
}
