using FsCheck;
using FsCheck.Fluent;

namespace Optima.Tests;

/// <summary>Shared helpers: FsCheck configuration, generators, and the location of ../shared data.</summary>
public static class TestSupport
{
    /// <summary>FsCheck settings for properties run inside [Fact]s: throw (with the counter-example) on failure.</summary>
    public static Config Quick(int maxTests = 100) => Config.QuickThrowOnFailure.WithMaxTest(maxTests);

    /// <summary>A double uniformly drawn from [lo, hi].</summary>
    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, int.MaxValue).Select(k => lo + (hi - lo) * (k / (double)int.MaxValue));

    /// <summary>A point drawn uniformly from the box [lower, upper].</summary>
    public static Gen<double[]> PointIn(double[] lower, double[] upper) =>
        Gen.CollectToArray(lower.Select((lo, i) => Uniform(lo, upper[i])));

    /// <summary>The repository root (where Solvers.sln lives), found by walking up from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Solvers.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Solvers.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>../shared/data/SUB beside the checkout, or null when absent (tests then report themselves skipped).</summary>
    public static string? SharedData(string sub)
    {
        string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", sub));
        return Directory.Exists(path) ? path : null;
    }
}
