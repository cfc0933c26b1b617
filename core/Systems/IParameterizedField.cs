namespace NeuroDyn.Systems;

/// <summary>A family of vector fields f(x; p) with named parameters, so that analyses can sweep or continue one of them (e.g. Lorenz-63's ρ).</summary>
public interface IParameterizedField : IVectorField
{
    /// <summary>Names of the parameters, in a fixed order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The value of the named parameter; an unknown name throws an <see cref="ArgumentException"/> listing the known ones.</summary>
    double GetParameter(string name);

    /// <summary>The same system with one parameter changed; an unknown name or a value outside the parameter's range throws, naming the parameter.</summary>
    IParameterizedField WithParameter(string name, double value);
}
