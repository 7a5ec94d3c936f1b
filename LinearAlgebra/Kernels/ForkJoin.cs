using System.Runtime.ExceptionServices;

namespace Optima.LinearAlgebra.Kernels;

/// <summary>
/// A minimal allocation-free fork-join team for the sparse product inside iterative solvers: dedicated background
/// threads (created once, on first use) claim parts of a loop with an atomic counter while the caller works too.
/// <see cref="Parallel.For(int, int, Action{int})"/> allocates on every call, which an iteration must not.
/// If the team is already busy (a concurrent or nested call), the loop simply runs on the calling thread.
/// An exception from the body (say, a user's model) stops further parts from being claimed and is rethrown on the
/// caller once every thread has left the loop (the first one, when several threads fail).
/// </summary>
public static class ForkJoin
{
    private static readonly object InitLock = new();
    private static readonly SemaphoreSlim Start = new(0);
    // A semaphore, not a ManualResetEventSlim: that one creates its lock object on the first wait that blocks, so a
    // caller's first blocking wait allocated (24 bytes) at some later call instead of never.
    private static readonly SemaphoreSlim Finished = new(0);
    private static Thread[]? _workers;
    private static int _busy;
    private static Action<int>? _body;
    private static int _parts;
    private static int _next;
    private static int _pending;
    private static ExceptionDispatchInfo? _failure;

    /// <summary>Runs body(0..parts) on up to <paramref name="maxThreads"/> threads (≤ 0: all cores).</summary>
    /// <param name="parts">The number of parts; each index in [0, parts) is passed to <paramref name="body"/> once.</param>
    /// <param name="body">The work of one part; it must not depend on which thread runs it.</param>
    /// <param name="maxThreads">The most threads to use, the caller's included (≤ 0: all cores).</param>
    public static void Run(int parts, Action<int> body, int maxThreads)
    {
        int threads = Math.Min(maxThreads > 0 ? maxThreads : Environment.ProcessorCount, Environment.ProcessorCount);
        if (parts <= 1 || threads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < parts; i++) body(i);
            return;
        }
        ExceptionDispatchInfo? failure;
        try
        {
            var workers = EnsureWorkers();
            int helpers = Math.Min(workers.Length, Math.Min(parts, threads) - 1);
            _body = body;
            _parts = parts;
            _next = 0;
            _pending = helpers;
            while (Finished.Wait(0)) { } // permits released late by the previous call's helpers
            if (helpers > 0) Start.Release(helpers);
            Work();
            // A helper that has not woken yet would keep the caller waiting for a scheduler slot (milliseconds on a
            // busy machine) only to find no work left: take its permit back instead. A helper that took its permit is
            // running, so waiting for it is short.
            int reclaimed = 0;
            while (reclaimed < helpers && Start.Wait(0)) reclaimed++;
            Interlocked.Add(ref _pending, -reclaimed);
            // Done when every helper has left the loop (_pending = 0), not when a permit arrives: a helper of the
            // previous call may release it late (after its decrement let that call return), which must not end this wait
            // while a helper of this call still runs the body.
            while (Volatile.Read(ref _pending) != 0)
            {
                Finished.Wait(); // a late permit of the previous call only sends the loop round again
            }
            _body = null;
            failure = _failure;
            _failure = null;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
        failure?.Throw();
    }

    private static void Work()
    {
        var body = _body!;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _parts)
        {
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                // A helper thread must survive (an unhandled exception there ends the process) and the caller must
                // still join: keep the first failure for the caller and let no thread claim another part.
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                Volatile.Write(ref _next, _parts);
            }
        }
    }

    private static Thread[] EnsureWorkers()
    {
        if (_workers is { } w) return w;
        lock (InitLock)
        {
            if (_workers is null)
            {
                var list = new Thread[Math.Max(0, Environment.ProcessorCount - 1)];
                for (int t = 0; t < list.Length; t++)
                {
                    list[t] = new Thread(Loop) { IsBackground = true, Name = $"Optima.ForkJoin.{t}" };
                    list[t].Start();
                }
                _workers = list;
            }
            return _workers;
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Start.Wait();
            Work();
            if (Interlocked.Decrement(ref _pending) == 0) Finished.Release();
        }
    }
}
