namespace Optima.Problems;

/// <summary>Argument checks shared by the problem layer.</summary>
internal static class Guard
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="name"/> when a length is not the expected one.</summary>
    public static void Length(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
    }
}
