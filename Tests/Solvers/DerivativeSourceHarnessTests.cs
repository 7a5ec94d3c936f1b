using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Library;
using Optima.Solvers;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>
/// DESIGN's harness over the catalogue × derivative sources: every library problem is minimised by L-BFGS three
/// times — with its hand-written gradient, with the exact autodiff gradient of its generic definition, and with
/// central finite differences — and the three runs must end at the same value.
/// </summary>
public class DerivativeSourceHarnessTests
{
    /// <summary>The small library problems with a minimum (the saddles are unbounded below: nothing to converge to).</summary>
    public static TheoryData<string> Problems() => new(TestProblems.Names.Where(n => TestProblems.Get(n) is { Dimension: <= 12, KnownMinimum: not null }));

    [Theory]
    [MemberData(nameof(Problems))]
    public void Analytic_autodiff_and_finite_difference_gradients_lead_LBFGS_to_the_same_place(string name)
    {
        var p = TestProblems.Get(name);
        double[] start = p.StandardStart();
        var options = new SolverOptions { GradientTolerance = 1e-7, MaxIterations = 3000 };
        var analytic = Methods.Minimize("lbfgs", (IGradientObjective)p, start, options);
        var autodiff = Methods.Minimize("lbfgs", AutoDiffObjective.Create(p), start, options);
        // Finite differences cannot resolve gradients below ~ε^(2/3)·scale: compare values with a looser test.
        var differences = Methods.Minimize("lbfgs", new FiniteDifferenceObjective(p), start, options with { GradientTolerance = 1e-5 });

        double scale = Math.Max(1, Math.Abs(analytic.Value));
        // Exact derivatives: the same arithmetic up to rounding, so the same iterates and the same end.
        Assert.True(Math.Abs(analytic.Value - autodiff.Value) <= 1e-9 * scale,
            $"{name}: analytic {analytic.Brief()} vs autodiff {autodiff.Brief()}");
        if (analytic.IsConverged && p.KnownMinimum is { } fStar && Math.Abs(analytic.Value - fStar) <= 1e-6 * Math.Max(1, Math.Abs(fStar)))
        {
            // Where the analytic run found the minimum, the finite-difference run gets close to it too.
            Assert.True(differences.IsUsable || differences.Reason == TerminationReason.LineSearchFailed, $"{name}: {differences.Brief()}");
            // A line search that found no descent along a finite-difference gradient stops where the difference
            // error swamps ∇f: on Meyer (x₁ ≈ 0.0056 differenced with a step of ε^(1/3)·max(|x₁|, 1)) that is 5e-4
            // relative above f*, the same bits on every CPU since reductions have one order; elsewhere within 1e-4.
            double tolerance = differences.Reason == TerminationReason.LineSearchFailed ? 1e-3 : 1e-4;
            Assert.True(Math.Abs(differences.Value - fStar) <= tolerance * Math.Max(1, Math.Abs(fStar)) + 1e-8,
                $"{name}: finite differences {differences.Brief()} vs f* = {fStar}");
        }
    }
}
