using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Expressions;
using Xunit;
using E = Optima.Problems.Expressions.Expression;

namespace Optima.Tests.Expressions;

public class AdapterTests
{
    [Fact]
    public void Rosenbrock_objective_has_exact_value_gradient_and_Hessian()
    {
        var f = ExpressionObjective.Create("(1-x)^2 + 100*(y-x^2)^2");
        Assert.Equal(new[] { "x", "y" }, f.VariableNames);
        Assert.Equal(2, f.Dimension);
        double[] x = [-1.2, 1.0];
        Assert.Equal(24.2, f.Value(x), 12);
        var g = new double[2];
        Assert.Equal(24.2, f.ValueAndGradient(x, g), 12);
        Assert.Equal(-215.6, g[0], 10);
        Assert.Equal(-88.0, g[1], 10);
        var h = new DenseMatrix(2, 2);
        f.Hessian(x, h);
        Assert.Equal(1200 * 1.44 - 400 * 1.0 + 2, h[0, 0], 10);
        Assert.Equal(480.0, h[0, 1], 10);
        Assert.Equal(480.0, h[1, 0], 10);
        Assert.Equal(200.0, h[1, 1], 10);
        var hv = new double[2];
        f.HessianVector(x, [1, -1], hv);
        Assert.Equal(h[0, 0] - h[0, 1], hv[0], 10);
        Assert.Equal(h[1, 0] - h[1, 1], hv[1], 10);
    }

    [Fact]
    public void Variable_order_can_be_given_and_may_include_unused_names()
    {
        var f = ExpressionObjective.Create("(1-x)^2 + 100*(y-x^2)^2", ["y", "z", "x"]);
        var g = new double[3];
        f.ValueAndGradient([1.0, 5.0, -1.2], g);
        var reference = new double[2];
        ExpressionObjective.Create("(1-x)^2 + 100*(y-x^2)^2").ValueAndGradient([-1.2, 1.0], reference);
        Assert.Equal(reference[1], g[0]);
        Assert.Equal(0.0, g[1]);
        Assert.Equal(reference[0], g[2]);
        Assert.Throws<ArgumentException>(() => ExpressionObjective.Create("x + y", ["x"]));
        Assert.Throws<ArgumentException>(() => ExpressionObjective.Create("2*pi"));
        Assert.Throws<ExpressionParseException>(() => ExpressionObjective.Create("x +"));
    }

