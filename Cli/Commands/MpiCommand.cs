using System.CommandLine;
using Optima.Distributed;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command MpiCommand(CliContext context)
    {
        var json = JsonOption();
        var command = new Command("mpi", "Say which MPI library this process finds and whether it runs under a launcher; under mpirun, check every collective on every rank (exit 1 if one fails).") { json };
        command.SetAction(parse =>
        {
            var ranks = context.Communicator;
            string environment = Communicator.Describe();
            IReadOnlyList<CollectiveCheck.Outcome> checks = [.. CollectiveCheck.Run(ranks), Optima.Solvers.Fitting.DistributedFits.Check(ranks)];
            bool passed = checks.All(c => c.Passed);
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    communicator = ranks.Description,
                    ranks = ranks.Size,
                    environment,
                    passed,
                    checks = checks.Select(c => new { collective = c.Collective, passed = c.Passed, failedRanks = c.FailedRanks }),
                });
            }
            else
            {
                var o = context.Out;
                o.WriteLine($"communicator  {ranks.Description}");
                o.WriteLine($"environment   {environment}");
                foreach (var c in checks) o.WriteLine($"  {(c.Passed ? "ok  " : "FAIL")}  {c.Collective}{(c.Passed ? "" : $" (wrong on {c.FailedRanks} of {ranks.Size} ranks)")}");
            }
            return passed ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }
}
