namespace Optima.Solvers;

/// <summary>Counts evaluations during a run. Methods increment it each time they call into the problem.</summary>
public sealed class EvaluationCounter
{
    /// <summary>Value-only evaluations f(x).</summary>
    public long Values;
    /// <summary>Value-and-gradient evaluations.</summary>
    public long Gradients;
    /// <summary>Full Hessian evaluations.</summary>
    public long Hessians;
    /// <summary>Hessian-vector products.</summary>
    public long HessianVectorProducts;
    /// <summary>Residual evaluations without Jacobian.</summary>
    public long Residuals;
    /// <summary>Residual-and-Jacobian evaluations.</summary>
    public long Jacobians;

    /// <summary>Evaluations that count against <see cref="RunOptions.MaxEvaluations"/>: f, f+∇f, r and r+J calls.</summary>
    public long Objective => Values + Gradients + Residuals + Jacobians;

    /// <summary>An immutable snapshot.</summary>
    public EvaluationCounts Snapshot() => new(Values, Gradients, Hessians, HessianVectorProducts, Residuals, Jacobians);
}

/// <summary>Evaluation counts reported in a result.</summary>
/// <param name="Values">f(x) alone.</param>
/// <param name="Gradients">f(x) with ∇f(x).</param>
/// <param name="Hessians">∇²f(x).</param>
/// <param name="HessianVectorProducts">∇²f(x)·v.</param>
/// <param name="Residuals">r(x) alone.</param>
/// <param name="Jacobians">r(x) with J(x).</param>
public readonly record struct EvaluationCounts(
    long Values, long Gradients, long Hessians, long HessianVectorProducts, long Residuals, long Jacobians)
{
    /// <summary>Objective evaluations of any kind (f, f+∇f, r, r+J).</summary>
    public long Objective => Values + Gradients + Residuals + Jacobians;

    /// <summary>Only the nonzero counts, e.g. "f 12, ∇f 10, ∇²f 3".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Values > 0) parts.Add($"f {Values}");
        if (Gradients > 0) parts.Add($"∇f {Gradients}");
        if (Hessians > 0) parts.Add($"∇²f {Hessians}");
        if (HessianVectorProducts > 0) parts.Add($"Hv {HessianVectorProducts}");
        if (Residuals > 0) parts.Add($"r {Residuals}");
        if (Jacobians > 0) parts.Add($"J {Jacobians}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
