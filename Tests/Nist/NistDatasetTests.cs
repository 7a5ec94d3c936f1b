using Optima.Problems.Nist;
using Xunit;

namespace Optima.Tests.Nist;

public class NistDatasetTests
{
    private static readonly string[] Expected =
    [
        "Bennett5", "BoxBOD", "Chwirut1", "Chwirut2", "DanWood", "ENSO", "Eckerle4", "Gauss1", "Gauss2", "Gauss3", "Hahn1",
        "Kirby2", "Lanczos1", "Lanczos2", "Lanczos3", "MGH09", "MGH10", "MGH17", "Misra1a", "Misra1b", "Misra1c", "Misra1d",
        "Nelson", "Rat42", "Rat43", "Roszman1", "Thurber",
    ];

    [SkippableFact]
    public void All_27_files_parse_with_consistent_counts()
    {
        string dir = TestSupport.RequireSharedData("nist");
        var all = NistDataset.LoadAll(dir);
        Assert.Equal(Expected, all.Select(d => d.Name).ToArray());
        foreach (var d in all)
        {
            Assert.Equal(d.Observations - d.ParameterCount, d.DegreesOfFreedom);
            Assert.All(new[] { d.Start1, d.Start2, d.CertifiedValues, d.CertifiedStandardDeviations }, a => Assert.Equal(d.ParameterCount, a.Length));
            Assert.All(d.Predictors, column => Assert.Equal(d.Observations, column.Length));
            Assert.DoesNotContain("[", d.Model);
            Assert.DoesNotContain("+ e", d.Model);
            // RSD² · dof = RSS, to the 11 certified digits (allowing rounding of the printed RSD).
            double rss = d.CertifiedResidualStandardDeviation * d.CertifiedResidualStandardDeviation * d.DegreesOfFreedom;
            Assert.True(Math.Abs(rss - d.CertifiedResidualSumOfSquares) <= 1e-9 * d.CertifiedResidualSumOfSquares, d.Name);
        }
        Assert.Equal(8, all.Count(d => d.Difficulty == NistDifficulty.Lower));
        Assert.Equal(11, all.Count(d => d.Difficulty == NistDifficulty.Average));
        Assert.Equal(["Rat43"], all.Where(d => d.Note is not null).Select(d => d.Name));
        Assert.Equal(8, all.Count(d => d.Difficulty == NistDifficulty.Higher));
    }

    [SkippableFact]
    public void Misra1a_values_are_read_exactly()
    {
        string dir = TestSupport.RequireSharedData("nist");
        var d = NistDataset.Load(Path.Combine(dir, "Misra1a.dat"));
        Assert.Equal("b1*(1-exp(-b2*x))", d.Model);
        Assert.Equal([500.0, 1e-4], d.Start1);
        Assert.Equal([250.0, 5e-4], d.Start2);
        Assert.Equal(2.3894212918E+02, d.CertifiedValues[0]);
        Assert.Equal(7.2668688436E-06, d.CertifiedStandardDeviations[1]);
        Assert.Equal(1.2455138894E-01, d.CertifiedResidualSumOfSquares);
        Assert.Equal(14, d.Observations);
        Assert.Equal(10.07, d.Response[0]);
        Assert.Equal(77.6, d.Predictors[0][0]);
    }

    [SkippableFact]
    public void Special_models_are_translated()
    {
        string dir = TestSupport.RequireSharedData("nist");
        var nelson = NistDataset.Load(Path.Combine(dir, "Nelson.dat"));
        Assert.True(nelson.ResponseIsLogarithm);
        Assert.Equal(["x1", "x2"], nelson.PredictorNames);
        Assert.Equal(Math.Log(15.00), nelson.Response[0], 15);
        var roszman = NistDataset.Load(Path.Combine(dir, "Roszman1.dat"));
        Assert.Contains("atan(", roszman.Model);
        Assert.Contains("pi", roszman.Model);
        var enso = NistDataset.Load(Path.Combine(dir, "ENSO.dat"));
        Assert.Equal(9, enso.ParameterCount);
        Assert.Contains("b9*sin( 2*pi*x/b7 )", enso.Model);
    }

    [Fact]
    public void Malformed_files_name_the_line()
    {
        string good = "Dataset Name:  T\nLower Level of Difficulty\nModel:\n y = b1*x + e\n" +
                      "  b1 =   1   2   3.0E+00  1.0E-01\nResidual Sum of Squares: 1\nResidual Standard Deviation: 1\n" +
                      "Degrees of Freedom: 1\nNumber of Observations: 2\nData:   y   x\n 1 2\n 3 4\n";
        Assert.Equal(2, NistDataset.Parse(good).Observations);
        var e = Assert.Throws<InvalidDataException>(() => NistDataset.Parse(good.Replace(" 3 4", " 3 four"), "bad.dat"));
        Assert.Contains("bad.dat, line 12", e.Message);
        Assert.Contains("'four'", e.Message);
        var rows = Assert.Throws<InvalidDataException>(() => NistDataset.Parse(good.Replace(" 3 4\n", ""), "short.dat"));
        Assert.Contains("2 observations but 1", rows.Message);
        Assert.Throws<InvalidDataException>(() => NistDataset.Parse("nothing here"));
        Assert.Throws<FileNotFoundException>(() => NistDataset.Load("/no/such/file.dat"));
    }

    [Theory]
    [InlineData(1.0, 1.0, 11)]
    [InlineData(1.001, 1.0, 3)]
    [InlineData(2.0, 1.0, 0)]
    [InlineData(double.NaN, 1.0, 0)]
    public void Log_relative_error(double estimate, double certified, double expected) =>
        Assert.Equal(expected, NistDataset.LogRelativeError(estimate, certified), 6);
}
