using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Runs a custom backward pass so that a failure becomes an exception from the caller's backward() instead of ending the process.</summary>
/// <remarks>Custom backward passes are called from inside libtorch's autograd engine, across which a .NET exception cannot travel.
/// A failure is kept in <see cref="LastFailure"/>, reported on standard error, and handed to the engine as deliberately misshapen
/// gradients. The engine does not always reject those, so call <see cref="Backward"/> instead of loss.backward(): it throws
/// whenever a custom backward pass failed during the call.</remarks>
public static class BackwardGuard
{
    [ThreadStatic] static Exception? lastFailure;

    /// <summary>The most recent failure of a custom backward pass on this thread (with its full message), or null.</summary>
    public static Exception? LastFailure => lastFailure;

    /// <summary>loss.backward(), throwing an <see cref="InvalidOperationException"/> (the original failure inside) if a custom backward pass failed during it.</summary>
    public static void Backward(Tensor loss)
    {
        lastFailure = null;
        try
        {
            loss.backward();
        }
        catch (Exception e) when (lastFailure is not null && e != lastFailure)
        {
            throw Failed(lastFailure);
        }
        if (lastFailure is { } failure) throw Failed(failure);
    }

    static InvalidOperationException Failed(Exception failure) =>
        new($"the backward pass failed, so no gradient was computed: {failure.Message}", failure);

    /// <summary>The gradients from <paramref name="backward"/>, or on failure null for the leading non-tensor input and one empty
    /// tensor per tensor input, so that the engine raises an error.</summary>
    internal static List<Tensor> Run(string name, int tensorInputs, Func<List<Tensor>> backward)
    {
        try
        {
            return backward();
        }
        catch (Exception e)
        {
            lastFailure = e;
            Console.Error.WriteLine($"{name}: backward pass failed ({e.GetType().Name}): {e.Message}");
            return [null!, .. Enumerable.Range(0, tensorInputs).Select(_ => torch.empty(0))];
        }
    }
}
