using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuroDyn.Data;

/// <summary>Element types NeuroDyn reads from and writes to .npy files (little-endian).</summary>
public enum NpyType
{
    /// <summary>'&lt;f8', IEEE double.</summary>
    Float64,
    /// <summary>'&lt;f4', IEEE single.</summary>
    Float32,
    /// <summary>'&lt;i8', 64-bit signed integer.</summary>
    Int64,
    /// <summary>'&lt;i4', 32-bit signed integer.</summary>
    Int32,
}

/// <summary>One n-dimensional array as stored in a NumPy .npy file: its shape, element type and values (row-major, held as doubles;
/// an Int64 array's exact values also in <see cref="Integers"/>).</summary>
public sealed record NpyArray(int[] Shape, NpyType Type, double[] Values)
{
    /// <summary>The exact values of an Int64 array (<see cref="Values"/> holds them rounded to doubles, exact only up to 2⁵³ in magnitude):
    /// set by <see cref="OfInt64"/> and by <see cref="FromNpy"/>, and what <see cref="ToNpy"/> writes; null for an array built from doubles.</summary>
    public long[]? Integers { get; init; }

    /// <summary>A 0-d (scalar) array.</summary>
    public static NpyArray Scalar(double value, NpyType type = NpyType.Float64) => new([], type, [value]);

