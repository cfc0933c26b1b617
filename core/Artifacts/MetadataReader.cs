namespace NeuroDyn.Artifacts;

/// <summary>Reads a model file's metadata strictly: a missing or unreadable entry, or one left unread at the end, is an error naming the file and the key.</summary>
public sealed class MetadataReader
{
    readonly IReadOnlyDictionary<string, string> metadata;
    readonly HashSet<string> used = [];

    /// <summary>The file the metadata came from (named in every error).</summary>
    public string File { get; }

    /// <summary>A reader of <paramref name="metadata"/> read from <paramref name="file"/>.</summary>
    public MetadataReader(IReadOnlyDictionary<string, string> metadata, string file)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        (this.metadata, File) = (metadata, file);
    }

    /// <summary>The entry <paramref name="key"/>, marked as read.</summary>
    public string Text(string key)
    {
        used.Add(key);
        return metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"'{File}' has no metadata key '{key}'; it was not written by ModelArtifact.Save of this version. Save the model again.");
    }

    /// <summary>The entry <paramref name="key"/> read by <paramref name="parse"/>; a parse failure is an error naming the file, the key and the text.</summary>
    public T Parse<T>(string key, Func<string, T> parse)
    {
        var text = Text(key);
        try { return parse(text); }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"'{File}': metadata key '{key}' holds '{text}', which cannot be read as this option's value. Save the model again.", e);
        }
    }

    /// <summary>Throws if an entry was never read: a key this version does not know (the file was edited or written by another version).</summary>
    public void CheckAllRead()
    {
        var unknown = metadata.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new InvalidDataException($"'{File}' has unknown metadata key(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}; this version does not know them (edited file or another version). Save the model again.");
    }
}
