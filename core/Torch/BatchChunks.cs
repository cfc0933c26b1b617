using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Splits a batch into contiguous blocks and runs one block per torch thread concurrently.</summary>
/// <remarks>Small recurrent kernels are dominated by per-operation overhead, which libtorch's intra-op threads cannot share out
/// (each operation is too small to split), but independent blocks of the batch can run on separate cores. Each block runs in its
/// own dispose scope with the caller's grad mode and its libtorch calls serial (<see cref="SerialTorchScope"/>); its results join the caller's dispose scope once all blocks are done.</remarks>
internal static class BatchChunks
{
    /// <summary>Smallest block worth a thread of its own.</summary>
    const long MinimumBlock = 16;

    /// <summary>A block of the batch: rows Start .. Start + Length − 1.</summary>
    internal sealed record Chunk(int Index, long Start, long Length);

    /// <summary>At most one block per torch thread, each at least <see cref="MinimumBlock"/> rows.</summary>
    internal static Chunk[] Split(long batch)
    {
        int count = (int)Math.Max(1, Math.Min(torch.get_num_threads(), batch / MinimumBlock));
        return Enumerable.Range(0, count)
            .Select(i => new Chunk(i, batch * i / count, batch * (i + 1) / count - batch * i / count))
            .ToArray();
    }

    /// <summary>The results of <paramref name="work"/> for every block, in block order; block 0 runs on the calling thread.</summary>
    internal static Tensor[][] Run(Chunk[] chunks, Func<Chunk, Tensor[]> work)
    {
        if (chunks.Length == 1) return [work(chunks[0])];
        var outer = torch.CurrentDisposeScope;
        bool grad = torch.is_grad_enabled();
        Tensor[] Block(Chunk chunk)
        {
            using var serial = SerialTorchScope.Enter();
            using var mode = torch.enable_grad(grad);
            using var scope = torch.NewDisposeScope();
            var result = work(chunk);
            scope.Detach(result.Cast<IDisposable>());
            return result;
        }
        var others = chunks.Skip(1).Select(c => Task.Run(() => Block(c))).ToArray();
        var first = Block(chunks[0]);
        Task.WaitAll(others);
        Tensor[][] results = [first, .. others.Select(t => t.Result)];
        // dispose scopes are not thread-safe: results join the caller's scope here, on the caller's thread
        outer?.Attach(results.SelectMany(r => r).Cast<IDisposable>());
        return results;
    }
}
