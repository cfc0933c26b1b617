namespace NeuroDyn.Analysis;

/// <summary>Events of a trajectory (section crossings or maxima): their times and states, and whether the search ran to the end.</summary>
/// <param name="Times">Time of each event, increasing, measured from the initial state (so the transient included).</param>
/// <param name="States">State at each event, one row per event.</param>
/// <param name="Values">The recorded value of each event: for maxima the maximum, for crossings the chosen coordinate (or NaN when none was chosen).</param>
/// <param name="Complete">True when MaxEvents events were found.</param>
/// <param name="Message">How the search ended; when incomplete, why (time limit, failed integration) and what to try.</param>
public sealed record SectionResult(double[] Times, double[,] States, double[] Values, bool Complete, string Message)
{
    /// <summary>Number of events.</summary>
    public int Count => Times.Length;

    /// <summary>The return map of the values: rows (v_k, v_{k+1}) for k = 0 … Count − 2, e.g. Lorenz's z_max(n+1) against z_max(n).</summary>
    public double[,] ReturnMap()
    {
        int pairs = Math.Max(0, Values.Length - 1);
        var map = new double[pairs, 2];
        for (int k = 0; k < pairs; k++) (map[k, 0], map[k, 1]) = (Values[k], Values[k + 1]);
        return map;
    }
}
