using System.CommandLine;
using System.Globalization;
using Optima.Cli.Plotting;
using Optima.Problems.Data;
using Optima.Problems;
using Optima.Problems.Expressions;
using Optima.Solvers.Fitting;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command FitCommand(CliContext context)
    {
        var json = JsonOption();
        var file = new Argument<string>("data") { Description = "CSV file: a header row of column names (each starting with a letter), or no header and the columns x, y[, σ]." };
        var model = new Option<string>("--model") { Description = "The model, e.g. \"b1*(1-exp(-b2*x))\"; identifiers that are not data columns are parameters. Or a sum of built-in models (gaussian, lorentzian, pseudovoigt, exponential, logistic, step, powerlaw, polynomialN, linear, constant), e.g. \"gaussian+linear\", whose start values are guessed from the data.", Required = true };
        var start = new Option<string?>("--start") { Description = "Start values of every parameter: b1=500,b2=1e-4. For built-in models optional: the values given replace those guessed from the data." };
        var xCol = new Option<string?>("--x") { Description = "The x column(s) by name or 1-based number, comma-separated for several variables (default: 'x', else the first column)." };
        var yCol = new Option<string?>("--y") { Description = "The y column by name or number (default: 'y', else the second column)." };
        var sigmaCol = new Option<string?>("--sigma") { Description = "A column of standard deviations σ > 0 (default: a column named 'sigma', or the third column of a file without header)." };
        var weightsCol = new Option<string?>("--weights") { Description = "A column of statistical weights W ≥ 0 (Σ W(y − f)² is minimised)." };
        var bounds = new Option<string?>("--bounds") { Description = "Parameter bounds: b2=0:1,b1=-inf:1000 (an empty end is unbounded)." };
        var fix = new Option<string?>("--fix") { Description = "Parameters held at their start value: b1,b3." };
        var loss = new Option<string?>("--loss") { Description = "Robust loss with scale: huber:1.0, soft_l1:0.5, cauchy:2, arctan:1 (default: least squares)." };
        var method = new Option<string>("--method") { Description = "lm (Levenberg–Marquardt, default), gn (Gauss-Newton) or dogleg.", DefaultValueFactory = _ => "lm" };
        var confidence = new Option<double>("--confidence") { Description = "Confidence level of the parameter intervals.", DefaultValueFactory = _ => 0.95 };
        var plot = new Option<string?>("--plot") { Description = "Write an SVG with data, fitted curve and residuals." };
        var threads = new Option<int>("--threads") { Description = "Threads for large fits (from 4096 points): 0 = all cores (default), 1 = one thread, k = at most k. Same result on any count.", DefaultValueFactory = _ => 0 };
        var absoluteSigma = new Option<bool>("--absolute-sigma") { Description = "Take σ as absolute measurement errors: cov = (JᵀWJ)⁻¹, not scaled by the reduced χ² (scipy's absolute_sigma=True, lmfit's scale_covar=False)." };
        var maxIterations = new Option<int?>("--max-iterations") { Description = "Iteration limit (default 2000); a fit stopped by it is reported with its best parameters and exit code 1." };
        var ftol = new Option<double?>("--ftol") { Description = "Relative reduction of the sum of squares below which the fit has converged (default 0: off)." };
        var xtol = new Option<double?>("--xtol") { Description = "Relative step ‖Δp‖∞/‖p‖∞ below which the fit has converged (default 1e-15)." };
        var gtol = new Option<double?>("--gtol") { Description = "‖∇S‖∞ relative to its start value below which the fit has converged (default 0: off)." };
        var timeLimit = new Option<double?>("--time-limit") { Description = "Wall-clock limit in seconds; the best parameters so far are reported." };
        var bandsFile = new Option<string?>("--bands") { Description = "Write confidence and prediction bands (delta method, at --confidence) on a grid of 200 x values over the data to this CSV: x, fit, confidence lower/upper, prediction lower/upper. Also drawn in --plot." };
        var group = new Option<string?>("--group") { Description = "Global fit: the column whose values split the rows into data sets fitted together. Mark per-group parameters with {g} (--model \"a{g}*exp(-k*x) + c{g}\" gives a1, c1, a2, c2 … and one shared k); --start a=…,k=…,c=… applies to every group (a2=… sets one)." };
        var profile = new Option<string?>("--profile") { Description = "Profile-likelihood confidence intervals at --confidence (lmfit's conf_interval: each parameter held at trial values while the others are re-fitted, F-test) for these parameters: b1,b2, or 'all' for every free one. Beside the covariance-based intervals; they differ where the model is strongly nonlinear." };
        var fittedFile = new Option<string?>("--fitted") { Description = "Write the data with fitted values and residuals to this CSV: the x column(s), y, fit, residual (y − fit)[, σ]." };
        var posterior = new Option<bool>("--posterior") { Description = "Also sample the parameters' posterior by MCMC around the fit (lmfit's emcee model: Gaussian errors, flat priors within --bounds, the noise scale sampled unless --absolute-sigma): posterior mean, sd and credible interval at --confidence per parameter." };
        var posteriorSamples = new Option<int>("--samples") { Description = "With --posterior: kept draws per chain (4 chains, as many warm-up iterations).", DefaultValueFactory = _ => 1000 };
        var posteriorMethod = new Option<string>("--posterior-method") { Description = "With --posterior: hmc (Hamiltonian Monte Carlo with the model's Jacobian, default) or mh (adaptive Metropolis–Hastings).", DefaultValueFactory = _ => "hmc" };
        var seed = new Option<ulong>("--seed") { Description = "With --posterior: the sampler's seed (same seed, same draws).", DefaultValueFactory = _ => 1 };
        var corner = new Option<string?>("--corner") { Description = "With --posterior: write a corner plot of the posterior draws (fit estimates marked) to this SVG." };
        var command = new Command("fit", "Fit a model expression to CSV data by nonlinear least squares: parameters, standard errors, confidence intervals, fit statistics.")
            { file, model, start, xCol, yCol, sigmaCol, weightsCol, bounds, fix, loss, method, confidence, plot, threads,
              absoluteSigma, maxIterations, ftol, xtol, gtol, timeLimit, bandsFile, fittedFile, profile, group, posterior, posteriorSamples,
              posteriorMethod, seed, corner, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            var table = CsvTable.Read(path);
            int? groupIndex = parse.GetValue(group) is { } gc ? table.Column(gc, "--group") : null;
            var fitModel = groupIndex is null ? FitModel.Parse(parse.GetValue(model)!, "--model") : null;

            // Columns: x (one or several), y, σ or weights.
            int[] xIndex = parse.GetValue(xCol) is { } xs
                ? [.. xs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => table.Column(c, "--x"))]
                : [table.IndexOf("x") ?? 0];
            int yIndex = parse.GetValue(yCol) is { } ys ? table.Column(ys, "--y") : table.IndexOf("y") ?? 1;
            if (yIndex >= table.Names.Length) throw new ArgumentException($"{path} has only {table.Names.Length} column(s); a y column is needed.");
            int? sigmaIndex = parse.GetValue(sigmaCol) is { } ss ? table.Column(ss, "--sigma") : null;
            int? weightIndex = parse.GetValue(weightsCol) is { } ws ? table.Column(ws, "--weights") : null;
            if (sigmaIndex is not null && weightIndex is not null) throw new ArgumentException("Give --sigma or --weights, not both.");
            if (sigmaIndex is null && weightIndex is null)
                sigmaIndex = table.HasHeader ? table.IndexOf("sigma") ?? table.IndexOf("σ") : table.Names.Length >= 3 ? 2 : null;

            string[] variables = fitModel?.Variables([.. xIndex.Select(i => table.Names[i])]) ?? [table.Names[xIndex[0]]];
            fitModel?.Parameters(variables, "--model");
            string? startText = parse.GetValue(start);
            if (startText is null && fitModel?.BuiltIn is null)
                throw new ArgumentException("--start is required for a model expression (it is optional only for built-in models such as --model gaussian+linear, whose start values are guessed from the data).");
            var givenStart = startText is null ? null : FitModel.ParseAssignments(startText, "--start");

            var posteriorRequest = PosteriorRequest.From(parse.GetValue(posterior), parse.GetValue(posteriorSamples), parse.GetValue(posteriorMethod)!,
                parse.GetValue(seed), parse.GetValue(corner), parse.GetValue(threads));
            int threadCount = parse.GetValue(threads);
            if (threadCount < 0) throw new ArgumentException($"--threads must be 0 (all cores) or a positive count, not {threadCount}.");
            var options = new FitOptions
            {
                // --threads 0 is all cores; the library's convention is null = automatic, k = at most k.
                Compute = new() { Threads = threadCount == 0 ? Environment.ProcessorCount : threadCount },
                Method = parse.GetValue(method)!.ToLowerInvariant() switch
                {
                    "lm" or "levenberg-marquardt" => FitMethod.LevenbergMarquardt,
                    "gn" or "gauss-newton" => FitMethod.GaussNewton,
                    "dogleg" => FitMethod.Dogleg,
                    var other => throw new ArgumentException($"Unknown --method '{other}'. Known methods: lm, gn, dogleg."),
                },
                ConfidenceLevel = parse.GetValue(confidence),
                CancellationToken = context.Cancellation,
                Progress = context.SlowRunProgress("fit"),
                Sigma = sigmaIndex is { } si ? table.Values(si) : null,
                Weights = weightIndex is { } wi ? table.Values(wi) : null,
                Loss = parse.GetValue(loss) is { } l ? RobustLoss.Parse(l) : RobustLoss.None,
                Fixed = parse.GetValue(fix) is { } f ? f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
                Bounds = parse.GetValue(bounds) is { } b ? FitModel.ParseBounds(b, "--bounds") : null,
                AbsoluteSigma = parse.GetValue(absoluteSigma),
                MaxIterations = parse.GetValue(maxIterations) is { } mi ? (mi > 0 ? mi : throw new ArgumentException($"--max-iterations must be positive, not {mi}.")) : 2000,
                FunctionTolerance = NonNegative(parse.GetValue(ftol), "--ftol") ?? 0,
                StepTolerance = NonNegative(parse.GetValue(xtol), "--xtol") ?? 1e-15,
                RelativeGradientTolerance = NonNegative(parse.GetValue(gtol), "--gtol") ?? 0,
                TimeLimit = parse.GetValue(timeLimit) is { } tl
                    ? (tl > 0 && double.IsFinite(tl) ? TimeSpan.FromSeconds(tl) : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--time-limit must be a positive number of seconds, not {tl}.")))
                    : null,
            };
            if (options.AbsoluteSigma && options.Sigma is null && sigmaIndex is null)
                throw new ArgumentException("--absolute-sigma needs σ: a column named 'sigma', a third column, or --sigma COL.");
            if (options.Sigma is { } sigma)
                for (int i = 0; i < sigma.Length; i++)
                    if (!(sigma[i] > 0))
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{path}, line {table.Lines[i]}: σ = {sigma[i]} must be > 0."));
            var columns = xIndex.Select(table.Values).ToArray();
            var y = table.Values(yIndex);
            if (groupIndex is { } gi)
                return FitGroups(context, path, table, gi, xIndex, yIndex, sigmaIndex, givenStart!, options,
                    parse.GetValue(model)!, parse.GetValue(plot), parse.GetValue(bandsFile), parse.GetValue(fittedFile), parse.GetValue(profile), parse.GetValue(json),
                    posteriorRequest);
            var startValues = fitModel!.Start(variables, columns, y, givenStart, "--start");
            var fit = CurveFit.Fit(fitModel, variables, columns, y, startValues, options);

            var profiles = Profiles(fit, parse.GetValue(profile));
            var sampled = posteriorRequest?.Run(fit, context);

            bool scalarModel = variables.Length == 1;
            FitBands? grid = null;
            double[]? gridX = null;
            if (scalarModel && (parse.GetValue(bandsFile) is not null || parse.GetValue(plot) is not null))
            {
                gridX = Grid(columns[0], 200);
                grid = fit.Bands(gridX);
            }
            if (parse.GetValue(bandsFile) is { } bandsPath)
            {
                if (grid is null) throw new ArgumentException("--bands needs a model of one variable (x); for several variables use the library's FitResult.Bands.");
                WriteBandsCsv(bandsPath, variables[0], gridX!, grid);
            }
            if (parse.GetValue(fittedFile) is { } fittedPath)
                WriteFittedCsv(fittedPath, [.. xIndex.Select(i => table.Names[i])], columns, table.Names[yIndex], y, fit, options.Sigma);
            if (parse.GetValue(plot) is { } plotPath) WriteFitPlot(plotPath, fit, columns[0], y, variables[0], table.Names[yIndex], scalarModel, options.Sigma, gridX, grid,
                    predictionBand: options.Sigma is null && options.Weights is null);
            if (parse.GetValue(json)) context.WriteJson(FitJson(fit, path, plotPath: parse.GetValue(plot), profiles, sampled));
            else
            {
                context.Out.WriteLine($"data                   {path} ({y.Length} points; x = {string.Join(", ", xIndex.Select(i => table.Names[i]))}, y = {table.Names[yIndex]}{(sigmaIndex is { } s2 ? ", σ = " + table.Names[s2] : "")}{(weightIndex is { } w2 ? ", weights = " + table.Names[w2] : "")})");
                context.Out.Write(fit.FullReport());
                if (profiles is not null) WriteProfiles(context.Out, profiles);
                if (sampled is not null) context.Out.Write(sampled.Report());
                if (posteriorRequest?.CornerPath is { } cp) context.Out.WriteLine($"corner plot written to {cp}");
                if (parse.GetValue(plot) is { } written) context.Out.WriteLine($"plot written to        {written}");
            }
            return fit.IsConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    private static IReadOnlyList<ProfileInterval>? Profiles(FitResult fit, string? text)
    {
        if (text is null) return null;
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new ArgumentException("--profile needs parameter names (b1,b2) or 'all'.");
        return fit.ProfileIntervals(names is ["all"] ? null : names);
    }

    /// <summary>
    /// optima fit --group: one data set per value of the group column (in order of first appearance), fitted together by
    /// <see cref="CurveFit.FitGlobal"/>; the model marks per-group parameters with {g}.
    /// </summary>
    private static int FitGroups(CliContext context, string path, CsvTable table, int groupColumn, int[] xIndex, int yIndex,
        int? sigmaIndex, Dictionary<string, double> start, FitOptions options, string template, string? plotPath, string? bandsPath,
        string? fittedPath, string? profileText, bool json, PosteriorRequest? posteriorRequest)
    {
        if (xIndex.Length != 1) throw new ArgumentException("--group takes one x column.");
        string xName = table.Names[xIndex[0]], yName = table.Names[yIndex];
        var grouped = GroupedModel.Parse(template, xName);
        var groupValues = table.Values(groupColumn);
        var labelOf = groupValues.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        var labels = labelOf.Distinct().ToArray();
        var x = table.Values(xIndex[0]);
        var y = table.Values(yIndex);
        var sigma = options.Sigma;
        // The rows of each group, in file order; the fit's points are the groups one after another.
        var order = labels.SelectMany(l => Enumerable.Range(0, y.Length).Where(i => labelOf[i] == l)).ToArray();
        var groups = labels.Select(l =>
        {
            var rows = Enumerable.Range(0, y.Length).Where(i => labelOf[i] == l).ToArray();
            return (l, rows.Select(i => x[i]).ToArray(), rows.Select(i => y[i]).ToArray(), sigma is null ? null : rows.Select(i => sigma[i]).ToArray());
        }).ToArray();
        var (sets, values) = grouped.Expand(groups, start, xName);
        var fit = CurveFit.FitGlobal(sets, values, options with { Sigma = null });
        var profiles = Profiles(fit, profileText);
        var sampled = posteriorRequest?.Run(fit, context);

        var gridX = Grid(x, 200);
        var bands = labels.Select((_, s) => fit.Bands([[.. gridX.Select(_ => (double)s)], gridX])).ToArray();
        if (bandsPath is not null)
        {
            var ci = CultureInfo.InvariantCulture;
            using var w = new StreamWriter(bandsPath);
            w.WriteLine($"# delta-method bands at {(fit.ConfidenceLevel * 100).ToString("G4", ci)}% per group of the global fit (see optima fit --help)");
            w.WriteLine($"{table.Names[groupColumn]},{xName},fit,confidence_lower,confidence_upper,prediction_lower,prediction_upper");
            for (int s = 0; s < labels.Length; s++)
                for (int i = 0; i < gridX.Length; i++)
                {
                    var b = bands[s];
                    w.WriteLine(string.Create(ci, $"{labels[s]},{gridX[i]:R},{b.Values[i]:R},{b.ConfidenceLower[i]:R},{b.ConfidenceUpper[i]:R},{b.PredictionLower[i]:R},{b.PredictionUpper[i]:R}"));
                }
        }
        if (fittedPath is not null)
            WriteFittedCsv(fittedPath, [table.Names[groupColumn], xName], [[.. order.Select(i => groupValues[i])], [.. order.Select(i => x[i])]],
                yName, [.. order.Select(i => y[i])], fit, sigma is null ? null : [.. order.Select(i => sigma[i])]);
        if (plotPath is not null)
        {
            var plot = new SvgPlot { Title = $"{yName} = {template} (global fit, {labels.Length} groups)", XLabel = xName, YLabel = yName };
            for (int s = 0; s < labels.Length; s++)
            {
                plot.AddScatter($"{table.Names[groupColumn]} = {labels[s]}", sets[s].X, sets[s].Y);
                plot.AddLine("", gridX, bands[s].Values);
            }
            var residuals = new SvgPlot { Title = "residuals y − f", XLabel = xName, YLabel = "residual" };
            int first = 0;
            for (int s = 0; s < labels.Length; s++)
            {
                residuals.AddScatter(labels[s], sets[s].X, fit.Residuals[first..(first + sets[s].Y.Length)]);
                first += sets[s].Y.Length;
            }
            residuals.AddLine("zero", [x.Min(), x.Max()], [0.0, 0.0], dashed: true);
            new SvgFigure().Add(plot, 2).Add(residuals, 1).Save(plotPath);
        }
        if (json) context.WriteJson(FitJson(fit, path, plotPath, profiles, sampled));
        else
        {
            context.Out.WriteLine($"data                   {path} ({y.Length} points in {labels.Length} groups by {table.Names[groupColumn]}; x = {xName}, y = {yName}{(sigmaIndex is { } s2 ? ", σ = " + table.Names[s2] : "")})");
            context.Out.Write(fit.FullReport());
            if (profiles is not null) WriteProfiles(context.Out, profiles);
            if (sampled is not null) context.Out.Write(sampled.Report());
            if (posteriorRequest?.CornerPath is { } cp) context.Out.WriteLine($"corner plot written to {cp}");
            if (plotPath is not null) context.Out.WriteLine($"plot written to        {plotPath}");
        }
        return fit.IsConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
    }

    private static void WriteProfiles(TextWriter o, IReadOnlyList<ProfileInterval> profiles)
    {
        var ci = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(ci, $"profile-likelihood intervals at {profiles[0].Level * 100:G4}% (F-test, as lmfit's conf_interval), beside the covariance-based ones:"));
        o.WriteLine("  parameter          lower            upper            covariance lower  covariance upper  re-fits");
        foreach (var p in profiles)
        {
            o.WriteLine(string.Create(ci, $"  {p.Parameter,-18} {End(p.Lower, p.LowerOpen),-16} {End(p.Upper, p.UpperOpen),-16} {p.CovarianceLower,-17:G9} {p.CovarianceUpper,-17:G9} {p.Fits}"));
            if (p.Message is not null) o.WriteLine($"    {p.Parameter}: {p.Message}");
        }

        static string End(double value, bool open) => value.ToString("G9", CultureInfo.InvariantCulture) + (open ? " (open)" : "");
    }

    private static object FitJson(FitResult fit, string data, string? plotPath, IReadOnlyList<ProfileInterval>? profiles, FitPosterior? sampled = null)
    {
        int p = fit.Parameters.Length;
        return new
        {
            data,
            model = fit.Model,
            method = fit.Method,
            derivatives = fit.Derivatives,
            loss = fit.Loss.ToString(),
            converged = fit.IsConverged,
            reason = fit.Reason,
            message = fit.Message,
            parameters = Enumerable.Range(0, p).Select(k => new
            {
                name = fit.ParameterNames[k],
                value = fit.Parameters[k],
                start = fit.Start[k],
                standardError = fit.StandardErrors[k],
                lower = fit.LowerConfidence[k],
                upper = fit.UpperConfidence[k],
                @fixed = fit.IsFixed[k],
                atBound = fit.AtBound[k],
            }).ToArray(),
            confidenceLevel = fit.ConfidenceLevel,
            tQuantile = fit.TQuantile,
            covariance = ToRows(fit.Covariance),
            correlation = ToRows(fit.Correlation),
            residualSumOfSquares = fit.ResidualSumOfSquares,
            cost = fit.Cost,
            initialCost = fit.InitialCost,
            reducedChiSquare = fit.ReducedChiSquare,
            residualStandardDeviation = fit.ResidualStandardDeviation,
            rSquared = fit.RSquared,
            aic = fit.Aic,
            bic = fit.Bic,
            degreesOfFreedom = fit.DegreesOfFreedom,
            points = fit.Points,
            iterations = fit.Iterations,
            evaluations = new { residuals = fit.Evaluations.Residuals, jacobians = fit.Evaluations.Jacobians },
            gradientCosine = fit.GradientCosine,
            jacobianRank = fit.JacobianRank,
            seconds = fit.Elapsed.TotalSeconds,
            fitted = fit.FittedValues,
            residuals = fit.Residuals,
            plot = plotPath,
            profile = profiles?.Select(p => new
            {
                name = p.Parameter,
                level = p.Level,
                lower = p.Lower,
                upper = p.Upper,
                lowerOpen = p.LowerOpen,
                upperOpen = p.UpperOpen,
                covarianceLower = p.CovarianceLower,
                covarianceUpper = p.CovarianceUpper,
                refits = p.Fits,
                message = p.Message,
            }).ToArray(),
            posterior = sampled is null ? null : new
            {
                method = sampled.Sampling.Method,
                chains = sampled.Sampling.Chains,
                samples = sampled.Sampling.Draws,
                warmup = sampled.Sampling.Warmup,
                level = sampled.Level,
                sigmaSampled = sampled.SigmaSampled,
                sigma = new { mean = sampled.Sigma.Mean, lower = sampled.Sigma.Lower, upper = sampled.Sigma.Upper },
                parameters = sampled.Parameters.Select(p => new
                {
                    name = p.Name,
                    estimate = p.Estimate,
                    standardError = p.StandardError,
                    mean = p.Mean,
                    sd = p.StandardDeviation,
                    median = p.Median,
                    lower = p.Lower,
                    upper = p.Upper,
                    ess = p.EffectiveSampleSize,
                    rhat = p.Rhat,
                    @fixed = p.IsFixed,
                }).ToArray(),
                acceptanceRate = sampled.Sampling.AcceptanceRate,
                evaluations = sampled.Sampling.Evaluations,
                reason = sampled.Sampling.Reason,
                message = sampled.Sampling.Message,
            },
        };
    }

    /// <summary>What --posterior asked for, checked before the fit runs.</summary>
    private sealed record PosteriorRequest(int Samples, PosteriorSampler Method, ulong Seed, string? CornerPath, int Threads)
    {
        public static PosteriorRequest? From(bool posterior, int samples, string method, ulong seed, string? corner, int threads)
        {
            if (!posterior)
            {
                if (corner is not null) throw new ArgumentException("--corner plots the posterior draws: give --posterior too.");
                return null;
            }
            if (samples < 1 || samples > 1_000_000) throw new ArgumentException($"--samples must lie between 1 and 1,000,000, not {samples}.");
            var sampler = method.ToLowerInvariant() switch
            {
                "mh" or "metropolis-hastings" => PosteriorSampler.MetropolisHastings,
                "hmc" => PosteriorSampler.Hmc,
                _ => throw new ArgumentException($"Unknown --posterior-method '{method}'. Known methods: mh, hmc."),
            };
            if (corner is not null) RequireWritable(corner, "--corner");
            return new(samples, sampler, seed, corner, threads);
        }

        public FitPosterior? Run(FitResult fit, CliContext context)
        {
            if (!fit.IsUsable)
            {
                // A failed fit has no solution to sample around; its own report (and exit code 1) says why.
                context.Error.WriteLine($"optima: --posterior skipped: the fit did not give usable parameters ({fit.Reason}).");
                return null;
            }
            var options = new Optima.Solvers.Sampling.SamplerOptions
            {
                Samples = Samples,
                Warmup = Samples,
                Chains = 4,
                Seed = Seed,
                Compute = new() { Threads = Threads == 0 ? Environment.ProcessorCount : Math.Max(1, Threads) },
                CancellationToken = context.Cancellation,
            };
            var sampled = fit.Posterior(options, Method);
            if (CornerPath is not null && sampled.Sampling.Draws > 0)
            {
                int q = sampled.SampledNames.Count;
                var names = sampled.SampledNames.ToArray();
                var columns = Enumerable.Range(0, q).Select(sampled.Sampling.Column).ToArray();
                var reference = names.Select(n => n == "log s" ? double.NaN : fit[n]).ToArray();
                if (sampled.SigmaSampled)
                {
                    // Plot the noise scale s itself, marked at the fit's residual scale.
                    names[q - 1] = "s";
                    columns[q - 1] = [.. columns[q - 1].Select(Math.Exp)];
                    reference[q - 1] = Math.Sqrt(fit.Cost / fit.Points);
                }
                CornerPlot.Save(CornerPath, names, columns, reference);
            }
            return sampled;
        }
    }

    private static double[][] ToRows(double[,] m) =>
        [.. Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray())];

    /// <summary>n equally spaced values from the smallest to the largest of <paramref name="x"/>.</summary>
    private static double[] Grid(double[] x, int n)
    {
        double lo = x.Min(), hi = x.Max();
        return [.. Enumerable.Range(0, n).Select(i => i == n - 1 ? hi : lo + (hi - lo) * i / (n - 1))];
    }

    private static double? NonNegative(double? value, string option) =>
        value is { } v && !(v >= 0 && double.IsFinite(v)) ? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a finite number ≥ 0, not {v}.")) : value;

    private static void WriteBandsCsv(string path, string xName, double[] x, FitBands bands)
    {
        var ci = CultureInfo.InvariantCulture;
        string level = (bands.Level * 100).ToString("G4", ci);
        using var w = new StreamWriter(path);
        w.WriteLine($"# delta-method bands at {level}% (t = {bands.TQuantile.ToString("R", ci)}): confidence = fit ± t·sqrt(gᵀCg), prediction = fit ± t·sqrt(gᵀCg + s²) with s² the reduced χ² (lmfit's convention; meaningful as a y variance for unweighted fits)");
        w.WriteLine($"{xName},fit,confidence_lower,confidence_upper,prediction_lower,prediction_upper");
        for (int i = 0; i < x.Length; i++)
            w.WriteLine(string.Create(ci, $"{x[i]:R},{bands.Values[i]:R},{bands.Values[i] - bands.ConfidenceHalfWidth[i]:R},{bands.Values[i] + bands.ConfidenceHalfWidth[i]:R},{bands.Values[i] - bands.PredictionHalfWidth[i]:R},{bands.Values[i] + bands.PredictionHalfWidth[i]:R}"));
    }

    private static void WriteFittedCsv(string path, string[] xNames, double[][] columns, string yName, double[] y, FitResult fit, double[]? sigma)
    {
        var ci = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(path);
        w.WriteLine(string.Join(",", xNames.Append(yName).Append("fit").Append("residual").Concat(sigma is null ? [] : ["sigma"])));
        for (int i = 0; i < y.Length; i++)
        {
            var fields = columns.Select(c => c[i].ToString("R", ci)).Append(y[i].ToString("R", ci))
                .Append(fit.FittedValues[i].ToString("R", ci)).Append(fit.Residuals[i].ToString("R", ci));
            if (sigma is not null) fields = fields.Append(sigma[i].ToString("R", ci));
            w.WriteLine(string.Join(",", fields));
        }
    }

    private static void WriteFitPlot(string path, FitResult fit, double[] x, double[] y, string xName, string yName, bool scalar,
        double[]? sigma = null, double[]? gridX = null, FitBands? bands = null, bool predictionBand = true)
    {
        var data = new SvgPlot { Title = $"{yName} = {fit.Model}", XLabel = xName, YLabel = yName };
        data.AddScatter("data", x, y);
        if (sigma is not null)
            for (int i = 0; i < x.Length; i++)   // ±σ error bars, one short line per point
                data.AddLine(i == 0 ? "±σ" : "", [x[i], x[i]], [y[i] - sigma[i], y[i] + sigma[i]], color: "#7f7f7f");
        if (scalar && gridX is not null && bands is not null)
        {
            data.AddLine("fit", gridX, bands.Values);
            string level = (bands.Level * 100).ToString("G4", CultureInfo.InvariantCulture) + "%";
            data.AddLine(level + " confidence band", gridX, bands.ConfidenceLower, color: "#d62728", dashed: true);
            data.AddLine("", gridX, bands.ConfidenceUpper, color: "#d62728", dashed: true);
            // With σ or weights the noise of a new observation at x is not known (s² is a reduced χ², not a variance in y):
            // the prediction band is drawn for unweighted fits only (the --bands CSV has it always, lmfit's convention).
            if (predictionBand)
            {
                data.AddLine(level + " prediction band", gridX, bands.PredictionLower, color: "#9467bd", dashed: true);
                data.AddLine("", gridX, bands.PredictionUpper, color: "#9467bd", dashed: true);
            }
        }
        else
        {
            var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
            data.AddScatter("fit", order.Select(i => x[i]).ToArray(), order.Select(i => fit.FittedValues[i]).ToArray());
        }
        var residuals = new SvgPlot { Title = "residuals y − f", XLabel = xName, YLabel = "residual" };
        residuals.AddScatter("residuals", x, fit.Residuals);
        residuals.AddLine("zero", [x.Min(), x.Max()], [0.0, 0.0], dashed: true);
        new SvgFigure().Add(data, 2).Add(residuals, 1).Save(path);
    }
}
