namespace Optima.Solvers;

/// <summary>One row of a run's history, also sent to <see cref="SolverOptions.Progress"/>.</summary>
/// <param name="Iteration">Iteration number; 0 is the starting point.</param>
/// <param name="Value">f at the iterate.</param>
/// <param name="GradientNorm">‖∇f‖∞ at the iterate (NaN when the method does not compute gradients).</param>
/// <param name="StepNorm">‖x_k − x_{k−1}‖∞ (0 at iteration 0 and after a rejected step).</param>
/// <param name="StepSize">The method's step parameter: line-search α, trust-region radius, learning rate, LM λ …</param>
/// <param name="Evaluations">Objective evaluations so far.</param>
/// <param name="ElapsedSeconds">Wall time since the start of the run.</param>
/// <param name="Point">A copy of the iterate when <see cref="SolverOptions.RecordPath"/> is set, otherwise null.</param>
public readonly record struct IterationRecord(
    int Iteration,
    double Value,
    double GradientNorm,
    double StepNorm,
    double StepSize,
    long Evaluations,
    double ElapsedSeconds,
    double[]? Point);
