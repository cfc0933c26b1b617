namespace NeuroDyn.Models;

/// <summary>Sums that the blocks of a batch, each integrated on its own thread, agree on before every step decision, so that all
/// blocks take the one step sequence that one solver would take on the whole batch (its error norm is the RMS over every element).</summary>
/// <remarks>Each block adds its partial sums and waits at a barrier; every block then adds the partials in block order, so all of
/// them see bit-identical totals and make identical decisions. The partials alternate between two sets of slots: a block can
/// write the next round's only after every block has passed this round's barrier, by when all have read this round's.</remarks>
internal sealed class BatchAgreement : IDisposable
{
    readonly int blocks;
    readonly Barrier? barrier;
    readonly double[,,] partials;
    readonly int[] rounds;

    /// <summary>An agreement among <paramref name="blocks"/> blocks (no waiting when there is one).</summary>
    internal BatchAgreement(int blocks)
    {
        this.blocks = blocks;
        barrier = blocks > 1 ? new Barrier(blocks) : null;
        partials = new double[2, blocks, 2];
        rounds = new int[blocks];
    }

    /// <summary>The sums over all blocks of two partial sums, <paramref name="first"/> and <paramref name="second"/>, from block <paramref name="block"/>.</summary>
    internal (double First, double Second) Sum(int block, double first, double second = 0)
    {
        if (barrier is null) return (first, second);
        int set = rounds[block]++ & 1;
        (partials[set, block, 0], partials[set, block, 1]) = (first, second);
        barrier.SignalAndWait();
        double a = 0, b = 0;
        for (int i = 0; i < blocks; i++) (a, b) = (a + partials[set, i, 0], b + partials[set, i, 1]);
        return (a, b);
    }

    /// <summary>Runs one block's work; if it fails, the block leaves the agreement so that the others do not wait for it forever.</summary>
    internal TResult Run<TResult>(Func<TResult> work)
    {
        try { return work(); }
        catch
        {
            barrier?.RemoveParticipant();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => barrier?.Dispose();
}
