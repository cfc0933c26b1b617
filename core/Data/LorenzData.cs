namespace NeuroDyn.Data;

/// <summary>The tutorial's Lorenz-63 data set: z-scored train/validation/test splits in time order, the training statistics, the sample step and the window length.</summary>
public sealed record LorenzData(double[,] Train, double[,] Val, double[,] Test, double[] Mean, double[] Std, double Dt, int SeqLength)
{
    /// <summary>The normalisation used for all three splits (the training split's mean and std).</summary>
    public ZScore Normalisation => new(Mean, Std);

    /// <summary>Saves as .npz with keys train, val, test, mean, std, dt, seq_length (numpy's np.load reads it as is); written atomically.</summary>
    public void Save(string path) => Npz.Write(path, new Dictionary<string, NpyArray>
    {
        ["train"] = NpyArray.Matrix(Train),
        ["val"] = NpyArray.Matrix(Val),
        ["test"] = NpyArray.Matrix(Test),
        ["mean"] = NpyArray.Vector(Mean),
        ["std"] = NpyArray.Vector(Std),
        ["dt"] = NpyArray.Scalar(Dt),
        ["seq_length"] = NpyArray.Scalar(SeqLength, NpyType.Int64),
    });

    /// <summary>Loads a data set saved by <see cref="Save"/> or written by numpy with the same keys, checking shapes and values.</summary>
    public static LorenzData Load(string path)
    {
        var arrays = Npz.Read(path);
        NpyArray Get(string key) => arrays.TryGetValue(key, out var a) ? a
            : throw new InvalidDataException($"'{path}' has no array '{key}' (it has: {string.Join(", ", arrays.Keys)}); regenerate it with chapter 00.");
        var data = new LorenzData(Get("train").AsMatrix(), Get("val").AsMatrix(), Get("test").AsMatrix(),
            Get("mean").AsVector(), Get("std").AsVector(), Get("dt").AsScalar(), (int)Get("seq_length").AsScalar());
        data.Validate(path);
        return data;
    }

    /// <summary>Throws if the splits disagree in width, hold non-finite values, or the statistics/step are invalid.</summary>
    public void Validate(string source = "data set")
    {
        int d = Mean.Length;
        foreach (var (name, split) in new[] { ("train", Train), ("val", Val), ("test", Test) })
        {
            if (split.GetLength(1) != d)
                throw new InvalidDataException($"{source}: split '{name}' has {split.GetLength(1)} columns but mean has {d}.");
            if (split.GetLength(0) <= SeqLength)
                throw new InvalidDataException($"{source}: split '{name}' has {split.GetLength(0)} rows, not more than seq_length {SeqLength}.");
            Series.EnsureFinite(split, $"{source}:{name}");
        }
        if (Std.Length != d || Std.Any(s => !(s > 0)))
            throw new InvalidDataException($"{source}: std must have {d} positive entries.");
        if (!(Dt > 0) || SeqLength < 1)
            throw new InvalidDataException($"{source}: dt must be > 0 and seq_length >= 1 (got {Dt}, {SeqLength}).");
    }
}
