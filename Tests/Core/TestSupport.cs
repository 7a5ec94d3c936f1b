using FsCheck;
using FsCheck.Fluent;
using System.Diagnostics;
using Microsoft.FSharp.Core;
using Xunit;

namespace Optima.Tests;

/// <summary>Shared helpers: FsCheck configuration, generators, and the location of ../shared data.</summary>
public static class TestSupport
{
    /// <summary>The seed of every property's random stream unless <c>OPTIMA_PROPERTY_SEED</c> says otherwise.</summary>
    public const ulong DefaultPropertySeed = 20261204;

    /// <summary>
    /// FsCheck settings for properties run inside [Fact]s: throw (with the counter-example) on failure. A property that
    /// discards cases whose precondition fails (<c>Prop.When</c>) fails as "exhausted" once it has discarded as many
    /// cases as it is to test, so a precondition that fails most of the time cannot pass by testing nothing. The cases come
    /// from a fixed seed, so a suite's verdict never depends on the draw (a statistical bound such as "within 5σ" fails
    /// for some draws, and a CI run must not be one of them); <c>OPTIMA_PROPERTY_SEED=N</c> runs another stream and
    /// <c>OPTIMA_PROPERTY_SEED=random</c> a fresh one per property, to explore by hand.
    /// </summary>
    public static Config Quick(int maxTests = 100)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(maxTests).WithMaxRejected(maxTests);
        string? setting = Environment.GetEnvironmentVariable("OPTIMA_PROPERTY_SEED");
        if (setting == "random") return config;
        ulong seed = string.IsNullOrEmpty(setting) ? DefaultPropertySeed : ulong.Parse(setting, System.Globalization.CultureInfo.InvariantCulture);
        var replay = new Replay(new Rnd(seed), FSharpOption<int>.None);
        return config.WithReplay(FSharpOption<Replay>.Some(replay));
    }

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

    /// <summary>../shared/data/SUB beside the checkout, or null when absent.</summary>
    public static string? SharedData(string sub)
    {
        string path = SharedDataPath(sub);
        return Directory.Exists(path) ? path : null;
    }

    /// <summary>
    /// ../shared/data/SUB beside the checkout; when it is absent the running test reports itself skipped (it must be a
    /// <c>[SkippableFact]</c>/<c>[SkippableTheory]</c>), or fails when <c>OPTIMA_REQUIRE_SHARED_DATA=1</c> (scripts/test.sh
    /// sets it when ../shared/data exists, so a checkout that has the data never skips a test that needs it).
    /// </summary>
    public static string RequireSharedData(string sub)
    {
        if (SharedData(sub) is { } dir) return dir;
        Missing($"{SharedDataPath(sub)} not found (the shared data beside the checkout)");
        throw new UnreachableException();
    }

    /// <summary>A file under ../shared/data/SUB, or the running test skips (or fails, as <see cref="RequireSharedData"/>).</summary>
    public static string RequireSharedFile(string sub, string file)
    {
        string path = Path.Combine(RequireSharedData(sub), file);
        if (!File.Exists(path)) Missing($"{path} not found");
        return path;
    }

    /// <summary>Skips the running test when Fashion-MNIST is not installed (scripts/setup.sh installs it when it can).</summary>
    public static void RequireFashionMnist() =>
        Skip.IfNot(Optima.Problems.Data.FashionMnist.IsAvailable(),
            $"Fashion-MNIST not found in {Optima.Problems.Data.FashionMnist.DefaultDirectory} ({Optima.Problems.Data.FashionMnist.InstallHint}).");

    private static string SharedDataPath(string sub) => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", sub));

    private static void Missing(string what)
    {
        if (Environment.GetEnvironmentVariable("OPTIMA_REQUIRE_SHARED_DATA") is "1" or "true")
            throw new Xunit.Sdk.XunitException($"{what}, and OPTIMA_REQUIRE_SHARED_DATA is set (scripts/test.sh sets it when ../shared/data exists).");
        throw new SkipException($"{what}.");
    }
}
