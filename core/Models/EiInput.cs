namespace NeuroDyn.Models;

/// <summary>Which units of an <see cref="EiRateNetwork"/> receive the external drive W_in x + b.</summary>
public enum EiInput
{
    /// <summary>The excitatory units only: the inhibitory units are driven by the network alone (their rows of W_in and b are zero,
    /// kept zero by the parametrisation), as cortical afferents target excitatory cells.</summary>
    Excitatory,
    /// <summary>Every unit, excitatory and inhibitory.</summary>
    All,
}
