namespace NeuroDyn.Systems;

/// <summary>Argument checks shared by the core, each throwing an error that says what is wrong and what to do.</summary>
public static class Guard
{
    /// <summary>Throws unless the state has the field's dimension and only finite entries.</summary>
    public static void Dimension(IVectorField field, ReadOnlySpan<double> state, string name)
    {
        if (state.Length != field.Dimension)
            throw new ArgumentException($"{name} has {state.Length} entries but the system {field.GetType().Name} has dimension {field.Dimension}.", name);
        Finite(state, name);
    }

    /// <summary>Throws unless the state has the map's dimension and only finite entries.</summary>
    public static void Dimension(IMap map, ReadOnlySpan<double> state, string name)
    {
        if (state.Length != map.Dimension)
            throw new ArgumentException($"{name} has {state.Length} entries but the map {map.GetType().Name} has dimension {map.Dimension}.", name);
        Finite(state, name);
    }

    /// <summary>Throws if any entry is NaN or infinite, naming the first offending index.</summary>
    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{name}[{i}] is {values[i]}; every entry must be a finite number.", name);
    }

    /// <summary>Throws unless the value is finite and strictly positive.</summary>
    public static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
    }

    /// <summary>Throws unless the value is finite.</summary>
    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number.");
    }
}
