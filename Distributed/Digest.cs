using System.Runtime.InteropServices;

namespace Optima.Distributed;

/// <summary>A 64-bit FNV-1a hash of values' exact bits: equal digests across ranks or runs mean (with near certainty) equal bits.</summary>
public static class Digest
{
    /// <summary>The FNV-1a 64 hash of the bytes of <paramref name="values"/>.</summary>
    public static ulong Of<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in MemoryMarshal.AsBytes(values))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
