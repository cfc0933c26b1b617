using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Persistent threads that, with the caller, run a two-phase step over two fixed sets of partitions: every partition of
/// phase A runs, and once all have, every partition of phase B. Each thread has a home share of each phase's partitions
/// (thread w of T: partitions ⌊w P/T⌋ … ⌊(w + 1) P/T⌋ − 1) and claims them first, so that in every step the same thread
/// touches the same neurons and their memory stays in its core's cache; then it claims any partition still unclaimed
/// (compare-and-swap on the partition's step number), so a thread the operating system has not scheduled holds nothing up:
/// the others, and at least the caller, take its share. Waiting spins briefly, then yields, and sleeps only after
/// milliseconds of idling, so a step costs a few hundred nanoseconds of synchronisation, no allocation, and an idle network
/// no CPU. With one thread none is started and the caller runs every partition in order.
/// </summary>
internal sealed class StepWorkerTeam : IDisposable
{
    private const int Padding = 16; // 16 longs = 128 bytes between shared counters: no false sharing, even with pair prefetch
    private const int Requested = 0, DoneA = 1, DoneB = 2;
    private readonly int threadCount;
    private readonly Phase a, b;
    private readonly Thread[] threads;
    private readonly long[] counters = new long[3 * Padding];
    private long stepNumber;
    private volatile Exception? failure;
    private volatile bool stopping;

    /// <summary>One phase: its partitions, the work on one of them, and the step each partition was last claimed in (one padded slot each).</summary>
    private sealed class Phase(int partitions, Action<int> run)
    {
        public readonly int Partitions = partitions;
        public readonly Action<int> Run = run;
        public readonly long[] ClaimedStep = new long[partitions * Padding];
    }

    /// <summary>Starts <paramref name="threads"/> − 1 worker threads; each step runs <paramref name="phaseA"/>(q) for q &lt; <paramref name="partitionsA"/>, then <paramref name="phaseB"/>(q) for q &lt; <paramref name="partitionsB"/>.</summary>
    public StepWorkerTeam(int threads, int partitionsA, Action<int> phaseA, int partitionsB, Action<int> phaseB)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionsA, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionsB, 1);
        (threadCount, a, b) = (threads, new Phase(partitionsA, phaseA), new Phase(partitionsB, phaseB));
        this.threads = new Thread[threads - 1];
        for (int w = 0; w < this.threads.Length; w++)
        {
            int member = w + 1;
            this.threads[w] = new Thread(() => WorkerLoop(member)) { IsBackground = true, Name = $"NeuroDyn LIF worker {member}" };
            this.threads[w].Start();
        }
    }

    /// <summary>Runs one step over every partition and returns when all have finished phase B; rethrows the first failure.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        if (threads.Length == 0)
        {
            for (int q = 0; q < a.Partitions; q++) a.Run(q);
            for (int q = 0; q < b.Partitions; q++) b.Run(q);
            return;
        }
        long s = ++stepNumber;
        Volatile.Write(ref counters[Requested * Padding], s);
        RunPhase(a, DoneA, member: 0, s);
        WaitFor(DoneA, s * a.Partitions);
        RunPhase(b, DoneB, member: 0, s);
        WaitFor(DoneB, s * b.Partitions); // never return while a worker still writes shared state
        if (failure is Exception e)
        {
            failure = null;
            ExceptionDispatchInfo.Throw(e);
        }
    }

    private void WorkerLoop(int member)
    {
        for (long seen = 0; ; )
        {
            WaitFor(Requested, seen + 1);
            if (stopping) return;
            // the newest step: after a long pause the ones before it are done (their partitions claimed), this one may not be
            long s = seen = Volatile.Read(ref counters[Requested * Padding]);
            RunPhase(a, DoneA, member, s);
            WaitFor(DoneA, s * a.Partitions);
            RunPhase(b, DoneB, member, s);
        }
    }

    /// <summary>Claims and runs partitions of step s: its home share in order, then every other one still unclaimed, from the far end
    /// of the others' shares back (where their owners will come last).</summary>
    private void RunPhase(Phase phase, int doneCounter, int member, long step)
    {
        int p = phase.Partitions;
        int home = (int)((long)member * p / threadCount), share = (int)((long)(member + 1) * p / threadCount) - home;
        for (int k = 0; k < p; k++)
        {
            int q = k < share ? home + k : (home - 1 - (k - share) + p) % p;
            ref long claimed = ref phase.ClaimedStep[q * Padding];
            long last = Volatile.Read(ref claimed);
            if (last >= step || Interlocked.CompareExchange(ref claimed, step, last) != last) continue;
            try { phase.Run(q); }
            catch (Exception e) { failure ??= e; }
            Interlocked.Increment(ref counters[doneCounter * Padding]);
        }
    }

    private void WaitFor(int counter, long target)
    {
        ref long value = ref counters[counter * Padding];
        var spinner = new SpinWait();
        long idleSince = 0;
        while (Volatile.Read(ref value) < target && !stopping)
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
        Volatile.Write(ref counters[Requested * Padding], long.MaxValue);
        foreach (var thread in threads) thread.Join();
    }
}
