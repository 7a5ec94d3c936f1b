namespace Optima.Solvers.Internal;

/// <summary>What a registry's Register returns: disposing it (once) removes the entry again.</summary>
internal sealed class Registration(Action remove) : IDisposable
{
    private Action? _remove = remove;

    public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
}
