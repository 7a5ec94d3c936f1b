using FsCheck;
using FsCheck.Fluent;
using Optima.Distributed;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Distributed;

/// <summary>The communicator contract without a launcher: the single process, the threads-as-ranks group, sharding.</summary>
public class CommunicatorTests
{
    [Fact]
    public void A_single_process_has_rank_0_of_1_and_its_collectives_are_copies()
    {
        var one = SingleProcessCommunicator.Instance;
        Assert.Equal((0, 1), (one.Rank, one.Size));
        double[] values = [1.5, -2, double.NaN];
        one.Allreduce(values);
        Assert.Equal([1.5, -2, double.NaN], values);
        one.Broadcast<double>(values, 0);
        var all = new double[3];
        one.Allgather<double>(values, all);
        Assert.Equal(values, all);
        var back = new double[3];
        one.Scatter<double>(all, back, 0);
        Assert.Equal(values, back);
        one.Gather<double>(back, all, 0);
        Assert.Equal(values, all);
        one.Barrier();
        Assert.Throws<ArgumentOutOfRangeException>(() => one.Broadcast<double>(values, 1));
        Assert.Throws<ArgumentException>(() => one.Allgather<double>(values, new double[4]));
    }

    [SkippableFact]
    public void Without_a_launcher_the_process_runs_as_one_rank_and_says_why()
    {
        Skip.If(Communicator.Launcher() is not null, "this test process was itself started by an MPI launcher");
        using var world = Communicator.FromEnvironment();
        Assert.IsType<SingleProcessCommunicator>(world);
        Assert.Contains("not started by an MPI launcher", world.Description);
        Assert.Contains("OMPI_COMM_WORLD_SIZE", world.Description);
        string described = Communicator.Describe();
        // Either the library found (name and ABI family) or every library tried, with the install line.
        Assert.True(described.Contains("MPI library available", StringComparison.Ordinal) || described.Contains("apt-get install openmpi-bin", StringComparison.Ordinal), described);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_collective_checks_out_on_a_group_of_ranks(int size)
    {
        var outcomes = size == 1 ? [CollectiveCheck.Run(SingleProcessCommunicator.Instance)] : new LocalGroup(size).Run(CollectiveCheck.Run);
        foreach (var ranks in outcomes)
        {
            Assert.Equal(7, ranks.Count);
            Assert.All(ranks, o => Assert.True(o.Passed, o.Collective));
        }
    }

    [Fact]
    public void Shards_are_contiguous_cover_every_term_once_and_differ_in_size_by_at_most_one()
    {
        Prop.ForAll(Gen.Choose(0, 100_000).ToArbitrary(), Gen.Choose(1, 70).ToArbitrary(), (count, size) =>
        {
            int next = 0, smallest = int.MaxValue, largest = 0;
            for (int r = 0; r < size; r++)
            {
                var (start, length) = MinibatchTrainer.Shard(count, r, size);
                if (start != next || length < 0) return false;
                next = start + length;
                smallest = Math.Min(smallest, length);
                largest = Math.Max(largest, length);
            }
            return next == count && largest - smallest <= 1;
        }).Check(TestSupport.Quick());
        Assert.Throws<ArgumentOutOfRangeException>(() => MinibatchTrainer.Shard(10, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => MinibatchTrainer.Shard(10, 0, 0));
    }

    [Fact]
    public void An_MPI_error_names_the_call_and_the_code()
    {
        var e = new MpiException("MPI_Allreduce", 15, "MPI_ERR_TRUNCATE: message truncated");
        Assert.Equal("MPI_Allreduce failed with MPI error 15: MPI_ERR_TRUNCATE: message truncated", e.Message);
        Assert.Equal(("MPI_Allreduce", 15), (e.Call, e.Code));
    }

    [Fact]
    public void The_digest_sees_every_bit()
    {
        Assert.Equal(Digest.Of<double>([1.0, 2.0]), Digest.Of<double>([1.0, 2.0]));
        Assert.NotEqual(Digest.Of<double>([0.0]), Digest.Of<double>([-0.0]));
        Assert.NotEqual(Digest.Of<double>([1.0]), Digest.Of<double>([BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(1.0) + 1)]));
    }
}
