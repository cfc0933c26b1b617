/// Tensor arithmetic for the tests with every TorchSharp Scalar explicit and disposed after its call. TorchSharp's own + (α = 1),
/// square() (exponent 2), arange's short forms (0 and 1) and its operators with a number make such a Scalar implicitly, and then
/// nothing keeps it alive: a collection on another test's thread can finalize it while libtorch still reads it (libtorch's "Expected
/// false to be true" from Scalar::toDouble). Each function makes the libtorch call the operator it replaces makes (shift −c in place of
/// a − c: the same value, a − c = a + (−c) exactly).
module NeuroDyn.Tests.ExplicitScalars

open TorchSharp

type private Tensor = torch.Tensor

/// a + b (Tensor.add with α = 1).
let plus (a: Tensor) (b: Tensor) =
    use one = (1).ToScalar()
    a.add(b, one)

/// a ← a + b in place (Tensor.add_ with α = 1); returns a.
let addInPlace (a: Tensor) (b: Tensor) =
    use one = (1).ToScalar()
    a.add_(b, one)

/// a + c for a number c (Tensor.add with α = 1).
let shift (c: float) (a: Tensor) =
    use value = c.ToScalar()
    use one = (1).ToScalar()
    a.add(value, one)

/// c·a for a number c.
let scale (c: float) (a: Tensor) =
    use factor = c.ToScalar()
    a.mul(factor)

/// a / c for a number c.
let divide (c: float) (a: Tensor) =
    use divisor = c.ToScalar()
    a.div(divisor)

/// a² element-wise (Tensor.pow with the integer exponent 2, as square() does).
let squared (a: Tensor) =
    use two = (2).ToScalar()
    a.pow(two)

/// 0, 1, …, ⌈stop⌉ − 1 as a tensor of the given dtype (torch.arange(0, stop, 1)).
let arange (stop: float) (dtype: torch.ScalarType) =
    use zero = (0).ToScalar()
    use one = (1).ToScalar()
    use last = stop.ToScalar()
    torch.arange(zero, last, one, dtype = dtype)
