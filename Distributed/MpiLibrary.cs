using System.Runtime.InteropServices;
using System.Text;

namespace Optima.Distributed;

/// <summary>
/// The thin MPI binding: the C entry points Optima uses, loaded at run time with <see cref="NativeLibrary"/>, and the
/// predefined handles of the two ABI families. Handles are native integers: Open MPI's are the addresses of exported
/// objects (<c>&amp;ompi_mpi_comm_world</c>), MPICH's (and its derivatives': Intel MPI, MVAPICH, Cray MPICH) are 32-bit
/// constants from its mpi.h, passed in a 64-bit register or stack slot of which the callee reads the low half (x86-64
/// and AArch64 calling conventions), so one signature serves both. No MPI package is involved: MPI.NET (the only one
/// on NuGet) is built for MS-MPI's integer handles and crashes against Open MPI.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Names tried in order after <c>OPTIMA_MPI_LIBRARY</c>: Open MPI 3–5, then MPICH 3–4 (and the ABI-compatible MPIs).</summary>
    internal static readonly string[] Candidates = ["libmpi.so.40", "libmpich.so.12", "libmpi.so.12", "libmpi.so"];

    /// <summary>
    /// The candidates in the order the launcher suggests: MPICH's first under Hydra (PMI_SIZE without Open MPI's
    /// variables), since a machine may have both installed and Open MPI's library under Hydra runs every rank alone.
    /// </summary>
    private static string[] Ordered()
    {
        bool hydra = Environment.GetEnvironmentVariable("PMI_SIZE") is { Length: > 0 } && Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is null or "";
        return hydra ? ["libmpich.so.12", "libmpi.so.12", "libmpi.so.40", "libmpi.so"] : Candidates;
    }

    // MPICH's mpi.h (4.0.2, /usr/include/x86_64-linux-gnu/mpich/mpi.h): the values are part of its ABI.
    private const nint MpichCommWorld = 0x44000000, MpichDouble = 0x4c00080b, MpichByte = 0x4c00010d, MpichSum = 0x58000003,
        MpichErrorsReturn = 0x54000001;

    /// <summary>MPI_THREAD_FUNNELED in both families: only the thread that initialised MPI calls it.</summary>
    private const int ThreadFunneled = 1;

    internal required nint Handle { get; init; }
    internal required string Name { get; init; }
    internal required bool IsOpenMpi { get; init; }
    internal nint CommWorld, Double, Byte, Sum, ErrorsReturn;

    internal delegate* unmanaged<int*, int> Initialized;
    internal delegate* unmanaged<int*, int> Finalized;
    internal delegate* unmanaged<nint, nint, int, int*, int> InitThread;
    internal delegate* unmanaged<int> Finalize;
    internal delegate* unmanaged<nint, int*, int> CommRank;
    internal delegate* unmanaged<nint, int*, int> CommSize;
    internal delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    internal delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce;
    internal delegate* unmanaged<void*, int, nint, int, nint, int> Bcast;
    internal delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> Allgather;
    internal delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> Alltoall;
    internal delegate* unmanaged<void*, int, nint, void*, int, nint, int, nint, int> Gather;
    internal delegate* unmanaged<void*, int, nint, void*, int, nint, int, nint, int> Scatter;
    internal delegate* unmanaged<nint, int> Barrier;
    internal delegate* unmanaged<nint, int, int> Abort;
    internal delegate* unmanaged<int, byte*, int*, int> ErrorString;
    internal delegate* unmanaged<byte*, int*, int> GetLibraryVersion;

    /// <summary>
    /// Loads the first MPI library that can be found (<c>OPTIMA_MPI_LIBRARY</c> first when set), or returns null with
    /// <paramref name="why"/> naming every library tried and why it failed.
    /// </summary>
    internal static MpiLibrary? TryLoad(out string why)
    {
        var tried = new List<string>();
        string? chosen = Environment.GetEnvironmentVariable("OPTIMA_MPI_LIBRARY");
        foreach (string name in string.IsNullOrWhiteSpace(chosen) ? Ordered() : [chosen, .. Ordered()])
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                tried.Add($"{name}: not found");
                continue;
            }
            try
            {
                why = "";
                return Bind(handle, name);
            }
            catch (EntryPointNotFoundException e)
            {
                tried.Add($"{name}: not an MPI library ({e.Message})");
                NativeLibrary.Free(handle);
            }
        }
        why = $"no MPI library could be loaded ({string.Join("; ", tried)}); install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or MPICH (apt-get install mpich), or set OPTIMA_MPI_LIBRARY to the library's path";
        return null;
    }

    private static MpiLibrary Bind(nint handle, string name)
    {
        bool openMpi = NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out nint world);
        var lib = new MpiLibrary { Handle = handle, Name = name, IsOpenMpi = openMpi };
        if (openMpi)
        {
            // Open MPI's predefined handles are the addresses of these objects (mpi.h: OMPI_PREDEFINED_GLOBAL).
            lib.CommWorld = world;
            lib.Double = NativeLibrary.GetExport(handle, "ompi_mpi_double");
            lib.Byte = NativeLibrary.GetExport(handle, "ompi_mpi_byte");
            lib.Sum = NativeLibrary.GetExport(handle, "ompi_mpi_op_sum");
            lib.ErrorsReturn = NativeLibrary.GetExport(handle, "ompi_mpi_errors_return");
        }
        else
        {
            (lib.CommWorld, lib.Double, lib.Byte, lib.Sum, lib.ErrorsReturn) = (MpichCommWorld, MpichDouble, MpichByte, MpichSum, MpichErrorsReturn);
        }
        lib.Initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(handle, "MPI_Initialized");
        lib.Finalized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(handle, "MPI_Finalized");
        lib.InitThread = (delegate* unmanaged<nint, nint, int, int*, int>)NativeLibrary.GetExport(handle, "MPI_Init_thread");
        lib.Finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "MPI_Finalize");
        lib.CommRank = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(handle, "MPI_Comm_rank");
        lib.CommSize = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(handle, "MPI_Comm_size");
        lib.CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Comm_set_errhandler");
        lib.Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allreduce");
        lib.Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(handle, "MPI_Bcast");
        lib.Allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allgather");
        lib.Alltoall = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Alltoall");
        lib.Gather = (delegate* unmanaged<void*, int, nint, void*, int, nint, int, nint, int>)NativeLibrary.GetExport(handle, "MPI_Gather");
        lib.Scatter = (delegate* unmanaged<void*, int, nint, void*, int, nint, int, nint, int>)NativeLibrary.GetExport(handle, "MPI_Scatter");
        lib.Barrier = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(handle, "MPI_Barrier");
        lib.Abort = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(handle, "MPI_Abort");
        lib.ErrorString = (delegate* unmanaged<int, byte*, int*, int>)NativeLibrary.GetExport(handle, "MPI_Error_string");
        lib.GetLibraryVersion = (delegate* unmanaged<byte*, int*, int>)NativeLibrary.GetExport(handle, "MPI_Get_library_version");
        return lib;
    }

    /// <summary>The library's own version line (MPI_Get_library_version may be called before MPI_Init).</summary>
    internal string Version()
    {
        var buffer = new byte[8192]; // MPI_MAX_LIBRARY_VERSION_STRING: 256 in Open MPI, 8192 in MPICH
        int length = 0;
        fixed (byte* p = buffer)
            if (GetLibraryVersion(p, &length) != 0) return "unknown version";
        string text = Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0', '\n', ' ');
        // The first line up to its first comma ("Open MPI v4.1.4", "MPICH Version: 4.0.2"): the rest is build detail.
        string first = text.Split('\n')[0];
        int comma = first.IndexOf(',');
        return string.Join(' ', (comma >= 0 ? first[..comma] : first).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>MPI_Init_thread (funneled) unless MPI is already initialised; returns whether this call initialised it.</summary>
    internal bool Init()
    {
        int already = 0, provided = 0;
        Check(Initialized(&already), "MPI_Initialized");
        if (already != 0) return false;
        Check(InitThread(0, 0, ThreadFunneled, &provided), "MPI_Init_thread");
        // Errors come back as codes (turned into MpiException) instead of MPI's default of aborting without a message.
        Check(CommSetErrhandler(CommWorld, ErrorsReturn), "MPI_Comm_set_errhandler");
        return true;
    }

    /// <summary>Throws <see cref="MpiException"/> naming <paramref name="call"/> and the library's text for a non-zero code.</summary>
    internal void Check(int code, string call)
    {
        if (code != 0) throw new MpiException(call, code, Describe(code));
    }

    private string Describe(int code)
    {
        var buffer = new byte[1024]; // MPI_MAX_ERROR_STRING: 256 in Open MPI, 512 in MPICH
        int length = 0;
        fixed (byte* p = buffer)
            if (ErrorString(code, p, &length) != 0) return "no description";
        return Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0');
    }
}

/// <summary>An MPI call returned an error code.</summary>
public sealed class MpiException : Exception
{
    /// <summary>An error of <paramref name="call"/> with <paramref name="code"/> and the library's description of it.</summary>
    public MpiException(string call, int code, string description)
        : base($"{call} failed with MPI error {code}: {description}")
    {
        Call = call;
        Code = code;
    }

    /// <summary>The MPI function that failed (e.g. "MPI_Allreduce").</summary>
    public string Call { get; }

    /// <summary>The error code it returned.</summary>
    public int Code { get; }
}
