using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroDyn.Evaluation;
using NeuroDyn.Training;

namespace NeuroDyn.Sweeps;

/// <summary>The JSON of a sweep's files (sweep.json, each run's run.json and history.json): the reports' strict layout (<see cref="ReportJson"/>:
/// indented, snake_case keys, unknown keys refused) with enums by name and training objectives as objects.</summary>
internal static class SweepJson
{
    internal static readonly JsonSerializerOptions Options = new(ReportJson.Options)
    {
        Converters = { new JsonStringEnumConverter(), new ObjectiveConverter() },
    };

    /// <summary>The value as this format's JSON text.</summary>
    internal static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The value in the JSON file at <paramref name="path"/>; a missing or unreadable file is an error naming it and saying what to do.</summary>
    internal static T Read<T>(string path, string what, string advice) where T : class => ReportJson.Read<T>(path, Options, what, advice);

    /// <summary>Lower-case hex SHA-256 of a text's UTF-8 bytes.</summary>
    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A training objective as {"kind": "one_step"} or {"kind": "rollout", "steps": K, "curriculum_epochs": C}.</summary>
    sealed class ObjectiveConverter : JsonConverter<TrainingObjective>
    {
        public override TrainingObjective Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            string kind = root.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
            int Number(string name) => root.TryGetProperty(name, out var v) && v.TryGetInt32(out int n) ? n
                : throw new JsonException($"a rollout objective needs the integer '{name}'");
            return kind switch
            {
                "one_step" => TrainingObjective.OneStep,
                "rollout" => TrainingObjective.Rollout(Number("steps"), Number("curriculum_epochs")),
                _ => throw new JsonException($"the training objective's 'kind' is '{kind}', not 'one_step' or 'rollout'"),
            };
        }

        public override void Write(Utf8JsonWriter writer, TrainingObjective value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            if (value is RolloutObjective r)
            {
                writer.WriteString("kind", "rollout");
                writer.WriteNumber("steps", r.Steps);
                writer.WriteNumber("curriculum_epochs", r.CurriculumEpochs);
            }
            else writer.WriteString("kind", "one_step");
            writer.WriteEndObject();
        }
    }
}
