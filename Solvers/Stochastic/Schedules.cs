namespace Optima.Solvers.Stochastic;

/// <summary>
/// A learning-rate schedule: a pure function of the step count t = 0, 1, 2 … (the number of optimizer steps
/// already taken; the first step uses <c>At(0)</c>, as a PyTorch scheduler that is stepped after each
/// optimizer step). Being pure, a schedule needs no state in a checkpoint beyond the step count. Schedules compose:
/// <c>Schedule.LinearWarmup(0, 1e-3, 500).Then(500, Schedule.Cosine(1e-3, 10_000))</c>.
/// </summary>
public abstract record Schedule
{
    /// <summary>The learning rate at step <paramref name="step"/> ≥ 0.</summary>
    public abstract double At(long step);

    /// <summary>This schedule for steps &lt; <paramref name="boundary"/>, then <paramref name="next"/> restarted at 0 (optax's join_schedules).</summary>
    public Schedule Then(long boundary, Schedule next) => new Joined(this, boundary, next);

    /// <summary>γ at every step.</summary>
    public static Schedule Constant(double learningRate) => new ConstantSchedule(Check(learningRate));

    /// <summary>γ₀·factor^⌊t / stepSize⌋ (torch StepLR; default factor 0.1).</summary>
    public static Schedule Step(double learningRate, long stepSize, double factor = 0.1)
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "stepSize must be at least 1.");
        return new StepSchedule(Check(learningRate), stepSize, CheckFactor(factor));
    }

    /// <summary>γ₀·factor^(number of milestones ≤ t) (torch MultiStepLR; default factor 0.1).</summary>
    public static Schedule MultiStep(double learningRate, IEnumerable<long> milestones, double factor = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        var m = milestones.ToArray();
        for (int i = 0; i < m.Length; i++)
            if (m[i] < 0 || (i > 0 && m[i] <= m[i - 1])) throw new ArgumentException("Milestones must be non-negative and strictly increasing.", nameof(milestones));
        return new MultiStepSchedule(Check(learningRate), m, CheckFactor(factor));
    }

    /// <summary>γ₀·factorᵗ (torch ExponentialLR).</summary>
    public static Schedule Exponential(double learningRate, double factor) => new ExponentialSchedule(Check(learningRate), CheckFactor(factor));

    /// <summary>
    /// γ₀ / (1 + t/τ)^p, the Robbins–Monro family: for ½ &lt; p ≤ 1, Σγ = ∞ and Σγ² &lt; ∞, the conditions under which
    /// SGD with unbiased, bounded-variance gradients converges. Defaults τ = 1, p = 1 (γ₀/(1 + t)).
    /// </summary>
    public static Schedule InverseTime(double learningRate, double timeScale = 1.0, double power = 1.0)
    {
        if (!(timeScale > 0) || double.IsInfinity(timeScale)) throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "timeScale must be > 0.");
        if (!(power > 0) || double.IsInfinity(power)) throw new ArgumentOutOfRangeException(nameof(power), power, "power must be > 0.");
        return new InverseTimeSchedule(Check(learningRate), timeScale, power);
    }

    /// <summary>(γ₀ − γ_end)(1 − min(t, T)/T)^p + γ_end (torch PolynomialLR with an end value; default p = 1, γ_end = 0).</summary>
    public static Schedule Polynomial(double learningRate, long totalSteps, double power = 1.0, double endLearningRate = 0.0)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "totalSteps must be at least 1.");
        if (!(power > 0)) throw new ArgumentOutOfRangeException(nameof(power), power, "power must be > 0.");
        return new PolynomialSchedule(Check(learningRate), totalSteps, power, Check(endLearningRate));
    }

    /// <summary>
    /// Cosine annealing η_min + ½(γ₀ − η_min)(1 + cos(π t/T)) for t ≤ T, then η_min (torch CosineAnnealingLR's closed
    /// form over one half-period; afterwards it holds η_min, as optax's cosine_decay_schedule).
    /// </summary>
    public static Schedule Cosine(double learningRate, long period, double minLearningRate = 0.0)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "period must be at least 1.");
        return new CosineSchedule(Check(learningRate), period, Check(minLearningRate));
    }

    /// <summary>Linear from <paramref name="start"/> at t = 0 to <paramref name="end"/> at t = <paramref name="steps"/>, then constant.</summary>
    public static Schedule LinearWarmup(double start, double end, long steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1.");
        return new LinearSchedule(Check(start), Check(end), steps);
    }

    /// <summary>Linear warm-up from 0 over <paramref name="warmupSteps"/> to <paramref name="schedule"/>'s first value, then <paramref name="schedule"/>.</summary>
    public static Schedule WarmupThen(long warmupSteps, Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmupSteps must be ≥ 0.");
        return warmupSteps == 0 ? schedule : LinearWarmup(0, schedule.At(0), warmupSteps).Then(warmupSteps, schedule);
    }

    /// <summary>The schedules <see cref="Named"/> builds: constant, cosine, linear, step, onecycle (one-cycle), sgdr, inverse-time.</summary>
    public static IReadOnlyList<string> Names { get; } = ["constant", "cosine", "linear", "step", "onecycle", "sgdr", "inverse-time"];

    /// <summary>True when <see cref="Named"/> knows <paramref name="name"/> (case-insensitive; "one-cycle" is onecycle).</summary>
    public static bool IsKnown(string? name) => name is not null && (Names.Contains(name.Trim().ToLowerInvariant()) || name.Trim().ToLowerInvariant() == "one-cycle");

    /// <summary>
    /// True when the named schedule spans a fixed number of steps (cosine, linear, step, onecycle), so a run that
    /// resumes it must keep its length; constant, sgdr and inverse-time can be extended.
    /// </summary>
    public static bool SpansRun(string name) => name.Trim().ToLowerInvariant() is "cosine" or "linear" or "step" or "onecycle" or "one-cycle";

    /// <summary>
    /// A schedule by name over a run of <paramref name="totalSteps"/> steps, after a linear warm-up of
    /// <paramref name="warmup"/> steps from 0: constant γ; cosine and linear decay to 0 over the rest; step (÷10 at each
    /// third of the rest); onecycle over the rest; sgdr (cosine restarts every epoch); inverse-time (γ/(1 + t/epoch)).
    /// </summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="learningRate">γ, the peak rate.</param>
    /// <param name="warmup">Warm-up steps ≥ 0.</param>
    /// <param name="totalSteps">Steps of the whole run, warm-up included.</param>
    /// <param name="stepsPerEpoch">Steps per epoch ≥ 1 (sgdr's period, inverse-time's time scale).</param>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones) or an invalid argument.</exception>
    public static Schedule Named(string name, double learningRate, long warmup, long totalSteps, int stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(name);
        long rest = Math.Max(1, totalSteps - warmup);
        Schedule s = name.Trim().ToLowerInvariant() switch
        {
            "constant" => Constant(learningRate),
            "cosine" => Cosine(learningRate, rest),
            "linear" => Polynomial(learningRate, rest),
            "step" => Step(learningRate, Math.Max(1, rest / 3)),
            "onecycle" or "one-cycle" => OneCycle(learningRate, Math.Max(2, rest)),
            "sgdr" => Sgdr(learningRate, stepsPerEpoch),
            "inverse-time" => InverseTime(learningRate, stepsPerEpoch),
            _ => throw new ArgumentException($"Unknown schedule '{name}'. Known schedules: {string.Join(", ", Names)}.", nameof(name)),
        };
        return WarmupThen(warmup, s);
    }

    /// <summary>
    /// Cyclical learning rate, triangular policy (Smith 2017; torch CyclicLR mode "triangular"): rises linearly from
    /// <paramref name="baseLearningRate"/> to <paramref name="maxLearningRate"/> in <paramref name="halfCycle"/> steps and back.
    /// </summary>
    public static Schedule Triangular(double baseLearningRate, double maxLearningRate, long halfCycle)
    {
        if (halfCycle < 1) throw new ArgumentOutOfRangeException(nameof(halfCycle), halfCycle, "halfCycle must be at least 1.");
        return new TriangularSchedule(Check(baseLearningRate), Check(maxLearningRate), halfCycle);
    }

    /// <summary>
    /// SGDR, cosine annealing with warm restarts (Loshchilov and Hutter 2017; torch CosineAnnealingWarmRestarts): the
    /// first cycle lasts T₀ steps, each next one T_mult times longer; within a cycle
    /// η_min + ½(γ₀ − η_min)(1 + cos(π T_cur/T_i)).
    /// </summary>
    public static Schedule Sgdr(double learningRate, long firstPeriod, int periodMultiplier = 1, double minLearningRate = 0.0)
    {
        if (firstPeriod < 1) throw new ArgumentOutOfRangeException(nameof(firstPeriod), firstPeriod, "firstPeriod must be at least 1.");
        if (periodMultiplier < 1) throw new ArgumentOutOfRangeException(nameof(periodMultiplier), periodMultiplier, "periodMultiplier must be at least 1.");
        return new SgdrSchedule(Check(learningRate), firstPeriod, periodMultiplier, Check(minLearningRate));
    }

    /// <summary>
    /// One-cycle (Smith and Topin 2019; torch OneCycleLR, two phases, cosine annealing): from γ_max/div up to γ_max over
    /// the first pct·T − 1 steps, then down to γ_max/(div·final_div) at step T − 1. Defaults pct = 0.3, div = 25, final_div = 1e4.
    /// </summary>
    public static Schedule OneCycle(double maxLearningRate, long totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    {
        if (totalSteps < 2) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "totalSteps must be at least 2.");
        if (!(pctStart > 0 && pctStart < 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pctStart must lie in (0, 1).");
        if (!(divFactor > 0) || !(finalDivFactor > 0)) throw new ArgumentOutOfRangeException(nameof(divFactor), "divFactor and finalDivFactor must be > 0.");
        return new OneCycleSchedule(Check(maxLearningRate), totalSteps, pctStart, divFactor, finalDivFactor);
    }

    private static double Check(double lr)
    {
        if (!(lr >= 0) || double.IsInfinity(lr)) throw new ArgumentOutOfRangeException(nameof(lr), lr, $"A learning rate must be a finite number ≥ 0, but is {lr}.");
        return lr;
    }

    private static double CheckFactor(double f)
    {
        if (!(f > 0) || double.IsInfinity(f)) throw new ArgumentOutOfRangeException(nameof(f), f, $"The factor must be a finite number > 0, but is {f}.");
        return f;
    }

    private static double CosineBetween(double high, double low, double fraction) => low + 0.5 * (high - low) * (1 + Math.Cos(Math.PI * fraction));

    private sealed record ConstantSchedule(double Lr) : Schedule
    {
        public override double At(long step) => Lr;
    }

    private sealed record Joined(Schedule First, long Boundary, Schedule Next) : Schedule
    {
        public override double At(long step) => step < Boundary ? First.At(step) : Next.At(step - Boundary);
    }

    private sealed record StepSchedule(double Lr, long Size, double Factor) : Schedule
    {
        public override double At(long step) => Lr * Math.Pow(Factor, step / Size);
    }

    private sealed record MultiStepSchedule(double Lr, long[] Milestones, double Factor) : Schedule
    {
        public override double At(long step)
        {
            int passed = 0;
            foreach (long m in Milestones) if (step >= m) passed++;
            return Lr * Math.Pow(Factor, passed);
        }
    }

    private sealed record ExponentialSchedule(double Lr, double Factor) : Schedule
    {
        public override double At(long step) => Lr * Math.Pow(Factor, step);
    }

    private sealed record InverseTimeSchedule(double Lr, double Tau, double Power) : Schedule
    {
        public override double At(long step) => Lr / Math.Pow(1 + step / Tau, Power);
    }

    private sealed record PolynomialSchedule(double Lr, long Total, double Power, double End) : Schedule
    {
        public override double At(long step) => (Lr - End) * Math.Pow(1 - Math.Min(step, Total) / (double)Total, Power) + End;
    }

    private sealed record CosineSchedule(double Lr, long Period, double Min) : Schedule
    {
        public override double At(long step) => step >= Period ? Min : CosineBetween(Lr, Min, step / (double)Period);
    }

    private sealed record LinearSchedule(double Start, double End, long Steps) : Schedule
    {
        public override double At(long step) => step >= Steps ? End : Start + (End - Start) * (step / (double)Steps);
    }

    private sealed record TriangularSchedule(double Base, double Max, long Half) : Schedule
    {
        public override double At(long step)
        {
            long cycle = 1 + step / (2 * Half);
            double x = Math.Abs(step / (double)Half - 2 * cycle + 1);
            return Base + (Max - Base) * Math.Max(0, 1 - x);
        }
    }

    private sealed record SgdrSchedule(double Lr, long T0, int Mult, double Min) : Schedule
    {
        public override double At(long step)
        {
            long period = T0, start = 0;
            while (step - start >= period)
            {
                start += period;
                period *= Mult;
            }
            return CosineBetween(Lr, Min, (step - start) / (double)period);
        }
    }

    private sealed record OneCycleSchedule(double Max, long Total, double Pct, double Div, double FinalDiv) : Schedule
    {
        public override double At(long step)
        {
            double initial = Max / Div, final = initial / FinalDiv;
            double peak = Pct * Total - 1;
            double last = Total - 1;
            double t = Math.Min(step, last);
            return t <= peak
                ? CosineBetween(Max, initial, 1 - t / peak)      // rises from initial (t = 0) to max (t = peak)
                : CosineBetween(Max, final, (t - peak) / (last - peak));
        }
    }
}
