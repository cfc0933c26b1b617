using System.IO.Compression;
using NeuroDyn.IO;

namespace NeuroDyn.Data;

/// <summary>Reads and writes NumPy .npz archives (a zip of .npy arrays), compatible with numpy.load / numpy.savez.</summary>
public static class Npz
{
    const string Regenerate = "delete it and write it again (the Lorenz data set: run chapter 00 again).";

    /// <summary>Every entry's modification time: the earliest a zip can record, so that the same arrays give the same bytes.</summary>
    static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes the arrays atomically (temporary file, then rename), each as NAME.npy, uncompressed like numpy.savez;
    /// every entry carries the same fixed time, so the same arrays in the same order give the same bytes.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, NpyArray> arrays) => AtomicFile.Write(path, file =>
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            entry.LastWriteTime = EntryTime;
            using var stream = entry.Open();
            stream.Write(array.ToNpy());
        }
    });

    /// <summary>Reads every array of an .npz archive (stored or deflated, as numpy.savez or savez_compressed write them),
    /// refusing any entry whose bytes do not match the CRC-32 the archive records for it.</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"no .npz file at '{Path.GetFullPath(path)}'; run chapter 00 (dotnet fsi scripts/00_lorenz.fsx) to create the data set.", path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable .npz archive ({e.Message}); delete it and regenerate it.", e);
        }
        using (zip)
        {
            var arrays = new Dictionary<string, NpyArray>();
            foreach (var entry in zip.Entries)
            {
                if (!entry.Name.EndsWith(".npy", StringComparison.Ordinal)) continue;
                var name = entry.FullName[..^4];
                arrays[name] = NpyArray.FromNpy(VerifiedBytes(path, entry), $"{path}:{name}");
            }
            return arrays;
        }
    }

    /// <summary>The entry's bytes, decompressed if need be, after checking them against the CRC-32 the archive records.</summary>
    static byte[] VerifiedBytes(string path, ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        try
        {
            stream.CopyTo(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: entry {entry.FullName} does not decompress ({e.Message}); the file is corrupt — " + Regenerate, e);
        }
        var bytes = buffer.ToArray();
        uint crc = Crc32.Compute(bytes);
        if (crc != entry.Crc32)
            throw new InvalidDataException(
                $"{path}: entry {entry.FullName} fails its CRC-32 check (recorded 0x{entry.Crc32:X8}, computed 0x{crc:X8}); the file is corrupt — " + Regenerate);
        return bytes;
    }
}