    [Fact]
    public void Random_objectives_pass_GradientCheck_and_HessianCheck()
    {
        var gen = from e in ExpressionGenerators.Smooth(3)
                  from x in TestSupport.Uniform(-1.5, 1.5)
                  from y in TestSupport.Uniform(-1.5, 1.5)
                  select (e, x, y);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (e, x, y) = t;
            var f = ExpressionObjective.Create(e, ["x", "y"]);
            double[] p = [x, y];
            var grad = GradientCheck.Run(f, p, 1e-5);
            var hess = HessianCheck.Run(f, p, 1e-4);
            var hv = HessianCheck.RunProduct(f, p, [0.6, -0.8], 1e-4);
            return (grad.Passed && hess.Passed && hv.Passed).Label($"{e}: {grad}; {hess}; {hv}");
        }).Check(TestSupport.Quick(100));
    }

    private static void AssertPassed(DerivativeCheckResult result) => Assert.True(result.Passed, result.ToString());

    // ---- curve fitting ----

    private static readonly double[] MisraX = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0];

    private static double Misra(double x, double b1, double b2) => b1 * (1 - Math.Exp(-b2 * x));

    [Fact]
    public void ExpressionModel_residuals_are_model_minus_data_and_the_Jacobian_passes_JacobianCheck()
    {
        double[] truth = [238.94212918, 5.5015643181e-4];
        double[] y = MisraX.Select(x => Misra(x, truth[0], truth[1]) + 0.1 * Math.Sin(x)).ToArray();
        var model = ExpressionModel.Create("b1*(1-exp(-b2*x))", MisraX, y);
        Assert.Equal(new[] { "b1", "b2" }, model.ParameterNames);
        Assert.Equal(new[] { "x" }, model.VariableNames);
        Assert.Equal(2, model.Parameters);
        Assert.Equal(MisraX.Length, model.Residuals);
        double[] p = [500, 1e-4];
        var r = new double[MisraX.Length];
        model.Evaluate(p, r, null);
        for (int i = 0; i < r.Length; i++) Assert.Equal(Misra(MisraX[i], p[0], p[1]) - y[i], r[i], 12);
        var j = new DenseMatrix(MisraX.Length, 2);
        var r2 = new double[MisraX.Length];
        model.Evaluate(p, r2, j);
        Assert.Equal(r, r2);
        // b2 ~ 1e-4 is badly scaled for finite differences (their step is ~6e-6·max(1, |b2|)): a looser tolerance.
        AssertPassed(JacobianCheck.Run(model, p, 1e-4));
        AssertPassed(JacobianCheck.Run(model, truth, 1e-4));
        AssertPassed(GradientCheck.Run(new LeastSquaresObjective(model), p, 1e-3)); // same scaling caveat, squared
        var predicted = new double[MisraX.Length];
        model.Predict(truth, predicted);
        for (int i = 0; i < r.Length; i++) Assert.Equal(Misra(MisraX[i], truth[0], truth[1]), predicted[i], 10);
    }

    [Fact]
    public void Weights_multiply_residuals_and_Jacobian_rows()
    {
        double[] y = MisraX.Select(x => Misra(x, 240, 5.5e-4)).ToArray();
        double[] sigma = MisraX.Select((_, i) => 0.5 + i % 3).ToArray();
        var w = ExpressionModel.WeightsFromSigma(sigma);
        var plain = ExpressionModel.Create("b1*(1-exp(-b2*x))", MisraX, y);
        var weighted = ExpressionModel.Create("b1*(1-exp(-b2*x))", MisraX, y, w);
        double[] p = [250, 5e-4];
        int m = MisraX.Length;
        var (r0, j0, r1, j1) = (new double[m], new DenseMatrix(m, 2), new double[m], new DenseMatrix(m, 2));
        plain.Evaluate(p, r0, j0);
        weighted.Evaluate(p, r1, j1);
        for (int i = 0; i < m; i++)
        {
            Assert.Equal(r0[i] / sigma[i], r1[i], 1e-13 * Math.Abs(r1[i]));
            for (int k = 0; k < 2; k++) Assert.Equal(j0[i, k] / sigma[i], j1[i, k], 1e-13 * Math.Abs(j1[i, k]));
        }
        AssertPassed(JacobianCheck.Run(weighted, p, 1e-4));
        Assert.Equal([2.0, 0.0, 0.5], ExpressionModel.WeightsFromStatisticalWeights([4, 0, 0.25]));
        Assert.Throws<ArgumentException>(() => ExpressionModel.WeightsFromSigma([1, 0]));
        Assert.Throws<ArgumentException>(() => ExpressionModel.WeightsFromStatisticalWeights([1, -1]));
    }

    [Fact]
    public void Several_variables_per_point_are_columns()
    {
        // NIST Nelson: log(y) = b1 - b2*x1*exp(-b3*x2)
        double[] x1 = [1, 1, 2, 2, 4, 4, 8, 8, 16, 16];
        double[] x2 = [180, 225, 180, 225, 250, 275, 180, 225, 250, 275];
        double[] p = [2.5, 5e-9, -5e-2];
        double[] logY = x1.Select((a, i) => p[0] - p[1] * a * Math.Exp(-p[2] * x2[i])).ToArray();
        var e = E.Parse("b1 - b2*x1*exp(-b3*x2)");
        var model = ExpressionModel.Create(e, ["x1", "x2"], [x1, x2], logY);
        Assert.Equal(new[] { "b1", "b2", "b3" }, model.ParameterNames);
        Assert.Equal([4.0, 250.0], model.PointVariables(4).ToArray());
        var r = new double[x1.Length];
        model.Evaluate(p, r, null);
        Assert.All(r, v => Assert.True(Math.Abs(v) < 1e-12));
        AssertPassed(JacobianCheck.Run(model, [2.4, 4e-9, -4.9e-2]));
        // parameter order can be chosen
        var reordered = ExpressionModel.Create(e, ["x1", "x2"], [x1, x2], logY, parameters: ["b3", "b1", "b2"]);
        Assert.Equal(0, reordered.ParameterIndex("b3"));
        Assert.Equal(-1, reordered.ParameterIndex("zz"));
    }

    [Fact]
    public void Bad_data_gets_a_message_naming_the_cause()
    {
        double[] x = [1, 2, 3], y = [1, 2, 3];
        Assert.Contains("y has 2", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x", x, [1, 2])).Message);
        Assert.Contains("y[1] = NaN", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x", x, [1, double.NaN, 3])).Message);
        Assert.Contains("x[2] = ", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x", [1, 2, double.PositiveInfinity], y)).Message);
        Assert.Contains("weights[0]", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x", x, y, [-1, 1, 1])).Message);
        Assert.Contains("3 points", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x", x, y, [1, 1])).Message);
        Assert.Contains("no parameters", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("2*x", x, y)).Message);
        Assert.Contains("'c'", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x + c", x, y, parameters: ["b1"])).Message);
        Assert.Throws<ExpressionParseException>(() => ExpressionModel.Create("b1*x +", x, y));
        Assert.Contains("no data", Assert.Throws<ArgumentException>(() => ExpressionModel.Create("b1*x", [], [])).Message);
        var model = ExpressionModel.Create("b1*x", x, y);
        Assert.Throws<ArgumentException>(() => model.Evaluate([1, 2], new double[3], null));
        Assert.Throws<ArgumentException>(() => model.Evaluate([1], new double[3], new DenseMatrix(3, 2)));
    }
}
