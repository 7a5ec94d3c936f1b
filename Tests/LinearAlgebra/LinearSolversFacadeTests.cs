using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

public class LinearSolversFacadeTests
{
    private sealed class Laplacian1D(int n) : ILinearOperator
    {
        public int Rows => n;
        public int Columns => n;
        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < n; i++)
                y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i < n - 1 ? x[i + 1] : 0);
        }
    }

    [Theory]
    [InlineData("lu")]
    [InlineData("qr")]
    [InlineData("cholesky")]
    [InlineData("modified-cholesky")]
    [InlineData("jacobi")]
    [InlineData("gauss-seidel")]
    [InlineData("sor")]
    [InlineData("ssor")]
    [InlineData("cg")]
    [InlineData("pcg")]
    public void EveryMethod_ByName_SolvesAnSpdSystem(string name)
    {
        Assert.True(LinearSolvers.TryParseMethod(name, out var kind));
        Assert.Equal(name, LinearSolvers.NameOf(kind));
        var a = Generators.DiagonallyDominant(80, 17, symmetric: true);
        var b = Generators.Vector(80, 4);
        foreach (var pre in Preconditioners.Names)
        {
            var res = LinearSolvers.Solve(a, b, new LinearSolveOptions { Method = kind, Preconditioner = pre, Tolerance = 1e-10, Omega = 1.1 });
            Assert.True(res.IsConverged, $"{res.MethodDescription}: {res.Reason} {res.Note}");
            Assert.True(res.RelativeResidual <= 1e-9, $"{res.MethodDescription}: {res.RelativeResidual}");
            Assert.Equal(kind, res.Method);
            Assert.Equal(LinearSolvers.IsIterative(kind), res.Iterations > 0);
            if (!LinearSolvers.IsIterative(kind)) Assert.NotNull(res.ConditionEstimate);
            var dense = LinearSolvers.Solve(a.ToDense(), b, new LinearSolveOptions { Method = kind, Preconditioner = pre, Tolerance = 1e-10, Omega = 1.1 });
            Assert.True(Generators.MaxAbsDiff(dense.Solution, res.Solution) < 1e-8);
            if (kind != LinearSolverKind.PreconditionedConjugateGradient) break;
        }
    }

    [Fact]
    public void Parsing_AcceptsAliases_AndRejectsUnknown()
    {
        Assert.True(LinearSolvers.TryParseMethod("GS", out var k));
        Assert.Equal(LinearSolverKind.GaussSeidel, k);
        Assert.True(LinearSolvers.TryParseMethod("ConjugateGradient", out k));
        Assert.Equal(LinearSolverKind.ConjugateGradient, k);
        Assert.False(LinearSolvers.TryParseMethod("gmres", out _));
        Assert.False(LinearSolvers.TryParseMethod("", out _));
        Assert.Equal("ic0", Preconditioners.Find("IC(0)")?.Name);
        Assert.Null(Preconditioners.Find("ilu"));
        Assert.Contains("Known preconditioners: none, jacobi, ssor, ic0", Assert.Throws<ArgumentException>(() => Preconditioners.Get("ilu")).Message);
        Assert.Equal(10, LinearSolvers.MethodNamesList.Count);
    }

    [Fact]
    public void SingularMatrix_IsAResultStatus_NamingTheColumn()
    {
        var a = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 1, 2 }, { 2, 4 } }));
        var res = LinearSolvers.Solve(a, [1.0, 2.0], new LinearSolveOptions { Method = LinearSolverKind.Lu });
        Assert.Equal(TerminationReason.NumericalFailure, res.Reason);
        Assert.Contains("column 1", res.Note);
        Assert.False(res.IsConverged);
        var ch = LinearSolvers.Solve(a, [1.0, 2.0], new LinearSolveOptions { Method = LinearSolverKind.Cholesky });
        Assert.Equal(TerminationReason.NumericalFailure, ch.Reason);
        Assert.Contains("not positive definite", ch.Note);
    }

    [Theory]
    [InlineData("ic0")]
    [InlineData("jacobi")]
    public void Pcg_OnAnIndefiniteMatrix_IsABreakdownResult_NotAnException(string preconditioner)
    {
        // IC(0) breaks down for every diagonal shift on [[1, 1e12], [1e12, 1]]; a negative diagonal defeats both.
        var options = new LinearSolveOptions { Method = LinearSolverKind.PreconditionedConjugateGradient, Preconditioner = preconditioner };
        var hopeless = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 1, 1e12 }, { 1e12, 1 } }));
        if (preconditioner == "ic0")
        {
            var r = LinearSolvers.Solve(hopeless, [1.0, 1.0], options);
            Assert.Equal(TerminationReason.NumericalFailure, r.Reason);
            Assert.Contains("IC(0) broke down", r.Note);
            Assert.False(r.IsConverged);
        }
        var negative = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 2, 1 }, { 1, -3 } }));
        var n = LinearSolvers.Solve(negative, [1.0, 1.0], options);
        Assert.Equal(TerminationReason.NumericalFailure, n.Reason);
        Assert.Contains("row 1", n.Note);
        Assert.Equal(2, n.Solution.Length);
    }

    [Fact]
    public void ModifiedCholesky_OnIndefinite_ReportsTheShift()
    {
        var a = DenseMatrix.FromRows(new double[,] { { 1, 2 }, { 2, 1 } });
        var res = LinearSolvers.Solve(a, [1.0, 1.0], new LinearSolveOptions { Method = LinearSolverKind.ModifiedCholesky });
        Assert.True(res.IsConverged);
        Assert.Contains("(A + E)x = b", res.Note);
    }

    [Fact]
    public void Qr_OnTallMatrix_SolvesLeastSquares_OthersNeedSquare()
    {
        var a = Generators.Random(30, 5, 2);
        var b = Generators.Vector(30, 3);
        var res = LinearSolvers.Solve(a, b, new LinearSolveOptions { Method = LinearSolverKind.Qr });
        Assert.True(res.IsConverged);
        Assert.Equal(5, res.Solution.Length);
        Assert.True(res.RelativeResidual > 0 && res.RelativeResidual < 1);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(a, b, new LinearSolveOptions { Method = LinearSolverKind.Lu })).ParamName);
    }

    [Fact]
    public void MatrixFree_Cg_Works_DirectNeedsEntries()
    {
        var op = new Laplacian1D(50);
        var b = Generators.Vector(50, 1);
        var res = LinearSolvers.Solve(op, b, new LinearSolveOptions { Method = LinearSolverKind.ConjugateGradient });
        Assert.True(res.IsConverged);
        Assert.True(res.Iterations <= 50);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(op, b, new LinearSolveOptions { Method = LinearSolverKind.Lu })).ParamName);
    }

    [Fact]
    public void BadInput_And_BadOptions_AreArgumentExceptions()
    {
        var a = CsrMatrix.Identity(3);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(a, new double[2])).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(a, [1.0, double.NaN, 1])).ParamName);
        Assert.Equal("Tolerance", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(a, new double[3], new LinearSolveOptions { Tolerance = -1e-3 })).ParamName);
        Assert.Equal("Omega", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(a, new double[3], new LinearSolveOptions { Omega = 0 })).ParamName);
        var nan = CsrMatrix.FromCoordinates(2, 2, [0, 1], [0, 1], [1.0, double.NaN]);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => LinearSolvers.Solve(nan, new double[2])).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() =>
            LinearSolvers.Solve(CsrMatrix.Identity(30), new double[30], new LinearSolveOptions { MaxDenseOrder = 10 })).ParamName);
    }

    [Fact]
    public void Iterative_AtTheLimit_ReportsMaxIterations_WithHistory()
    {
        var a = CsrMatrix.Poisson2D(20, 20);
        var b = Generators.Vector(a.Rows, 2);
        var res = LinearSolvers.Solve(a, b, new LinearSolveOptions { Method = LinearSolverKind.Jacobi, MaxIterations = 5, RecordHistory = true });
        Assert.Equal(TerminationReason.MaxIterations, res.Reason);
        Assert.Equal(5, res.Iterations);
        Assert.Equal(6, res.ResidualHistory!.Count);
    }
}
