using Optima.LinearAlgebra;
using Optima.LinearAlgebra.IO;
using Optima.Problems.Data;
using Optima.Problems.Nist;
using Optima.Tests.Fuzz;
using Xunit;

namespace Optima.Tests.Cli;

/// <summary>
/// Issue 13's reader rows: sizes read from a file are checked against the file and against what the command can
/// hold before anything is allocated; each case exits 2 with a message naming the file (and line), no stack trace.
/// </summary>
public sealed class UntrustedInputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "optima-untrusted-" + Guid.NewGuid().ToString("N"));

    public UntrustedInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string BadInput(params string[] args)
    {
        var (code, output, error) = CliTests.Run(args);
        Assert.True(code == 2, $"exit {code}; stdout: {output}; stderr: {error}");
        Assert.StartsWith("optima: ", error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        return error;
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // Row 1: 2147483647 × 2147483647 used to overflow in CsrMatrix.FromCoordinates (exit 134).
    // Row 3: a 3-line file declaring 1e8 or 1e9 rows used to peak at 2.8–11 GB before refusing.
    [Theory]
    [InlineData("2147483647 2147483647 1", "lu")]
    [InlineData("2147483647 2147483647 1", "cg")]
    [InlineData("1000000000 1000000000 1", "lu")]
    [InlineData("1000000000 1000000000 1", "cg")]
    [InlineData("100000000 100000000 1", "pcg")]
    [InlineData("100000000 100000000 100000000", "cg")]
    [InlineData("3 3 9000000000", "cg")]
    public void Solve_refuses_a_declared_size_the_file_cannot_back(string sizeLine, string method)
    {
        string path = Write("big.mtx", $"%%MatrixMarket matrix coordinate real general\n{sizeLine}\n1 1 1\n");
        string error = BadInput("solve", "--matrix", path, "--method", method);
        Assert.Contains("big.mtx", error);
    }

    [Fact]
    public void The_reader_checks_entries_against_the_file_length_and_allocates_little()
    {
        string path = Write("declared.mtx", "%%MatrixMarket matrix coordinate real general\n100000000 100000000 100000000\n1 1 1\n");
        long bytes = Allocated(() =>
        {
            var e = Assert.Throws<MatrixMarketFormatException>(() => MatrixMarket.ReadSparse(path));
            Assert.Equal(2, e.LineNumber);
            Assert.Contains("100000000 entries", e.Message);
        });
        Assert.True(bytes < 1 << 20, $"{bytes} bytes allocated");
        // From a text reader (length unknown) the storage grows with what is read: the count mismatch ends it.
        bytes = Allocated(() => Assert.Throws<MatrixMarketFormatException>(() =>
            MatrixMarket.ReadSparse(new StringReader("%%MatrixMarket matrix coordinate real general\n100000000 100000000 100000000\n1 1 1\n"))));
        Assert.True(bytes < 1 << 20, $"{bytes} bytes allocated");
        // A nearly empty matrix cannot claim gigabytes of row pointers.
        bytes = Allocated(() =>
        {
            var e = Assert.Throws<MatrixMarketFormatException>(() =>
                MatrixMarket.ReadSparse(new StringReader("%%MatrixMarket matrix coordinate real general\n2147483647 2147483647 1\n1 1 1\n"), "huge"));
            Assert.Contains("huge", e.Message);
        });
        Assert.True(bytes < 1 << 20, $"{bytes} bytes allocated");
        Assert.Throws<MatrixMarketFormatException>(() =>
            MatrixMarket.ReadDense(new StringReader("%%MatrixMarket matrix coordinate real general\n100000 100000 1\n1 1 1\n")));
        Assert.Throws<MatrixMarketFormatException>(() =>
            MatrixMarket.ReadVector(new StringReader("%%MatrixMarket matrix coordinate real general\n1000000000 1 1\n1 1 1\n")));
        // Sizes near the allowance still read: a 1000 × 1000 diagonal and a sparse 2²⁰-row matrix.
        Assert.Equal(1 << 20, MatrixMarket.ReadSparse(new StringReader($"%%MatrixMarket matrix coordinate real general\n{1 << 20} 5 1\n1 1 1\n")).Rows);
    }

    [Fact]
    public void CSR_from_coordinates_refuses_an_unindexable_row_count()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.FromCoordinates(int.MaxValue, int.MaxValue, [0], [0], [1.0]));
        Assert.Contains("too many", e.Message);
    }

    [Fact]
    public void Solve_checks_the_rhs_size_line_before_reading_it()
    {
        string a = Write("a.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 2\n2 2 4\n");
        string b = Write("b.mtx", "%%MatrixMarket matrix coordinate real general\n1000000000 1 1\n1 1 1\n");
        Assert.Contains("--rhs", BadInput("solve", "--matrix", a, "--rhs", b));
        var (code, _, _) = CliTests.Run("solve", "--matrix", a);
        Assert.Equal(0, code);
    }

    // Row 4: NIST's observation count used to be cast from a double: OOM, "Non-negative number required." or accepted.
    [Theory]
    [InlineData("370270763006")]
    [InlineData("2147483592")]
    [InlineData("-5")]
    [InlineData("6.5")]
    [InlineData("1e3")]
    [InlineData("")]
    public void NIST_observation_count_must_be_a_whole_number_backed_by_data_lines(string count)
    {
        string text = ReaderFuzzTests.NistSeed.Replace("Number of Observations: 3", $"Number of Observations: {count}", StringComparison.Ordinal);
        long bytes = Allocated(() =>
        {
            var e = Assert.Throws<InvalidDataException>(() => NistDataset.Parse(text, "T.dat"));
            Assert.StartsWith("T.dat, line 10:", e.Message);
        });
        Assert.True(bytes < 1 << 20, $"{bytes} bytes allocated");
        Write("T.dat", text);
        string error = BadInput("nist", "--data", _dir);
        Assert.Contains("T.dat, line 10", error);
        Assert.DoesNotContain("Non-negative number required", error);
    }

    [Fact]
    public void NIST_seed_parses_and_more_declared_than_present_is_refused()
    {
        Assert.Equal(3, NistDataset.Parse(ReaderFuzzTests.NistSeed).Observations);
        var e = Assert.Throws<InvalidDataException>(() =>
            NistDataset.Parse(ReaderFuzzTests.NistSeed.Replace("Observations: 3", "Observations: 30", StringComparison.Ordinal), "T.dat"));
        Assert.Contains("declares 30 observations", e.Message);
    }

    // Row 7: a header-less file whose first row has a typo or an empty field silently became the header.
    [Theory]
    [InlineData("0.0,4.01x\n1,5\n2,6\n3,7\n", "'4.01x' (field 2)")]
    [InlineData("0.0,\n1,5\n2,6\n3,7\n", "field 2 is empty")]
    [InlineData("x,1y\n1,5\n2,6\n3,7\n", "'1y' (field 2)")]
    [InlineData("0.5,y\n1,5\n2,6\n3,7\n", "mixes numbers ('0.5', field 1) and names ('y', field 2)")]
    public void CSV_first_row_that_looks_like_data_is_not_taken_as_a_header(string csv, string expected)
    {
        string path = Write("d.csv", csv);
        string error = BadInput("fit", path, "--model", "a*x+b", "--start", "a=1,b=0");
        Assert.Contains("d.csv, line 1", error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void CSV_with_a_header_of_names_or_no_header_still_fits()
    {
        foreach (var csv in new[] { "x,y\n0,1\n1,3\n2,5\n3,7.001\n", "0,1\n1,3\n2,5\n3,7.001\n", "# c\n_t,σ_y\n0,1\n1,3\n2,5\n3,7.001\n" })
        {
            string path = Write("ok.csv", csv);
            string[] extra = csv.Contains("_t", StringComparison.Ordinal) ? ["--x", "_t", "--y", "σ_y"] : [];
            var (code, output, error) = CliTests.Run(["fit", path, "--model", "a*x+b", "--start", "a=1,b=0", .. extra]);
            Assert.True(code is 0 or 1, $"{csv}: exit {code}; {error}");
            Assert.Contains("a", output);
        }
    }

    // Row 9: --dim sizes used to run out of memory after ~30 s (or run > 90 s silently).
    [Theory]
    [InlineData("minimize", "--problem", "rosenbrock-ext", "--dim", "100000000")]
    [InlineData("compare", "--problem", "rosenbrock-ext", "--dim", "100000000")]
    [InlineData("minimize", "--problem", "rosenbrock-ext", "--dim", "100000", "--method", "bfgs")]
    [InlineData("compare", "--problem", "rosenbrock-ext", "--dim", "100000")]
    [InlineData("check", "--problem", "rosenbrock-ext", "--dim", "20000")]
    [InlineData("check", "--problem", "rosenbrock-ext", "--dim", "1000000")]
    public void Dimension_guards_refuse_what_the_command_cannot_hold(params string[] args)
    {
        string error = BadInput(args);
        Assert.Contains("--dim", error);
    }

    // Row 14 (readers): a directory given as a data file said "not found" or "Access denied".
    [Fact]
    public void A_directory_given_as_a_data_file_is_called_a_directory()
    {
        Assert.Contains("is a directory", BadInput("solve", "--matrix", _dir));
        Assert.Contains("is a directory", BadInput("fit", _dir, "--model", "a*x+b", "--start", "a=1,b=0"));
        Assert.Contains("is a directory", Assert.Throws<FileNotFoundException>(() => NistDataset.Load(_dir)).Message);
        Assert.Contains("is a directory", Assert.Throws<FileNotFoundException>(() => Idx.ReadBytes(_dir)).Message);
    }

    [Fact]
    public void IDX_sizes_are_checked_against_the_file_before_allocating()
    {
        string truncated = Path.Combine(_dir, "t.idx");
        File.WriteAllBytes(truncated, ReaderFuzzTests.IdxBytes([60000, 28, 28], [1, 2, 3]));
        long bytes = Allocated(() => Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Idx.ReadBytes(truncated)).Message));
        Assert.True(bytes < 1 << 20, $"{bytes} bytes allocated");
        string overflow = Path.Combine(_dir, "o.idx");
        File.WriteAllBytes(overflow, ReaderFuzzTests.IdxBytes([int.MaxValue, int.MaxValue, int.MaxValue, 2], []));
        Assert.Contains("more than an array holds", Assert.Throws<InvalidDataException>(() => Idx.ReadBytes(overflow)).Message);
        byte[] ok = ReaderFuzzTests.IdxBytes([2, 2], [1, 2, 3, 4]);
        var (dims, data) = Idx.Read(new MemoryStream(ok), ok.Length, "ok");
        Assert.Equal([2, 2], dims);
        Assert.Equal([1, 2, 3, 4], data);
    }

    [Fact]
    public void IDX_reads_only_the_items_asked_for_plain_or_gzipped()
    {
        byte[] idx = ReaderFuzzTests.IdxBytes([3, 2], [1, 2, 3, 4, 5, 6]);
        string plain = Path.Combine(_dir, "p.idx"), gz = Path.Combine(_dir, "p.idx.gz");
        File.WriteAllBytes(plain, idx);
        using (var file = File.Create(gz))
        using (var zip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            zip.Write(idx);
        foreach (var path in new[] { plain, gz })
        {
            var (dims, data) = Idx.ReadBytes(path, maxItems: 2);
            Assert.Equal([3, 2], dims);              // the declared dimensions
            Assert.Equal([1, 2, 3, 4], data);        // the first two items only
            Assert.Equal([1, 2, 3, 4, 5, 6], Idx.ReadBytes(path, maxItems: 7).Data);
            Assert.Empty(Idx.ReadBytes(path, maxItems: 0).Data);
        }
    }
}
