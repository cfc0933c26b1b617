using System.Globalization;
using System.Reflection;
using System.Text;

namespace NeuroDyn.Artifacts;

/// <summary>
/// An options record as flat string metadata and back, by reflection over its public init properties, so that every option a
/// model is built with is stored without a hand-kept list: key = the property name in snake case (Hidden → hidden,
/// SampleInterval → sample_interval, TauE → tau_e), nested records (a reservoir's network) prefixed by their own key and a dot.
/// Numbers are written in the invariant culture with round-trip precision, enums by name, booleans as true/false, null as "null".
/// </summary>
public static class OptionsMetadata
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The options' entries, each key prefixed with <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string> Write(object options, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = new Dictionary<string, string>();
        foreach (var property in Settable(options.GetType()))
        {
            var key = prefix + SnakeCase(property.Name);
            var value = property.GetValue(options);
            if (IsNested(property.PropertyType))
                foreach (var entry in Write(value ?? throw new ArgumentException($"option '{key}' is null; it must be set.", nameof(options)), key + "."))
                    entries.Add(entry.Key, entry.Value);
            else entries.Add(key, Format(value));
        }
        return entries;
    }

    /// <summary>Options of type <typeparamref name="T"/> from the reader's entries under <paramref name="prefix"/>; every option must be present and readable.</summary>
    public static T Read<T>(MetadataReader reader, string prefix = "") where T : class => (T)Read(typeof(T), reader, prefix);

    /// <summary>Options of type <paramref name="type"/> (named at run time) from the reader's entries under <paramref name="prefix"/>.</summary>
    internal static object Read(Type type, MetadataReader reader, string prefix = "")
    {
        var options = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"{type.Name} has no parameterless constructor.");
        foreach (var property in Settable(type))
        {
            var key = prefix + SnakeCase(property.Name);
            var value = IsNested(property.PropertyType) ? Read(property.PropertyType, reader, key + ".") : reader.Parse(key, text => Parse(property.PropertyType, text));
            property.SetValue(options, value);
        }
        return options;
    }

    /// <summary>The type of the option stored under <paramref name="key"/> in options of type <paramref name="type"/>, or null if there is no such key.</summary>
    internal static Type? TypeOf(Type type, string key, string prefix = "")
    {
        foreach (var property in Settable(type))
        {
            var name = prefix + SnakeCase(property.Name);
            if (IsNested(property.PropertyType)) { if (TypeOf(property.PropertyType, key, name + ".") is Type nested) return nested; }
            else if (name == key) return property.PropertyType;
        }
        return null;
    }

    /// <summary>Public properties with a public setter (init or set), in declaration order, base record's last.</summary>
    static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    static bool IsNested(Type type) => type.IsClass && type != typeof(string) && Settable(type).Any();

    static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", Invariant),
        float f => f.ToString("R", Invariant),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString() ?? "null",
    };

    /// <summary>The value of a property of type <paramref name="type"/> from its text, or null if it cannot be read.</summary>
    internal static object? Parse(Type type, string text)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return text == "null" ? null : Parse(underlying, text) ?? throw new FormatException();
        if (type.IsEnum) return Enum.TryParse(type, text, ignoreCase: false, out var e) && Enum.IsDefined(type, e!) ? e : throw new FormatException();
        if (type == typeof(double)) return double.Parse(text, NumberStyles.Float, Invariant);
        if (type == typeof(float)) return float.Parse(text, NumberStyles.Float, Invariant);
        if (type == typeof(int)) return int.Parse(text, NumberStyles.Integer, Invariant);
        if (type == typeof(long)) return long.Parse(text, NumberStyles.Integer, Invariant);
        if (type == typeof(bool)) return text switch { "true" => true, "false" => false, _ => throw new FormatException() };
        if (type == typeof(string)) return text;
        throw new NotSupportedException($"options of type {type.Name} cannot be stored as metadata.");
    }

    /// <summary>PascalCase → snake_case, a capital starting a new word: SampleInterval → sample_interval, TauE → tau_e, VReset → v_reset.</summary>
    public static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) result.Append('_');
            result.Append(char.ToLowerInvariant(name[i]));
        }
        return result.ToString();
    }
}
