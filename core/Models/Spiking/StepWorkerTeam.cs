using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Persistent threads that run a two-phase step over P partitions in lock-step with the caller, which takes partition 0:
/// every partition runs phase A, all meet, every partition runs phase B, all meet again. Each partition announces the end
/// of a phase by writing the step number into its own counter (on its own cache line); a partition waits until every
/// other counter has reached the step. Waiting spins briefly, then yields, and sleeps only after milliseconds of idling,
/// so a step costs a few hundred nanoseconds of synchronisation, no allocation, and an idle network no CPU.
/// With one partition no thread is started and the caller runs both phases.
/// </summary>
internal sealed class StepWorkerTeam : IDisposable
{
    private const int CounterStride = 16; // 16 longs = 128 bytes between counters: no false sharing, even with pair prefetch
    private readonly int partitions;
    private readonly Action<int> phaseA, phaseB;
    private readonly Thread[] threads;
    private readonly long[] doneA, doneB;
    private readonly Exception?[] workerFailures;
    private long requested, stepNumber;
    private volatile bool stopping;

    /// <summary>Starts P − 1 worker threads; each step, partition q runs <paramref name="phaseA"/>(q), then <paramref name="phaseB"/>(q).</summary>
    public StepWorkerTeam(int partitions, Action<int> phaseA, Action<int> phaseB)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        (this.partitions, this.phaseA, this.phaseB) = (partitions, phaseA, phaseB);
        doneA = new long[partitions * CounterStride];
        doneB = new long[partitions * CounterStride];
        workerFailures = new Exception?[partitions];
        threads = new Thread[partitions - 1];
        for (int q = 1; q < partitions; q++)
        {
            int part = q;
            threads[q - 1] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"NeuroDyn LIF partition {q}" };
            threads[q - 1].Start();
        }
    }

    /// <summary>Runs one step on every partition and returns when all have finished phase B; rethrows the first failure.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        if (partitions == 1)
        {
            phaseA(0);
            phaseB(0);
            return;
        }
        long s = ++stepNumber;
        Volatile.Write(ref requested, s);
        Exception? mainFailure = Run(phaseA, 0);
        Volatile.Write(ref doneA[0], s);
        WaitForOthers(doneA, 0, s);
        mainFailure ??= Run(phaseB, 0);
        WaitForOthers(doneB, 0, s); // never return while a worker still writes shared state
        if (mainFailure is not null) ExceptionDispatchInfo.Throw(mainFailure);
        for (int q = 1; q < partitions; q++)
            if (workerFailures[q] is Exception e) throw new InvalidOperationException($"simulation thread {q} failed", e);
    }

    private void WorkerLoop(int part)
    {
        for (long s = 1; ; s++)
        {
            WaitFor(ref requested, s);
            if (stopping) return;
            workerFailures[part] ??= Run(phaseA, part);
            Volatile.Write(ref doneA[part * CounterStride], s);
            WaitForOthers(doneA, part, s);
            workerFailures[part] ??= Run(phaseB, part);
            Volatile.Write(ref doneB[part * CounterStride], s);
        }
    }

    private static Exception? Run(Action<int> phase, int part)
    {
        try { phase(part); return null; }
        catch (Exception e) { return e; }
    }

    private void WaitForOthers(long[] counters, int self, long target)
    {
        for (int q = 0; q < partitions; q++)
            if (q != self) WaitFor(ref counters[q * CounterStride], target);
    }

    private void WaitFor(ref long counter, long target)
    {
        var spinner = new SpinWait();
        long idleSince = 0;
        while (Volatile.Read(ref counter) < target && !stopping)
        {
            if (spinner.Count < 200) { spinner.SpinOnce(sleep1Threshold: -1); continue; }
            if (idleSince == 0) idleSince = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(idleSince).TotalMilliseconds > 5) Thread.Sleep(1);
            else Thread.Yield();
        }
    }

    /// <summary>Stops and joins the worker threads.</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        Volatile.Write(ref requested, long.MaxValue);
        foreach (var thread in threads) thread.Join();
    }
}
