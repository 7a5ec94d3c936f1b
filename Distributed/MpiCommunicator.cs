namespace Optima.Distributed;

/// <summary>
/// MPI_COMM_WORLD through Optima's own binding (Open MPI or MPICH, found at run time). Create it with
/// <see cref="Communicator.FromEnvironment"/>; dispose it at the end of the program (MPI_Finalize). A failed MPI call
/// throws <see cref="MpiException"/> naming the call and its error code. An exception that nothing catches calls
/// MPI_Abort, so the job ends instead of leaving the other ranks waiting in a collective.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    /// <summary>
    /// While Size × n is at most this many doubles (64 KiB), <see cref="Allreduce"/> gathers every rank's vector (one
    /// collective, latency-bound); above it, it reduces chunks (alltoall, a rank-order sum of its own chunk, allgather:
    /// 2(Size−1)/Size · n doubles sent per rank, as a ring allreduce). Both sum in rank order, so the choice changes only
    /// the time, never the bits.
    /// </summary>
    internal const int GatherAllUpTo = 8192;

    private readonly MpiLibrary _mpi;
    private readonly bool _ownsInit;
    private double[] _send = [], _receive = [];
    private bool _disposed;

    internal MpiCommunicator(MpiLibrary mpi)
    {
        _mpi = mpi;
        _ownsInit = mpi.Init();
        int rank = 0, size = 0;
        mpi.Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        mpi.Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        Library = mpi.Name;
        Version = mpi.Version();
        // A library that does not match the launcher initialises as a singleton on every rank: N independent runs that
        // would each print a result. The launcher's own count says so.
        foreach (string variable in (string[])["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"])
            if (int.TryParse(Environment.GetEnvironmentVariable(variable), out int launched) && launched != size)
                throw new InvalidOperationException($"The launcher started {launched} ranks ({variable}={launched}), but {Version} ({Library}) sees {size}: the MPI library does not match the launcher (Open MPI's mpirun needs libmpi.so.40, MPICH's mpiexec libmpich.so.12); set OPTIMA_MPI_LIBRARY to the launcher's library.");
        Description = $"MPI ({Version}, {Library}), rank {rank} of {size}";
        AppDomain.CurrentDomain.UnhandledException += AbortOnUnhandled;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>The library file that was loaded (e.g. libmpi.so.40).</summary>
    public string Library { get; }

    /// <summary>The library's version line (MPI_Get_library_version).</summary>
    public string Version { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public void Allreduce(Span<double> values)
    {
        ThrowIfDisposed();
        int n = values.Length, p = Size;
        if (p == 1 || n == 0) return;
        if ((long)n * p <= GatherAllUpTo)
        {
            Grow(ref _receive, (long)p * n);
            fixed (double* mine = values, all = _receive)
                _mpi.Check(_mpi.Allgather(mine, n, _mpi.Double, all, n, _mpi.Double, _mpi.CommWorld), "MPI_Allgather");
            SumInRankOrder(_receive, n, p, values);
            return;
        }
        // Reduce-scatter by alltoall (rank r receives chunk r of every rank), a rank-order sum of the chunk, allgather.
        int chunk = (n + p - 1) / p;
        Grow(ref _send, (long)p * chunk);
        Grow(ref _receive, (long)p * chunk);
        values.CopyTo(_send);
        _send.AsSpan(n, p * chunk - n).Clear();
        fixed (double* send = _send, receive = _receive)
        {
            _mpi.Check(_mpi.Alltoall(send, chunk, _mpi.Double, receive, chunk, _mpi.Double, _mpi.CommWorld), "MPI_Alltoall");
            SumInRankOrder(_receive, chunk, p, _send.AsSpan(0, chunk));
            _mpi.Check(_mpi.Allgather(send, chunk, _mpi.Double, receive, chunk, _mpi.Double, _mpi.CommWorld), "MPI_Allgather");
        }
        _receive.AsSpan(0, n).CopyTo(values);
    }

    /// <summary>
    /// MPI_Allreduce (sum) in place, as the library implements it: the order of the additions is the library's choice
    /// (it may change with the rank count, the message size and the network), so the bits may differ between MPI
    /// libraries and, for some algorithms, between ranks. For comparison with <see cref="Allreduce"/> (Benchmarks/).
    /// </summary>
    public void AllreduceUnordered(Span<double> values)
    {
        ThrowIfDisposed();
        if (values.IsEmpty) return;
        fixed (double* v = values)
            _mpi.Check(_mpi.Allreduce(InPlace, v, values.Length, _mpi.Double, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <inheritdoc/>
    public void Broadcast<T>(Span<T> values, int root) where T : unmanaged
    {
        ThrowIfDisposed();
        CheckRoot(root);
        int bytes = Bytes<T>(values.Length);
        if (bytes == 0) return;
        fixed (T* v = values)
            _mpi.Check(_mpi.Bcast(v, bytes, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <inheritdoc/>
    public void Allgather<T>(ReadOnlySpan<T> mine, Span<T> all) where T : unmanaged
    {
        ThrowIfDisposed();
        CheckBlocks(mine.Length, all.Length, nameof(all));
        int bytes = Bytes<T>(mine.Length);
        if (bytes == 0) return;
        fixed (T* m = mine, a = all)
            _mpi.Check(_mpi.Allgather(m, bytes, _mpi.Byte, a, bytes, _mpi.Byte, _mpi.CommWorld), "MPI_Allgather");
    }

    /// <inheritdoc/>
    public void Gather<T>(ReadOnlySpan<T> mine, Span<T> all, int root) where T : unmanaged
    {
        ThrowIfDisposed();
        CheckRoot(root);
        if (Rank == root) CheckBlocks(mine.Length, all.Length, nameof(all));
        int bytes = Bytes<T>(mine.Length);
        if (bytes == 0) return;
        fixed (T* m = mine, a = all)
            _mpi.Check(_mpi.Gather(m, bytes, _mpi.Byte, a, bytes, _mpi.Byte, root, _mpi.CommWorld), "MPI_Gather");
    }

    /// <inheritdoc/>
    public void Scatter<T>(ReadOnlySpan<T> all, Span<T> mine, int root) where T : unmanaged
    {
        ThrowIfDisposed();
        CheckRoot(root);
        if (Rank == root) CheckBlocks(mine.Length, all.Length, nameof(all));
        int bytes = Bytes<T>(mine.Length);
        if (bytes == 0) return;
        fixed (T* a = all, m = mine)
            _mpi.Check(_mpi.Scatter(a, bytes, _mpi.Byte, m, bytes, _mpi.Byte, root, _mpi.CommWorld), "MPI_Scatter");
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        ThrowIfDisposed();
        _mpi.Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");
    }

    /// <inheritdoc/>
    public void Abort(int exitCode)
    {
        _mpi.Abort(_mpi.CommWorld, exitCode);
        Environment.Exit(exitCode); // MPI_Abort does not return; should a library return anyway, still end this rank
    }

    /// <summary>MPI_Finalize, when this communicator initialised MPI. Every rank must reach it (it is collective).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        AppDomain.CurrentDomain.UnhandledException -= AbortOnUnhandled;
        int finalized = 0;
        if (_ownsInit && _mpi.Finalized(&finalized) == 0 && finalized == 0) _mpi.Check(_mpi.Finalize(), "MPI_Finalize");
    }

    private void AbortOnUnhandled(object sender, UnhandledExceptionEventArgs e)
    {
        Console.Error.WriteLine($"optima: rank {Rank} of {Size}: unhandled {e.ExceptionObject.GetType().Name}: {(e.ExceptionObject as Exception)?.Message}; aborting the MPI job.");
        Abort(1);
    }

    /// <summary>MPI_IN_PLACE: (void*)1 in Open MPI, (void*)-1 in MPICH.</summary>
    private void* InPlace => _mpi.IsOpenMpi ? (void*)1 : (void*)-1;

    /// <summary>result = blocks[0] + blocks[1] + … + blocks[p−1], element-wise, left to right (the order fixes the bits).</summary>
    private static void SumInRankOrder(double[] blocks, int length, int p, Span<double> result)
    {
        var all = blocks.AsSpan(0, p * length);
        all[..length].CopyTo(result);
        for (int r = 1; r < p; r++)
        {
            var block = all.Slice(r * length, length);
            for (int i = 0; i < length; i++) result[i] += block[i]; // element-wise: vector width cannot reorder it
        }
    }

    private static void Grow(ref double[] buffer, long length)
    {
        if (length > Array.MaxLength) throw new ArgumentException($"Size × length = {length} elements exceed an array's limit.");
        if (buffer.Length < length) buffer = new double[length];
    }

    private static int Bytes<T>(int length) where T : unmanaged
    {
        long bytes = (long)length * sizeof(T);
        if (bytes > int.MaxValue) throw new ArgumentException($"A block of {length} elements ({bytes} bytes) exceeds MPI's int count; send it in pieces.");
        return (int)bytes;
    }

    private void CheckRoot(int root)
    {
        if ((uint)root >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank, 0 to {Size - 1}.");
    }

    private void CheckBlocks(int block, int all, string name)
    {
        if (all != (long)Size * block) throw new ArgumentException($"{name} must hold Size × {block} = {(long)Size * block} elements, not {all}.", name);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
