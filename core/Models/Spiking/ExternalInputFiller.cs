namespace NeuroDyn.Models.Spiking;

/// <summary>Fills the extra input R I_ext (mV, one entry per neuron, held constant over the step) for the step that starts at <paramref name="time"/> (ms).</summary>
public delegate void ExternalInputFiller(double time, Span<double> current);