    /// <summary>An Int64 array of the given shape holding <paramref name="values"/> (row-major) exactly, long.MinValue to long.MaxValue.</summary>
    public static NpyArray OfInt64(int[] shape, long[] values)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} values but {values.Length} were given.", nameof(values));
        return new((int[])shape.Clone(), NpyType.Int64, Array.ConvertAll(values, v => (double)v)) { Integers = (long[])values.Clone() };
    }

    /// <summary>A 1-d float64 array.</summary>
    public static NpyArray Vector(double[] values) => new([values.Length], NpyType.Float64, (double[])values.Clone());

    /// <summary>A 2-d float64 array from a rows × columns matrix.</summary>
    public static NpyArray Matrix(double[,] values)
    {
        var flat = new double[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        return new([values.GetLength(0), values.GetLength(1)], NpyType.Float64, flat);
    }

    /// <summary>The single value of a scalar (or one-element) array.</summary>
    public double AsScalar() => Values.Length == 1 ? Values[0]
        : throw new InvalidDataException($"expected a scalar but the array has shape ({string.Join(", ", Shape)}).");

    /// <summary>The values of a 1-d array.</summary>
    public double[] AsVector() => Shape.Length == 1 ? (double[])Values.Clone()
        : throw new InvalidDataException($"expected a 1-d array but the array has shape ({string.Join(", ", Shape)}).");

    /// <summary>The values of a 2-d array as rows × columns.</summary>
    public double[,] AsMatrix()
    {
        if (Shape.Length != 2)
            throw new InvalidDataException($"expected a 2-d array but the array has shape ({string.Join(", ", Shape)}).");
        var m = new double[Shape[0], Shape[1]];
        Buffer.BlockCopy(Values, 0, m, 0, Values.Length * sizeof(double));
        return m;
    }

    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Serialises the array in .npy format version 1.0 (header padded to a multiple of 64 bytes, as NumPy does).</summary>
    public byte[] ToNpy()
    {
        var (descr, size) = Describe(Type);
        string shape = Shape.Length switch
        {
            0 => "()",
            1 => $"({Shape[0]},)",
            _ => "(" + string.Join(", ", Shape) + ")",
        };
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        using var stream = new MemoryStream();
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var exact = Type == NpyType.Int64 ? IntegersToWrite() : null;
        var data = new byte[Values.Length * size];
        for (int i = 0; i < Values.Length; i++)
        {
            var slot = data.AsSpan(i * size, size);
            switch (Type)
            {
                case NpyType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(slot, Values[i]); break;
                case NpyType.Float32: BinaryPrimitives.WriteSingleLittleEndian(slot, (float)Values[i]); break;
                case NpyType.Int64: BinaryPrimitives.WriteInt64LittleEndian(slot, exact![i]); break;
                case NpyType.Int32: BinaryPrimitives.WriteInt32LittleEndian(slot, (int)WholeNumber(i, int.MinValue, int.MaxValue)); break;
            }
        }
        stream.Write(data);
        return stream.ToArray();
    }

    /// <summary>The Int64 values to write: <see cref="Integers"/> when set (they must round to <see cref="Values"/>), else each value as a whole number in range.</summary>
    long[] IntegersToWrite()
    {
        if (Integers is null) return Enumerable.Range(0, Values.Length).Select(i => WholeNumber(i, long.MinValue, long.MaxValue)).ToArray();
        if (!Integers.Select(v => (double)v).SequenceEqual(Values))
            throw new InvalidDataException(
                "this Int64 array's Integers do not match its Values (were the Values replaced with 'with'?): build the changed array with NpyArray.OfInt64(shape, values).");
        return Integers;
    }

    /// <summary>Values[i] as a whole number in [min, max] (an integer type's range, −2ᵏ to 2ᵏ − 1), or an error naming the value and what to do.
    /// Doubles hold integers exactly only up to 2⁵³, so long.MaxValue arrives here as 2⁶³, one past the Int64 range.</summary>
    long WholeNumber(int i, long min, long max)
    {
        double value = Values[i];
        // −2ᵏ and 2ᵏ are doubles exactly (2ᵏ − 1 may not be): the range is [min, −min)
        if (value >= min && value < -(double)min && value == Math.Floor(value)) return (long)value;
        string advice = Type == NpyType.Int64
            ? "hold the integers exactly with NpyArray.OfInt64(shape, long[] values) (doubles round integers beyond 2⁵³, long.MaxValue up to 2⁶³), or store the array as Float64"
            : "round the values into range, or store the array as Int64 or Float64";
        string shown = value.ToString(double.IsFinite(value) && value == Math.Floor(value) ? "F0" : "R", CultureInfo.InvariantCulture);
        throw new InvalidDataException(
            $"cannot write value {shown} at index {i} of this {Type} array: only whole numbers from {min} to {max} fit; {advice}.");
    }

    /// <summary>Parses a .npy file (versions 1–3; little-endian float64/float32/int64/int32; C or Fortran order).</summary>
    public static NpyArray FromNpy(byte[] bytes, string name = "array")
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"'{name}' is not a .npy array (bad magic bytes); the file is corrupt or not written by NumPy/NeuroDyn.");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); headerStart = 10; }
        else if (major is 2 or 3) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); headerStart = 12; }
        else throw new InvalidDataException($"'{name}' uses .npy format version {major}, which is not supported (1–3 are).");
        if (headerStart + headerLength > bytes.Length)
            throw new InvalidDataException($"'{name}' is truncated: its header runs past the end of the data.");
        string header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);
        var descr = Regex.Match(header, @"'descr':\s*'([^']*)'");
        var fortran = Regex.Match(header, @"'fortran_order':\s*(True|False)");
        var shapeMatch = Regex.Match(header, @"'shape':\s*\(([^)]*)\)");
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new InvalidDataException($"'{name}' has an unreadable .npy header: {header.Trim()}");
        var type = descr.Groups[1].Value switch
        {
            "<f8" => NpyType.Float64,
            "<f4" => NpyType.Float32,
            "<i8" => NpyType.Int64,
            "<i4" => NpyType.Int32,
            var other => throw new InvalidDataException(
                $"'{name}' has element type '{other}'; supported are '<f8', '<f4', '<i8', '<i4' (convert with arr.astype('float64')).")
        };
        int[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int size = Describe(type).Size;
        int dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart < count * size)
            throw new InvalidDataException($"'{name}' is truncated: shape ({string.Join(", ", shape)}) needs {count * size} bytes of data, the file has {bytes.Length - dataStart}.");
        bool fortranOrder = fortran.Groups[1].Value == "True" && shape.Length > 1;
        if (type == NpyType.Int64)
        {
            var integers = new long[count];
            for (int i = 0; i < count; i++) integers[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(dataStart + i * size, size));
            return OfInt64(shape, fortranOrder ? FortranToC(integers, shape) : integers);
        }
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            var slot = bytes.AsSpan(dataStart + i * size, size);
            values[i] = type switch
            {
                NpyType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(slot),
                NpyType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(slot),
                _ => BinaryPrimitives.ReadInt32LittleEndian(slot),
            };
        }
        return new NpyArray(shape, type, fortranOrder ? FortranToC(values, shape) : values);
    }

    static (string Descr, int Size) Describe(NpyType type) => type switch
    {
        NpyType.Float64 => ("<f8", 8),
        NpyType.Float32 => ("<f4", 4),
        NpyType.Int64 => ("<i8", 8),
        _ => ("<i4", 4),
    };

    /// <summary>Reorders column-major values into row-major order.</summary>
    static T[] FortranToC<T>(T[] values, int[] shape)
    {
        var result = new T[values.Length];
        var index = new int[shape.Length];
        for (int c = 0; c < values.Length; c++)
        {
            int f = 0, stride = 1;
            for (int d = 0; d < shape.Length; d++) { f += index[d] * stride; stride *= shape[d]; }
            result[c] = values[f];
            for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return result;
    }
}
