using Optima.LinearAlgebra.Kernels;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

public class ForkJoinTests
{
    [Fact]
    public void Every_part_runs_once()
    {
        var hits = new int[1000];
        ForkJoin.Run(hits.Length, i => Interlocked.Increment(ref hits[i]), 0);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void A_failing_part_is_rethrown_on_the_caller_and_the_team_stays_usable()
    {
        // Whichever thread claims part 37 (the caller or a helper), its exception must reach the caller after the join,
        // helpers must survive it, and the next call must run normally.
        for (int trial = 0; trial < 20; trial++)
        {
            var ex = Assert.Throws<InvalidOperationException>(() =>
                ForkJoin.Run(200, i => { if (i == 37) throw new InvalidOperationException("part 37"); Thread.SpinWait(50); }, 0));
            Assert.Equal("part 37", ex.Message);
            int sum = 0;
            ForkJoin.Run(100, i => Interlocked.Add(ref sum, i), 0);
            Assert.Equal(4950, sum);
        }
    }

    [Fact]
    public void No_part_is_still_running_when_Run_returns()
    {
        // Back-to-back calls where the helpers take part, with threads competing for the cores so that a helper can be
        // preempted between finishing and signalling: that late signal must not end the next call's wait while a
        // helper of the next call is still inside the body.
        int inside = 0, late = 0;
        bool stop = false;
        var noise = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => new Thread(() => { while (!Volatile.Read(ref stop)) Thread.SpinWait(100); }) { IsBackground = true })
            .ToArray();
        foreach (var t in noise) t.Start();
        try
        {
            for (int call = 0; call < 20_000; call++)
            {
                ForkJoin.Run(Environment.ProcessorCount * 2, i =>
                {
                    Interlocked.Increment(ref inside);
                    Thread.SpinWait(50 + 10 * (i % 3));
                    Interlocked.Decrement(ref inside);
                }, 0);
                if (Volatile.Read(ref inside) != 0) late++;
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            foreach (var t in noise) t.Join();
        }
        Assert.Equal(0, late);
    }
}
