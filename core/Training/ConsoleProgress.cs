namespace NeuroDyn.Training;

/// <summary>
/// Prints training progress: one line per epoch (every <c>every</c>-th, plus the first and last), and on an
/// interactive terminal a bar within the epoch redrawn in place. Redirected output gets the epoch lines only.
/// </summary>
public sealed class ConsoleProgress : IProgress<EpochReport>
{
    readonly TextWriter writer;
    readonly bool showBar;
    readonly int every;
    bool barDrawn;

    /// <summary>Reporter writing to <paramref name="writer"/> (default: the console); <paramref name="showBar"/> null = bar only on an interactive console.</summary>
    public ConsoleProgress(TextWriter? writer = null, bool? showBar = null, int every = 1)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "Print every 1 or more epochs.");
        this.writer = writer ?? Console.Out;
        this.showBar = showBar ?? (writer is null && !Console.IsOutputRedirected);
        this.every = every;
    }

    /// <summary>Draws the bar (within an epoch) or writes the epoch line (at its end).</summary>
    public void Report(EpochReport r)
    {
        if (!r.EpochDone)
        {
            if (showBar) DrawBar(r);
            return;
        }
        if (barDrawn) writer.Write("\r" + new string(' ', 79) + "\r");
        barDrawn = false;
        if (r.Epoch % every == 0 || r.Epoch == 1 || r.Epoch == r.TotalEpochs)
            writer.WriteLine(EpochLine(r));
    }

    /// <summary>The one-line summary of a finished epoch.</summary>
    public static string EpochLine(EpochReport r) =>
        $"epoch {r.Epoch.ToString().PadLeft(r.TotalEpochs.ToString().Length)}/{r.TotalEpochs}  " +
        $"train {r.TrainLoss:0.000e+00}  val {r.ValidationLoss:0.000e+00}{(r.IsBest ? " *" : "  ")}  " +
        $"lr {r.LearningRate:0.0e+00}  {r.BatchesPerSecond,6:0.0} batch/s  " +
        $"elapsed {Clock(r.Elapsed)}  eta {Clock(r.Remaining)}";

    void DrawBar(EpochReport r)
    {
        const int width = 30;
        int filled = r.BatchesInEpoch == 0 ? 0 : width * r.Batch / r.BatchesInEpoch;
        writer.Write($"\r  [{new string('#', filled)}{new string('.', width - filled)}] {r.Batch}/{r.BatchesInEpoch}  loss {r.TrainLoss:0.000e+00}  eta {Clock(r.Remaining)}  ");
        writer.Flush();
        barDrawn = true;
    }

    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : t.ToString(@"mm\:ss");
}
