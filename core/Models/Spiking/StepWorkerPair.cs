using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NeuroDyn.Models.Spiking;

/// <summary>
/// A persistent second thread that runs a two-phase step in lock-step with the caller: both threads run phase A on
/// their own partition, meet, run phase B, and meet again. Waiting spins briefly, then yields, and sleeps only after
/// milliseconds of idling, so a step costs a few hundred nanoseconds of synchronisation and an idle network no CPU.
/// </summary>
internal sealed class StepWorkerPair : IDisposable
{
    private readonly Thread thread;
    private readonly Action workerPhaseA, workerPhaseB;
    private long requested, mainDoneA, workerDoneA, workerDoneB;
    private volatile bool stopping;
    private Exception? workerFailure;

    /// <summary>Starts the worker thread, which will run the given phases on its own partition each step.</summary>
    public StepWorkerPair(Action workerPhaseA, Action workerPhaseB)
    {
        (this.workerPhaseA, this.workerPhaseB) = (workerPhaseA, workerPhaseB);
        thread = new Thread(WorkerLoop) { IsBackground = true, Name = "NeuroDyn LIF partition 1" };
        thread.Start();
    }

    /// <summary>Runs one step: the caller's phase A, barrier, the caller's phase B, then waits for the worker to finish.</summary>
    public void Step(Action mainPhaseA, Action mainPhaseB)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        long s = requested + 1;
        Volatile.Write(ref requested, s);
        Exception? mainFailure = Run(mainPhaseA);
        Volatile.Write(ref mainDoneA, s);
        WaitFor(ref workerDoneA, s);
        mainFailure ??= Run(mainPhaseB);
        WaitFor(ref workerDoneB, s); // never return while the worker still writes shared state
        if (mainFailure is not null) ExceptionDispatchInfo.Throw(mainFailure);
        if (workerFailure is Exception e) throw new InvalidOperationException("the second simulation thread failed", e);
    }

    private void WorkerLoop()
    {
        for (long s = 1; ; s++)
        {
            WaitFor(ref requested, s);
            if (stopping) return;
            workerFailure ??= Run(workerPhaseA);
            Volatile.Write(ref workerDoneA, s);
            WaitFor(ref mainDoneA, s);
            workerFailure ??= Run(workerPhaseB);
            Volatile.Write(ref workerDoneB, s);
        }
    }

    private static Exception? Run(Action phase)
    {
        try { phase(); return null; }
        catch (Exception e) { return e; }
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

    /// <summary>Stops and joins the worker thread.</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        Volatile.Write(ref requested, long.MaxValue);
        thread.Join();
    }
}
