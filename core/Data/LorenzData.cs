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

    /// <summary>Loads a data set saved by <see cref="Save"/> or written by numpy with the same keys, checking shapes and values (errors name the file).</summary>
    public static LorenzData Load(string path)
    {
        var arrays = Npz.Read(path);
        NpyArray Get(string key, int rank, string shape)
        {
            if (!arrays.TryGetValue(key, out var a))
                throw new InvalidDataException($"'{path}' has no array '{key}' (it has: {string.Join(", ", arrays.Keys)}); regenerate it with chapter 00.");
            if (a.Shape.Length != rank)
                throw new InvalidDataException($"{path}: '{key}' has shape ({string.Join(", ", a.Shape)}) but must be {shape}; regenerate it with chapter 00.");
            return a;
        }
        var (train, val, test) = (Get("train", 2, "rows × 3").AsMatrix(), Get("val", 2, "rows × 3").AsMatrix(), Get("test", 2, "rows × 3").AsMatrix());
        var (mean, std, dt) = (Get("mean", 1, "3 entries").AsVector(), Get("std", 1, "3 entries").AsVector(), Get("dt", 0, "a scalar").AsScalar());
        double seqLength = Get("seq_length", 0, "a scalar").AsScalar();
        if (!(seqLength >= 1 && seqLength <= int.MaxValue && seqLength == Math.Floor(seqLength)))
            throw new InvalidDataException($"{path}: seq_length is {seqLength}; the window length must be a whole number of samples ≥ 1. Regenerate the file with chapter 00.");
        var data = new LorenzData(train, val, test, mean, std, dt, (int)seqLength);
        data.Validate(path);
        return data;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="source"/> unless mean and std have 3 finite entries (std &gt; 0),
    /// dt is finite and &gt; 0, seq_length ≥ 1, and every split has 3 columns, more rows than seq_length and only finite values.</summary>
    public void Validate(string source = "data set")
    {
        const int d = 3;
        const string Fix = " Regenerate the data set with chapter 00.";
        if (Mean.Length != d || Mean.Any(m => !double.IsFinite(m)))
            throw new InvalidDataException($"{source}: mean must have {d} finite entries (x, y, z) but is [{string.Join(", ", Mean)}].{Fix}");
        if (Std.Length != d || Std.Any(s => !(s > 0 && double.IsFinite(s))))
            throw new InvalidDataException($"{source}: std must have {d} finite entries > 0 but is [{string.Join(", ", Std)}].{Fix}");
        if (!(Dt > 0 && double.IsFinite(Dt)))
            throw new InvalidDataException($"{source}: dt (the sample interval) must be a finite number > 0 but is {Dt}.{Fix}");
        if (SeqLength < 1)
            throw new InvalidDataException($"{source}: seq_length (the window length) must be at least 1 but is {SeqLength}.{Fix}");
        foreach (var (name, split) in new[] { ("train", Train), ("val", Val), ("test", Test) })
        {
            if (split.GetLength(1) != d)
                throw new InvalidDataException($"{source}: split '{name}' has {split.GetLength(1)} columns but the Lorenz state has {d} (x, y, z).{Fix}");
            if (split.GetLength(0) <= SeqLength)
                throw new InvalidDataException($"{source}: split '{name}' has {split.GetLength(0)} rows, not more than seq_length {SeqLength}.{Fix}");
            for (int i = 0; i < split.GetLength(0); i++)
                for (int j = 0; j < d; j++)
                    if (!double.IsFinite(split[i, j]))
                        throw new InvalidDataException($"{source}: split '{name}' holds {split[i, j]} at row {i}, column {j}; every value must be finite.{Fix}");
        }
    }
}
