using System.Text.Json;
using Optima.Problems.Data;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Cli;

/// <summary>`optima train` on small Fashion-MNIST subsets (tests that need the data report themselves skipped without it).</summary>
public class TrainCliTests(ITestOutputHelper output)
{
    private static readonly string[] Small = ["--train-limit", "1500", "--test-limit", "500", "--batch", "50", "--threads", "1"];

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "optima-train-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public void Train_json_reports_every_epoch_and_progress_goes_to_stderr()
    {
        TestSupport.RequireFashionMnist();
        var (code, stdout, stderr) = CliTests.Run(["train", "--model", "mlp:32", "--optimizer", "adam", "--lr", "2e-3", "--epochs", "2", "--seed", "1", "--json", "--progress", .. Small]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout); // exactly one document
        var root = doc.RootElement;
        Assert.Equal("completed", root.GetProperty("reason").GetString());
        Assert.Equal(784 * 32 + 32 + 32 * 10 + 10, root.GetProperty("parameters").GetInt32());
        var history = root.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(2, history.Length);
        foreach (var e in history)
        {
            Assert.True(e.GetProperty("trainLoss").GetDouble() > 0);
            Assert.True(e.GetProperty("testLoss").GetDouble() > 0);
            Assert.InRange(e.GetProperty("testAccuracy").GetDouble(), 0, 1);
            Assert.True(e.GetProperty("seconds").GetDouble() > 0);
        }
        Assert.True(history[1].GetProperty("trainLoss").GetDouble() < history[0].GetProperty("trainLoss").GetDouble());
        Assert.True(root.GetProperty("testAccuracy").GetDouble() > 0.6, stdout);
        Assert.Contains("epoch   1/2", stderr);
        Assert.Contains("samples/s", stderr);
        output.WriteLine(stderr);
    }

    [SkippableFact]
    public void Train_prints_a_final_table_without_json()
    {
        TestSupport.RequireFashionMnist();
        var (code, stdout, _) = CliTests.Run(["train", "--model", "softmax", "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9", "--epochs", "1", .. Small]);
        Assert.Equal(0, code);
        Assert.Contains("test accuracy", stdout);
        Assert.Contains("softmax regression 784-10", stdout);
    }

    [SkippableTheory]
    [InlineData("logistic:7,9")]
    [InlineData("linear")]
    [InlineData("mlp:16,8")]
    public void Every_model_kind_trains(string model)
    {
        TestSupport.RequireFashionMnist();
        var (code, stdout, stderr) = CliTests.Run(["train", "--model", model, "--optimizer", "adam", "--lr", "1e-2", "--epochs", "3", "--json", .. Small]);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.True(doc.RootElement.GetProperty("testAccuracy").GetDouble() > 0.6, stdout);
    }

    [SkippableFact]
    public void Float32_training_reports_its_precision_and_resumes_bit_for_bit()
    {
        TestSupport.RequireFashionMnist();
        string dir = TempDir();
        try
        {
            string[] run = ["train", "--model", "mlp:32", "--optimizer", "adam", "--lr", "2e-3", "--seed", "3", "--precision", "float32", "--json", "--progress", .. Small];
            var (code, full, stderr) = CliTests.Run([.. run, "--epochs", "2"]);
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(full);
            Assert.Equal("float32", doc.RootElement.GetProperty("precision").GetString());
            Assert.True(doc.RootElement.GetProperty("testAccuracy").GetDouble() > 0.6, full);
            Assert.Contains("float32 parameters", stderr);

            // One epoch with a checkpoint, then resume to two: the same final accuracy and loss as the straight run.
            Assert.Equal(0, CliTests.Run([.. run, "--epochs", "1", "--checkpoint", dir]).Code);
            var (code2, resumed, stderr2) = CliTests.Run([.. run, "--epochs", "2", "--resume", dir]);
            Assert.True(code2 == 0, stderr2);
            using var doc2 = JsonDocument.Parse(resumed);
            Assert.Equal(doc.RootElement.GetProperty("testLoss").GetDouble(), doc2.RootElement.GetProperty("testLoss").GetDouble());

            // A float32 checkpoint is not resumed by a float64 run.
            var (code3, _, stderr3) = CliTests.Run(["train", "--model", "mlp:32", "--optimizer", "adam", "--lr", "2e-3", "--seed", "3", "--json", .. Small, "--epochs", "2", "--resume", dir]);
            Assert.NotEqual(0, code3);
            Assert.Contains("float32", stderr3);
            Assert.Equal(2, CliTests.Run(["train", "--model", "logistic", "--precision", "float32", .. Small]).Code);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void Resume_continues_bit_for_bit_and_a_mismatched_run_is_refused()
    {
        TestSupport.RequireFashionMnist();
        string dir = TempDir();
        try
        {
            string[] common = ["train", "--model", "mlp:16", "--optimizer", "adamw", "--warmup", "10", "--seed", "3", "--json", .. Small];
            var (whole, wholeOut, _) = CliTests.Run([.. common, "--epochs", "3"]);
            Assert.Equal(0, whole);
            var (first, _, _) = CliTests.Run([.. common, "--epochs", "1", "--checkpoint", dir]);
            Assert.Equal(0, first);
            Assert.True(File.Exists(Path.Combine(dir, "checkpoint.bin")));
            var (second, resumedOut, err) = CliTests.Run([.. common, "--epochs", "3", "--resume", dir]);
            Assert.True(second == 0, err);
            using var a = JsonDocument.Parse(wholeOut);
            using var b = JsonDocument.Parse(resumedOut);
            Assert.Equal(1, b.RootElement.GetProperty("resumedAfterEpoch").GetInt32());
            var ha = a.RootElement.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("testLoss").GetDouble()).ToArray();
            var hb = b.RootElement.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("testLoss").GetDouble()).ToArray();
            Assert.Equal(3, hb.Length); // the resumed run reports the checkpointed epoch too
            Assert.Equal(ha, hb);        // bit for bit (exact double equality)

            var (other, otherOut, otherErr) = CliTests.Run(["train", "--model", "mlp:16", "--optimizer", "sgd", "--epochs", "3", "--resume", dir, .. Small]);
            Assert.Equal(2, other);
            Assert.Equal("", otherOut);
            Assert.Contains("another run", otherErr);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Missing_data_exits_2_with_the_install_line()
    {
        var (code, stdout, stderr) = CliTests.Run("train", "--data-dir", "/nonexistent/fashion-mnist", "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("apt-get install -y dataset-fashion-mnist", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("--model", "mlp:abc")]
    [InlineData("--model", "mlp")]
    [InlineData("--model", "transformer")]
    [InlineData("--model", "logistic:3,3")]
    [InlineData("--optimizer", "no-such-optimizer")]
    [InlineData("--lr", "-1")]
    [InlineData("--lr", "NaN")]
    [InlineData("--schedule", "zigzag")]
    [InlineData("--batch", "0")]
    [InlineData("--epochs", "0")]
    [InlineData("--data", "cifar")]
    [InlineData("--resume", "/nonexistent/checkpoint-dir")]
    [InlineData("--precision", "float16")]
    public void Bad_arguments_exit_2_before_reading_data(string option, string value)
    {
        var (code, stdout, stderr) = CliTests.Run("train", "--data-dir", "/nonexistent/fashion-mnist", option, value);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("optima: ", stderr);
        Assert.DoesNotContain("Fashion-MNIST file", stderr); // rejected before the data are looked for
        Assert.DoesNotContain("   at ", stderr);
    }
}
