using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Optima.Cli;
using Optima.LinearAlgebra.IO;
using Optima.Problems.Data;
using Optima.Problems.Expressions;
using Optima.Problems.Models;
using Optima.Problems.Nist;
using Optima.Solvers.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Fuzz;

/// <summary>
/// A mutational fuzzer over every reader of untrusted input: seeds made here are mutated (bit flips, interesting
/// bytes and numbers, deleted, duplicated and spliced ranges, truncation) and each case must end with the reader's
/// documented format exception or a result — never another exception — allocating at most a small multiple of the
/// input's size plus a constant, within a time budget. Fixed seed, so a failure reproduces; the message carries
/// the input in base64. By default each reader gets up to <see cref="DefaultCases"/> cases or
/// <see cref="DefaultSeconds"/> seconds; OPTIMA_FUZZ_CASES=N runs exactly N cases per reader (no time cap) and
/// OPTIMA_FUZZ_SEED picks another stream.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCases = 3000;
    private const double DefaultSeconds = 3;
    private const double CaseSeconds = 5; // per case; generous for a shared 2-core machine

    /// <summary>The reader under test: returns normally, or throws one of the allowed types.</summary>
    private delegate void Reader(byte[] input);

    private static readonly string[] TextTokens =
    [
        "2147483647", "2147483648", "-2147483648", "4294967296", "9223372036854775807", "370270763006", "-1", "0", "1",
        "6.5", "1e308", "1e-320", "-0", "NaN", "Infinity", "-Infinity", "1000000000", "99999999999999999999999", "1.0D+03",
        "\n", "\r\n", " ", "\t", ",", ";", "%", "#", "\"", "(", ")", "[", "]", "^", "*", "/", "+", "-", "e", "x", "y",
        "b1", "=", "exp(", "sqrt(", "%%MatrixMarket matrix coordinate real general\n", "symmetric", "array",
        "Number of Observations:", "Data:   y   x\n", "\u03c3", "\u00a0", "\0",
    ];

    private static readonly int[] BinaryInts = [0, 1, -1, 2, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, 1 << 30, 0x7FFFFFC7, 60000, 28];

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("OPTIMA_FUZZ_CASES"), out int n) && n > 0 ? n : DefaultCases;
    private static bool TimeCapped => Environment.GetEnvironmentVariable("OPTIMA_FUZZ_CASES") is null;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("OPTIMA_FUZZ_SEED"), out int s) ? s : 20261204;

    /// <summary>Mutates <paramref name="seeds"/> and runs <paramref name="read"/> on each case; returns the failures.</summary>
    private void Fuzz(string name, IReadOnlyList<byte[]> seeds, Reader read, Type[] allowed, long bytesPerInputByte, long constantBytes, bool binary)
    {
        // The seeds themselves must be accepted by some entry point: otherwise the fuzzer only explores error paths.
        int accepted = 0;
        foreach (var s in seeds)
        {
            try { read(s); accepted++; }
            catch (Exception e) when (allowed.Any(t => t.IsInstanceOfType(e))) { }
        }
        Assert.True(accepted > 0, $"{name}: no seed reads cleanly.");
        var rng = new Random(Seed ^ StableHash(name));
        var failures = new List<string>();
        int cases = Cases, ran = 0, rejected = 0;
        long maxAllocated = 0;
        double maxSeconds = 0;
        var total = Stopwatch.StartNew();
        for (; ran < cases; ran++)
        {
            if (TimeCapped && total.Elapsed.TotalSeconds > DefaultSeconds) break;
            byte[] input = Mutate(seeds, rng, binary);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            try
            {
                read(input);
            }
            catch (Exception e) when (allowed.Any(t => t.IsInstanceOfType(e)))
            {
                rejected++;
                if (e.Message.Contains("   at ", StringComparison.Ordinal) || e.Message.Length > 2000)
                    failures.Add($"message too long or with a stack trace ({e.GetType().Name}): {Shorten(e.Message)}; input {Convert.ToBase64String(input)}");
            }
            catch (Exception e)
            {
                failures.Add($"{e.GetType().Name}: {Shorten(e.Message)}; input {Convert.ToBase64String(input)}");
            }
            double seconds = sw.Elapsed.TotalSeconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxSeconds = Math.Max(maxSeconds, seconds);
            maxAllocated = Math.Max(maxAllocated, allocated);
            if (allocated > bytesPerInputByte * input.Length + constantBytes)
                failures.Add($"allocated {allocated} bytes for {input.Length} input bytes; input {Convert.ToBase64String(input)}");
            if (seconds > CaseSeconds)
                failures.Add($"took {seconds:F1} s; input {Convert.ToBase64String(input)}");
            if (failures.Count >= 5) break;
        }
        output.WriteLine($"{name}: {ran} cases ({rejected} rejected by the format check) in {total.Elapsed.TotalSeconds:F1} s; " +
                         $"slowest {maxSeconds * 1000:F1} ms, most allocated {maxAllocated / 1024.0:F0} KiB; {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{name}: {string.Join("\n", failures)}");
        Assert.True(ran >= Math.Min(cases, 50), $"{name}: only {ran} cases ran");
    }

    private static int StableHash(string s)
    {
        int h = 17;
        foreach (char c in s) h = h * 31 + c;
        return h;
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "...";

    private static byte[] Mutate(IReadOnlyList<byte[]> seeds, Random rng, bool binary)
    {
        var data = new List<byte>(seeds[rng.Next(seeds.Count)]);
        int count = 1 + rng.Next(4);
        for (int m = 0; m < count; m++)
        {
            int at = data.Count == 0 ? 0 : rng.Next(data.Count + 1);
            switch (rng.Next(8))
            {
                case 0 when data.Count > 0: // flip a bit
                    at = rng.Next(data.Count);
                    data[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1 when data.Count > 0: // an interesting byte
                    at = rng.Next(data.Count);
                    data[at] = binary ? (byte)BinaryInts[rng.Next(BinaryInts.Length)] : (byte)"\n ,.-+e9%0\t\"x"[rng.Next(13)];
                    break;
                case 2 when data.Count > 0: // delete a range
                    int len = Math.Min(data.Count - Math.Min(at, data.Count - 1), 1 + rng.Next(16));
                    data.RemoveRange(Math.Min(at, data.Count - 1), Math.Max(0, len));
                    break;
                case 3 when data.Count > 0: // duplicate a range (repeated lines, entries, tokens)
                    int from = rng.Next(data.Count), n = Math.Min(data.Count - from, 1 + rng.Next(64));
                    data.InsertRange(at, data.GetRange(from, n));
                    break;
                case 4: // an interesting token
                    data.InsertRange(at, Token(rng, binary));
                    break;
                case 5: // overwrite with an interesting token (a size or count replaced)
                    var token = Token(rng, binary);
                    for (int k = 0; k < token.Length && at + k < data.Count; k++) data[at + k] = token[k];
                    break;
                case 6 when data.Count > 0: // truncate
                    int cut = rng.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    break;
                default: // splice with another seed
                    var other = seeds[rng.Next(seeds.Count)];
                    int start = rng.Next(other.Length + 1);
                    data.InsertRange(at, other.Skip(start).Take(1 + rng.Next(64)));
                    break;
            }
        }
        return [.. data];
    }

    private static byte[] Token(Random rng, bool binary)
    {
        if (!binary) return Encoding.UTF8.GetBytes(TextTokens[rng.Next(TextTokens.Length)]);
        int v = BinaryInts[rng.Next(BinaryInts.Length)];
        var b = BitConverter.GetBytes(v);
        if (rng.Next(2) == 0) Array.Reverse(b); // big-endian (IDX) or little-endian (BinaryWriter)
        return b;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string TempFile(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "optima-fuzz-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    [Fact]
    public void Matrix_Market_reader()
    {
        byte[][] seeds =
        [
            Utf8("%%MatrixMarket matrix coordinate real general\n% comment\n3 3 4\n1 1 4.0\n2 2 5\n3 3 6e0\n1 3 -1\n"),
            Utf8("%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 4\n2 1 1\n2 2 4\n3 3 4\n"),
            Utf8("%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 1 3\n"),
            Utf8("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n"),
            Utf8("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n"),
            Utf8("%%MatrixMarket matrix array real general\n3 1\n1.5\n-2\n1.0D+03\n"),
        ];
        string path = TempFile("fuzz.mtx");
        int k = 0;
        // Alternate the text-reader paths (size unknown: storage grows) with the file paths (size checked up front).
        Fuzz("MatrixMarket", seeds, input =>
        {
            int which = k++ % 4;
            if (which >= 2) File.WriteAllBytes(path, input);
            var text = Encoding.UTF8.GetString(input);
            switch (which)
            {
                case 0: MatrixMarket.ReadSparse(new StringReader(text), "fuzz"); break;
                case 1: MatrixMarket.ReadDense(new StringReader(text), "fuzz"); break;
                case 2: MatrixMarket.ReadSparse(path); break;
                default: MatrixMarket.ReadVector(path); break;
            }
        }, [typeof(MatrixMarketFormatException)], bytesPerInputByte: 256, constantBytes: 64L << 20, binary: false);
    }

    internal const string NistSeed =
        "Dataset Name:  T  (T.dat)\nLower Level of Difficulty\nModel:\n y = b1*(1-exp[-b2*x])  +  e\n" +
        "  b1 =   1   2   3.0E+00  1.0E-01\n  b2 =   0.1 0.2 3.0E-01  1.0E-02\nResidual Sum of Squares: 1\n" +
        "Residual Standard Deviation: 1\nDegrees of Freedom: 1\nNumber of Observations: 3\nData:   y   x\n 1 2\n 3 4\n 5 6\n";

    [Fact]
    public void NIST_dat_reader()
    {
        byte[][] seeds =
        [
            Utf8(NistSeed),
            Utf8(NistSeed.Replace(" y = ", " log[y] = ", StringComparison.Ordinal).Replace("Data:   y   x\n", "Data:   y   x1   x2\n", StringComparison.Ordinal)
                .Replace(" 1 2\n 3 4\n 5 6\n", " 1 2 3\n 3 4 5\n 5 6 7\n", StringComparison.Ordinal)),
        ];
        Fuzz("NIST .dat", seeds, input => NistDataset.Parse(Encoding.UTF8.GetString(input), "fuzz.dat"),
            [typeof(InvalidDataException)], bytesPerInputByte: 256, constantBytes: 1 << 20, binary: false);
    }

    [Fact]
    public void CSV_reader_of_fit()
    {
        byte[][] seeds =
        [
            Utf8("x,y\n0,1\n1,2.5\n2,4\n"),
            Utf8("# data\n0.0 4.0\n1 5\n2 6\n"),
            Utf8("t;y;sigma\n0;1;0.1\n1;2;0.1\n"),
            Utf8("0\t1\t0.5\n1\t2\t0.5\n\n2\t3\t0.5\n"),
            Utf8("\"x\",\"y\"\n1,2\n3,4\n"),
        ];
        string path = TempFile("fuzz.csv");
        Fuzz("CSV", seeds, input =>
        {
            File.WriteAllBytes(path, input);
            CsvTable.Read(path);
        }, [typeof(InvalidDataException)], bytesPerInputByte: 256, constantBytes: 1 << 20, binary: false);
    }

    internal static byte[] IdxBytes(int[] dims, byte[] data)
    {
        var b = new List<byte> { 0, 0, 8, (byte)dims.Length };
        foreach (int d in dims) b.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        b.AddRange(data);
        return [.. b];
    }

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    [Fact]
    public void IDX_reader()
    {
        byte[][] seeds =
        [
            IdxBytes([2, 3, 3], [.. Enumerable.Range(0, 18).Select(i => (byte)(i * 13))]),
            IdxBytes([4], [0, 9, 3, 1]),
            Gzip(IdxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])),
        ];
        string path = TempFile("fuzz.idx");
        int k = 0;
        Fuzz("IDX", seeds, input =>
        {
            // Alternate the file path (gzip detected) with an in-memory stream of known length.
            if (k++ % 2 == 1)
            {
                Idx.Read(new MemoryStream(input), input.Length, "fuzz");
                return;
            }
            File.WriteAllBytes(path, input);
            Idx.ReadBytes(path);
        }, [typeof(InvalidDataException)], bytesPerInputByte: 64, constantBytes: 4L << 20, binary: true);
    }

    private static MinibatchTrainer Trainer(string optimizer)
    {
        var rng = new Xoshiro256StarStar(3);
        const int count = 24, d = 3;
        var x = new double[count * d];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < d; j++) x[i * d + j] = rng.NextDouble() - 0.5;
            y[i] = x[i * d] > 0 ? 1 : 0;
        }
        var problem = new LogisticRegression(new LabeledData(x, d, y, 2));
        return new MinibatchTrainer(problem, Optimizers.Create(optimizer, problem.Dimension), new double[problem.Dimension],
            new TrainingOptions { Epochs = 1, BatchSize = 5 });
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("lookahead:momentum")]
    public void Training_checkpoint_reader(string optimizer)
    {
        var trainer = Trainer(optimizer);
        trainer.Run();
        var ms = new MemoryStream();
        trainer.SaveCheckpoint(ms);
        var fresh = Trainer(optimizer);
        Fuzz($"checkpoint ({optimizer})", [ms.ToArray()], input => fresh.LoadCheckpoint(new MemoryStream(input)),
            [typeof(InvalidDataException)], bytesPerInputByte: 64, constantBytes: 1 << 20, binary: true);
    }

    [Fact]
    public void Expression_parser_and_compiler()
    {
        byte[][] seeds =
        [
            Utf8("(1-x)^2 + 100*(y-x^2)^2"),
            Utf8("b1*exp(-b2*x)+b3"),
            Utf8("sin(x)*cos(y)/sqrt(x^2+1) - atan(z)"),
            Utf8("log(abs(y)+1) + tanh(x)^3 + pi*x"),
        ];
        Fuzz("expressions", seeds, input =>
        {
            var objective = ExpressionObjective.Create(Encoding.UTF8.GetString(input));
            var point = Enumerable.Repeat(0.5, objective.Dimension).ToArray();
            objective.ValueAndGradient(point, new double[objective.Dimension]);
        }, [typeof(ExpressionParseException), typeof(ArgumentException)], bytesPerInputByte: 4096, constantBytes: 16L << 20, binary: false);
    }
}
