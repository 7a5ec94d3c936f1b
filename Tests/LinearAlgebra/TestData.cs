namespace Optima.Tests.LinearAlgebra;

/// <summary>Locates the shared test data (read in place, never copied into the repository).</summary>
public static class TestData
{
    private static readonly Lazy<string?> Root = new(FindRepositoryRoot);

    /// <summary>The repository root (the folder holding Solvers.sln), or null when it cannot be found.</summary>
    public static string? RepositoryRoot => Root.Value;

    /// <summary>
    /// <c>../shared/data/matrices</c> relative to the repository root, or null when it is absent (tests that need it
    /// then return early and say so).
    /// </summary>
    public static string? MatricesDirectory
    {
        get
        {
            if (RepositoryRoot is null) return null;
            string dir = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "matrices"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary>Full path of a shared matrix file, or null (with a message written) when it is absent.</summary>
    public static string? Matrix(string fileName, Xunit.Abstractions.ITestOutputHelper? output = null)
    {
        string? dir = MatricesDirectory;
        string? path = dir is null ? null : Path.Combine(dir, fileName);
        if (path is null || !File.Exists(path))
        {
            output?.WriteLine($"SKIPPED: shared matrix '{fileName}' not found (expected under ../shared/data/matrices relative to the repository root).");
            return null;
        }
        return path;
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solvers.sln"))) return dir.FullName;
        return null;
    }
}
