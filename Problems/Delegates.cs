namespace Optima.Problems;

/// <summary>f(x): a plain scalar function.</summary>
public delegate double ValueFunction(ReadOnlySpan<double> x);

/// <summary>f(x) with its gradient written into <paramref name="gradient"/>; returns f(x).</summary>
public delegate double ValueAndGradientFunction(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Residuals r(p) written into <paramref name="residuals"/>.</summary>
public delegate void ResidualFunction(ReadOnlySpan<double> parameters, Span<double> residuals);
