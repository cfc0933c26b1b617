using NeuroDyn.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Training;

/// <summary>
/// Saving and loading a module's weights: as safetensors (for PyTorch: <c>safetensors.torch.load_file(path)</c> gives a dict
/// whose keys are the module's <c>state_dict()</c> names, e.g. "W_rec" or "readout.weight", ready for <c>model.load_state_dict</c>)
/// and in TorchSharp's own format (<c>module.save</c>/<c>module.load</c>). Both are written atomically.
/// </summary>
public static class ModelFiles
{
    /// <summary>Writes the module's state_dict (parameters and buffers, by their names) as a safetensors file.</summary>
    public static void SaveSafeTensors(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        SafeTensors.Write(path, module.state_dict(), metadata);
    }

    /// <summary>Loads a safetensors file into the module; every state_dict entry must be present with the same shape.</summary>
    public static void LoadSafeTensors(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var content = ReadChecked(path, "weights", "ModelFiles.SaveSafeTensors");
        CopyInto(module, content.Tensors, path);
    }

    /// <summary>Writes the module in TorchSharp's own format (readable by <c>module.load</c> in TorchSharp).</summary>
    public static void SaveTorchSharp(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            module.save(writer);
            writer.Flush();
        });
    }

    /// <summary>Loads a file written by <see cref="SaveTorchSharp"/> into a module of the same architecture.</summary>
    public static void LoadTorchSharp(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!File.Exists(path))
            throw new CheckpointException($"No TorchSharp weights file at '{path}'. Check the path, or save the model first with ModelFiles.SaveTorchSharp.");
        try
        {
            using var stream = File.OpenRead(path);
            module.load(stream, strict: true);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"'{path}' could not be loaded as TorchSharp weights for {module.GetType().Name}: {e.Message} " +
                "The file is corrupt or was saved from a different architecture; re-save it from the matching model.", e);
        }
    }

    /// <summary>Reads a safetensors file, turning a missing or malformed file into a <see cref="CheckpointException"/> that names the file and the call that writes it.</summary>
    internal static SafeTensorsContent ReadChecked(string path, string what, string writer)
    {
        if (!File.Exists(path))
            throw new CheckpointException($"No {what} file at '{path}'. Check the path, or write the file first with {writer}.");
        try { return SafeTensors.Read(path); }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"The {what} file '{path}' is corrupt: {e.Message} Delete it (or restore a backup) and write it again with {writer}.", e);
        }
    }

    /// <summary>Copies tensors named <paramref name="prefix"/> + state_dict name into the module, checking that names and shapes match.</summary>
    internal static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string file, string prefix = "")
    {
        var target = module.state_dict();
        foreach (var (name, tensor) in target)
        {
            if (!source.TryGetValue(prefix + name, out var value))
                throw new CheckpointException($"'{file}' has no tensor '{prefix + name}' for {module.GetType().Name}; it was saved from a different model.");
            if (!value.shape.SequenceEqual(tensor.shape))
                throw new CheckpointException($"'{file}' holds '{prefix + name}' with shape [{string.Join(", ", value.shape)}] but the model's is [{string.Join(", ", tensor.shape)}]; it was saved from a model of another size.");
        }
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in target)
            tensor.copy_(source[prefix + name]);
    }
}
