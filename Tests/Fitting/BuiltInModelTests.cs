using Optima.Problems.Expressions;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Fitting;

public class BuiltInModelTests
{
    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Max(Math.Abs(expected), 1e-300), $"{what}: expected {expected:R}, got {actual:R}");

    // lmfit 1.1.0 (Debian python3-lmfit) on the same data: model.guess(y, x=x), then model.fit(y, guess, x=x,
    // fit_kws = xtol = ftol = gtol = 1e-15): scripts/lmfit_builtin_models.py. lmfit's names: StepModel(form='erf')
    // is "step", StepModel(form='logistic') is "logistic", PolynomialModel(3) is "polynomial3".
    private static readonly Dictionary<string, (double[] Guess, double[] Fit)> Lmfit = new()
    {
        ["gaussian"] = (new double[] { 16.622924663059205, 3.2, 0.8 }, new double[] { 11.99999839, 3.20000004, 0.6999998206 }),
        ["lorentzian"] = (new double[] { 12.999558042206994, 3.2, 0.6399999999999999 }, new double[] { 11.99936081, 3.20000961, 0.6999448378 }),
        ["pseudovoigt"] = (new double[] { 17.060493449906215, 3.1999999999999997, 0.72, 0.5 }, new double[] { 12.10672713, 3.19999177, 0.7942058537, 0.3976054916 }),
        ["exponential"] = (new double[] { 5.007791251911903, 2.4943251458104 }, new double[] { 4.996775742, 2.501731552 }),
        ["logistic"] = (new double[] { 4.081607614912149, 4.0, 1.1428571428571428 }, new double[] { 4.000329827, 4.100150368, 0.6000903345 }),
        ["step"] = (new double[] { 4.099935362831347, 4.0, 1.1428571428571428 }, new double[] { 4.000203614, 4.100038281, 0.6000610915 }),
        ["powerlaw"] = (new double[] { 2.4944447732665007, 1.7012695889234046 }, new double[] { 2.499930291, 1.70001424 }),
        ["polynomial3"] = (new double[] { 0.9958605468063648, -1.9957655709944153, 0.49885666683958185, -0.03991073865229535 }, new double[] { 0.9958605442, -1.995765567, 0.4988566657, -0.03991073856 }),
        ["linear"] = (new double[] { 0.8002462412742635, -1.5011600581964568 }, new double[] { 0.8002462413, -1.501160058 }),
        ["constant"] = (new double[] { 2.249824906900595 }, new double[] { 2.249824907 }),
    };

    /// <summary>The data of the lmfit script: x = 0.08·i (powerlaw 0.5 + 0.1·i), i = 0…100, y = model + 0.05·sin(17.3·i).</summary>
    internal static (double[] X, double[] Y) Data(string name)
    {
        var x = new double[101];
        var y = new double[101];
        for (int i = 0; i < 101; i++)
        {
            double t = name == "powerlaw" ? 0.5 + i * 0.1 : i * 0.08;
            double g = 12 / (0.7 * Math.Sqrt(2 * Math.PI)) * Math.Exp(-(t - 3.2) * (t - 3.2) / (2 * 0.7 * 0.7));
            double l = 12 / Math.PI * 0.7 / ((t - 3.2) * (t - 3.2) + 0.7 * 0.7);
            x[i] = t;
            y[i] = 0.05 * Math.Sin(17.3 * i) + name switch
            {
                "gaussian" => g,
                "lorentzian" => l,
                "pseudovoigt" => 0.6 * g + 0.4 * l,
                "exponential" => 5 * Math.Exp(-t / 2.5),
                "logistic" => 4 * (1 - 1 / (1 + Math.Exp((t - 4.1) / 0.6))),
                "step" => 4 * (1 + SpecialFunctions.Erf((t - 4.1) / 0.6)) / 2,
                "powerlaw" => 2.5 * Math.Pow(t, 1.7),
                "polynomial3" => 1 - 2 * t + 0.5 * t * t - 0.04 * t * t * t,
                "linear" => 0.8 * t - 1.5,
                _ => 2.25,
            };
        }
        return (x, y);
    }

    public static TheoryData<string> ModelNames => new(Lmfit.Keys);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Guesses_equal_lmfits_and_fits_from_them_match_lmfit(string name)
    {
        var (x, y) = Data(name);
        var model = BuiltInModels.Get(name);
        var guess = model.Guess(x, y);
        var (lmGuess, lmFit) = Lmfit[name];
        Assert.Equal(lmGuess.Length, guess.Length);
        for (int k = 0; k < guess.Length; k++) Close(lmGuess[k], guess[k], 1e-12, $"{name} guess {model.Parameters[k]}");

        var composite = BuiltInModels.Parse(name);
        var fit = CurveFit.Fit(composite.Expression, x, y, composite.Guess(x, y));
        Assert.True(fit.IsConverged, fit.Message);
        for (int k = 0; k < lmFit.Length; k++) Close(lmFit[k], fit[model.Parameters[k]], 1e-7, $"{name} fit {model.Parameters[k]}");
    }

    [Fact]
    public void Names_prefixes_and_errors()
    {
        var one = BuiltInModels.Parse("gaussian");
        Assert.Equal(["amplitude", "center", "sigma"], one.Parameters);
        var sum = BuiltInModels.Parse("Gaussian + linear");
        Assert.Equal(["gaussian_amplitude", "gaussian_center", "gaussian_sigma", "linear_slope", "linear_intercept"], sum.Parameters);
        var two = BuiltInModels.Parse("gaussian+gaussian+constant");
        Assert.Equal(["gaussian1_amplitude", "gaussian1_center", "gaussian1_sigma", "gaussian2_amplitude", "gaussian2_center", "gaussian2_sigma", "constant_c"], two.Parameters);
        Assert.Equal(["c0", "c1", "c2"], BuiltInModels.Get("polynomial2").Parameters);
        Assert.Equal("pseudovoigt", BuiltInModels.Get("voigt").Name);
        Assert.True(BuiltInModels.IsModelSum("lorentzian + polynomial4"));
        Assert.False(BuiltInModels.IsModelSum("a*x + b"));
        Assert.False(BuiltInModels.IsModelSum("polynomial11"));
        var error = Assert.Throws<ArgumentException>(() => BuiltInModels.Get("gauss"));
        Assert.Contains("gaussian", error.Message);
        // Every expression parses and has exactly the listed parameters besides x.
        foreach (var n in new[] { "gaussian", "lorentzian", "pseudovoigt", "exponential", "logistic", "step", "powerlaw", "polynomial5", "linear", "constant" })
        {
            var m = BuiltInModels.Get(n, "p_");
            var ids = Expression.Parse(m.Expression).Identifiers.Where(i => i != "x").ToHashSet();
            Assert.True(ids.SetEquals(m.Parameters), n);
        }
    }

    [Fact]
    public void A_polynomial_guess_is_the_exact_least_squares_fit()
    {
        // Noise-free degree-5 data on a shifted range: the guess must reproduce the coefficients (the QR in scaled x
        // keeps the Vandermonde system well conditioned).
        double[] c = [3, -1, 0.5, 0.02, -0.003, 1e-4];
        var x = Enumerable.Range(0, 60).Select(i => 10 + 0.25 * i).ToArray();
        var y = x.Select(t => c.Select((ck, k) => ck * Math.Pow(t, k)).Sum()).ToArray();
        var g = BuiltInModels.Get("polynomial5").Guess(x, y);
        for (int k = 0; k < 6; k++) Assert.True(Math.Abs(g[k] - c[k]) <= 1e-6 * Math.Max(1, Math.Abs(c[k])), $"c{k}: {g[k]:R}");
    }

    [Fact]
    public void A_peak_on_a_sloped_background_fits_from_the_composite_guess()
    {
        // lmfit 1.1.0 on the same data (gaussian_ + linear_ prefixes, tight tolerances): the optimum.
        var x = Enumerable.Range(0, 101).Select(i => i * 0.08).ToArray();
        var y = x.Select((t, i) => 12 / (0.7 * Math.Sqrt(2 * Math.PI)) * Math.Exp(-(t - 3.2) * (t - 3.2) / (2 * 0.49)) + 0.3 * t + 1.0 + 0.05 * Math.Sin(17.3 * i)).ToArray();
        var model = BuiltInModels.Parse("gaussian+linear");
        var start = model.Guess(x, y);
        Close(0.3, start["linear_slope"], 0.5, "background slope guessed from the ends");
        Close(3.2, start["gaussian_center"], 0.05, "center guess");
        var fit = CurveFit.Fit(model.Expression, x, y, start);
        Assert.True(fit.IsConverged, fit.Message);
        Close(LmfitComposite[0], fit["gaussian_amplitude"], 1e-7, "amplitude");
        Close(LmfitComposite[1], fit["gaussian_center"], 1e-7, "center");
        Close(LmfitComposite[2], fit["gaussian_sigma"], 1e-7, "sigma");
        Close(LmfitComposite[3], fit["linear_slope"], 1e-7, "slope");
        Close(LmfitComposite[4], fit["linear_intercept"], 1e-7, "intercept");
    }

    private static readonly double[] LmfitComposite = [LmA, LmC, LmS, LmSlope, LmIntercept];
    private const double LmA = 12.00295962, LmC = 3.199935653, LmS = 0.700114972, LmSlope = 0.3003176696, LmIntercept = 0.998187951;
}
