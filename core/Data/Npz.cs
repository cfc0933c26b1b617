using System.IO.Compression;
using NeuroDyn.IO;

namespace NeuroDyn.Data;

/// <summary>Reads and writes NumPy .npz archives (a zip of .npy arrays), compatible with numpy.load / numpy.savez.</summary>
public static class Npz
{
    /// <summary>Writes the arrays atomically (temporary file, then rename), each as NAME.npy, uncompressed like numpy.savez.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, NpyArray> arrays) => AtomicFile.Write(path, file =>
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            using var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
            entry.Write(array.ToNpy());
        }
    });

    /// <summary>Reads every array of an .npz archive (stored or deflated, as numpy.savez or savez_compressed write them).</summary>
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
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var name = entry.FullName[..^4];
                arrays[name] = NpyArray.FromNpy(buffer.ToArray(), $"{path}:{name}");
            }
            return arrays;
        }
    }
}
