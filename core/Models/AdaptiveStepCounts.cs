namespace NeuroDyn.Models;

/// <summary>Steps taken by a rate network's fused adaptive solver (Dopri5) since it was built: sample intervals integrated and steps
/// accepted and rejected, forwards and by the adjoint method's backward solves. Subtract two readings for the steps in between.</summary>
/// <param name="Intervals">Sample intervals integrated forwards.</param>
/// <param name="Accepted">Steps accepted forwards.</param>
/// <param name="Rejected">Steps rejected forwards.</param>
/// <param name="AdjointIntervals">Sample intervals integrated backwards by the adjoint method.</param>
/// <param name="AdjointAccepted">Steps accepted by the adjoint method's backward solves.</param>
/// <param name="AdjointRejected">Steps rejected by the adjoint method's backward solves.</param>
public sealed record AdaptiveStepCounts(long Intervals, long Accepted, long Rejected, long AdjointIntervals, long AdjointAccepted, long AdjointRejected)
{
    /// <summary>The steps taken between <paramref name="before"/> and this reading.</summary>
    public AdaptiveStepCounts Since(AdaptiveStepCounts before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new(Intervals - before.Intervals, Accepted - before.Accepted, Rejected - before.Rejected,
            AdjointIntervals - before.AdjointIntervals, AdjointAccepted - before.AdjointAccepted, AdjointRejected - before.AdjointRejected);
    }
}

/// <summary>The running counts behind <see cref="AdaptiveStepCounts"/>, safe to add to from several threads.</summary>
internal sealed class AdaptiveStepTally
{
    long intervals, accepted, rejected, adjointIntervals, adjointAccepted, adjointRejected;

    /// <summary>Adds one sample interval's steps, forwards or (<paramref name="adjoint"/>) by the adjoint method.</summary>
    internal void Add(bool adjoint, long acceptedSteps, long rejectedSteps)
    {
        Interlocked.Increment(ref adjoint ? ref adjointIntervals : ref intervals);
        Interlocked.Add(ref adjoint ? ref adjointAccepted : ref accepted, acceptedSteps);
        Interlocked.Add(ref adjoint ? ref adjointRejected : ref rejected, rejectedSteps);
    }

    /// <summary>The counts now.</summary>
    internal AdaptiveStepCounts Read() => new(Interlocked.Read(ref intervals), Interlocked.Read(ref accepted), Interlocked.Read(ref rejected),
        Interlocked.Read(ref adjointIntervals), Interlocked.Read(ref adjointAccepted), Interlocked.Read(ref adjointRejected));
}
