using System.CommandLine;
using System.Globalization;
using System.Text;
using Optima.Cli.Plotting;
using Optima.Solvers.Sampling;

namespace Optima.Cli;

internal static partial class Commands
{
    /// <summary>The largest number of doubles of draws the CLI keeps (chains × samples × variables): 160 MB.</summary>
    private const long MaxDrawValues = 20_000_000;

    private static Command SampleCommand(CliContext context)
    {
        var json = JsonOption();
        var (objective, problem, dim) = ObjectiveOptions();
        objective.Description = "The negative log density (up to a constant) as an expression, e.g. \"x^2/2 + (y-x^2)^2\".";
        var start = new Option<string?>("--start") { Description = "Where the chains start: x=0,y=0 (required with --objective); the density must be positive there." };
        var method = new Option<string>("--method") { Description = "mh (adaptive random-walk Metropolis–Hastings) or hmc (Hamiltonian Monte Carlo with the exact gradient).", DefaultValueFactory = _ => "hmc" };
        var samples = new Option<int>("--samples") { Description = "Kept draws per chain.", DefaultValueFactory = _ => 1000 };
        var chains = new Option<int>("--chains") { Description = "Number of chains.", DefaultValueFactory = _ => 4 };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up (adaptation) iterations per chain, discarded.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed: the same seed gives the same draws, to the bit, on any thread count.", DefaultValueFactory = _ => 1 };
        var spread = new Option<double>("--spread") { Description = "Chains after the first start at x₀ + spread·max(1,|x₀|)·N(0,1) (0: all at x₀).", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Chains run at once: 1 (default), 0 = all cores, k = at most k. Same draws on any count.", DefaultValueFactory = _ => 1 };
        var draws = new Option<string?>("--draws") { Description = "Write every kept draw to this CSV: chain, draw, the variables, and the negative log density." };
        var corner = new Option<string?>("--corner") { Description = "Write a corner plot (histograms and pairwise draws) to this SVG." };
        var command = new Command("sample", "Draw from the density exp(−f) by MCMC (Metropolis–Hastings or HMC) and print means, sds, quantiles, ESS, R̂ and the acceptance rate.")
            { objective, problem, dim, start, method, samples, chains, warmup, seed, spread, threads, draws, corner, json };
        command.SetAction(parse =>
        {
            var target = ResolveObjective(parse, objective, problem, dim);
            double[] x0 = parse.GetValue(start) is { } s ? target.ParsePoint(s, "--start")
                : target.Problem?.StandardStart() ?? throw new ArgumentException("--start is required with --objective (e.g. --start x=0,y=0).");
            int n = target.Objective.Dimension, k = parse.GetValue(chains), draw = parse.GetValue(samples), w = parse.GetValue(warmup), t = parse.GetValue(threads);
            if (draw < 1) throw new ArgumentException($"--samples must be at least 1, not {draw}.");
            if (k < 1 || k > 256) throw new ArgumentException($"--chains must lie between 1 and 256, not {k}.");
            if (w < 0 || w > 10_000_000) throw new ArgumentException($"--warmup must lie between 0 and 10,000,000, not {w}.");
            if (t < 0) throw new ArgumentException($"--threads must be 0 (all cores) or a positive count, not {t}.");
            if ((long)draw * k * n > MaxDrawValues)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--samples {draw} × --chains {k} × {n} variables = {(long)draw * k * n:N0} values is more than the {MaxDrawValues:N0} the CLI keeps."));
            double sp = parse.GetValue(spread);
            if (!(sp >= 0) || double.IsInfinity(sp)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--spread must be a finite number ≥ 0, not {sp}."));
            string? drawsPath = parse.GetValue(draws), cornerPath = parse.GetValue(corner);
            if (drawsPath is not null) RequireWritable(drawsPath, "--draws");
            if (cornerPath is not null) RequireWritable(cornerPath, "--corner");
            var options = new SamplerOptions
            {
                Samples = draw,
                Chains = k,
                Warmup = w,
                Seed = parse.GetValue(seed),
                InitialSpread = sp,
                Compute = new() { Threads = t == 0 ? Environment.ProcessorCount : t },
                CancellationToken = context.Cancellation,
            };
            string name = parse.GetValue(method)!.ToLowerInvariant();
            var result = name switch
            {
                "mh" or "metropolis" or "metropolis-hastings" => new MetropolisHastings().Sample(target.Objective, x0, options),
                "hmc" => new HamiltonianMonteCarlo().Sample(target.Objective, x0, options),
                _ => throw new ArgumentException($"Unknown --method '{parse.GetValue(method)}'. Known methods: mh, hmc."),
            };
            var names = target.VariableNames;
            if (drawsPath is not null) WriteDraws(drawsPath, names, result);
            if (cornerPath is not null && result.Draws > 0)
                CornerPlot.Save(cornerPath, names, [.. Enumerable.Range(0, n).Select(result.Column)]);
            // Converged in the MCMC sense: every chain finished and they agree (R̂ < 1.01, Vehtari et al. 2021).
            bool mixed = result.IsConverged && result.MaxRhat < 1.01;
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    objective = target.Description,
                    method = result.Method,
                    chains = result.Chains,
                    samples = result.Draws,
                    warmup = result.Warmup,
                    seed = options.Seed,
                    start = x0,
                    variables = result.Summary.Select((v, i) => new
                    {
                        name = names[i],
                        mean = v.Mean,
                        sd = v.StandardDeviation,
                        mcse = v.MonteCarloStandardError,
                        q2_5 = v.Quantile2_5,
                        median = v.Median,
                        q97_5 = v.Quantile97_5,
                        ess = v.EffectiveSampleSize,
                        bulkEss = v.BulkEffectiveSampleSize,
                        autocorrelationTime = v.AutocorrelationTime,
                        rhat = v.Rhat,
                    }).ToArray(),
                    acceptanceRate = result.AcceptanceRate,
                    acceptanceRates = result.AcceptanceRates,
                    scales = result.Scales,
                    evaluations = result.Evaluations,
                    drawEvaluations = result.DrawEvaluations,
                    gradientEvaluations = result.GradientEvaluations,
                    nonFiniteProposals = result.NonFiniteProposals,
                    maxRhat = result.MaxRhat,
                    reason = result.Reason,
                    converged = mixed,
                    message = result.Message,
                    seconds = result.Elapsed.TotalSeconds,
                    draws = drawsPath,
                    corner = cornerPath,
                });
            }
            else
            {
                context.Out.WriteLine($"target      exp(−f), f = {target.Description}");
                context.Out.Write(result.Report(names));
                if (drawsPath is not null) context.Out.WriteLine($"draws       {drawsPath}");
                if (cornerPath is not null) context.Out.WriteLine($"corner plot {cornerPath}");
            }
            return mixed ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    private static void WriteDraws(string path, IReadOnlyList<string> names, SamplingResult result)
    {
        var ci = CultureInfo.InvariantCulture;
        int n = result.Dimension;
        using var w = new StreamWriter(path);
        w.WriteLine("chain,draw," + string.Join(",", names) + ",f");
        var line = new StringBuilder();
        for (int c = 0; c < result.Chains; c++)
            for (int i = 0; i < result.Draws; i++)
            {
                line.Clear().Append(ci, $"{c + 1},{i + 1}");
                for (int k = 0; k < n; k++) line.Append(',').Append(result.Samples[c][i * n + k].ToString("R", ci));
                line.Append(',').Append(result.NegativeLogDensities[c][i].ToString("R", ci));
                w.WriteLine(line);
            }
    }
}
