namespace Optima.Distributed;

/// <summary>Chooses the communicator of a process: the MPI world under an MPI launcher, a single process otherwise.</summary>
public static class Communicator
{
    /// <summary>
    /// The environment variables by which a launcher announces an MPI job: Open MPI's mpirun, MPICH's Hydra
    /// (mpiexec; also Intel MPI) and PMIx launchers (Open MPI 5, Slurm's srun --mpi=pmix).
    /// </summary>
    public static IReadOnlyList<string> LauncherVariables { get; } = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"];

    /// <summary>The launcher variable that is set (name=value), or null when the process was not started by an MPI launcher.</summary>
    public static string? Launcher()
    {
        foreach (string name in LauncherVariables)
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) return $"{name}={value}";
        return null;
    }

    /// <summary>
    /// The MPI world (MPI is initialised here; dispose the result at the end of the program) when an MPI launcher
    /// started this process, otherwise a <see cref="SingleProcessCommunicator"/> whose description says why. A
    /// program started without a launcher therefore runs as one rank, and needs no MPI library.
    /// </summary>
    /// <exception cref="InvalidOperationException">A launcher started the process but no MPI library could be loaded (the message names each library tried).</exception>
    /// <exception cref="MpiException">MPI's initialisation failed.</exception>
    public static ICommunicator FromEnvironment()
    {
        if (Launcher() is not { } launcher)
            return new SingleProcessCommunicator($"single process (not started by an MPI launcher: none of {string.Join(", ", LauncherVariables)} is set)");
        var mpi = MpiLibrary.TryLoad(out string why)
            ?? throw new InvalidOperationException($"This process was started by an MPI launcher ({launcher}), but {why}.");
        return new MpiCommunicator(mpi);
    }

    /// <summary>
    /// Which MPI library this process would use, and why it would or would not use it, without initialising MPI: e.g.
    /// "not started by an MPI launcher; MPI library available: Open MPI v4.1.4 (libmpi.so.40)".
    /// </summary>
    public static string Describe()
    {
        string? launcher = Launcher();
        var mpi = MpiLibrary.TryLoad(out string why);
        string library = mpi is null ? why : $"MPI library available: {mpi.Version()} ({mpi.Name}, {(mpi.IsOpenMpi ? "Open MPI" : "MPICH")} ABI)";
        return launcher is null
            ? $"not started by an MPI launcher (none of {string.Join(", ", LauncherVariables)} is set): runs as a single process; {library}"
            : $"started by an MPI launcher ({launcher}); {library}";
    }
}
