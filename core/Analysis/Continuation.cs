using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Systems;
using Complex = System.Numerics.Complex;

namespace NeuroDyn.Analysis;

/// <summary>
/// Pseudo-arclength continuation of equilibria f(x; p) = 0 in one named parameter (Keller 1977; Kuznetsov, "Elements of Applied
/// Bifurcation Theory", 3rd ed., §10.2): with u = (x, p), a tangent predictor u + Δs·t and a Newton corrector on
/// [f(u); t·(u − u_pred)] = 0, the tangent the null vector of [∂f/∂x | ∂f/∂p]. Along the branch: stability from the eigenvalues
/// of ∂f/∂x; folds and branch points where det ∂f/∂x changes sign (a fold also reverses dp/ds), Hopf points where the real part
/// of a complex pair changes sign, each located by regula falsi (Illinois) on its test function along the arclength.
/// Branch switching at a branch point follows the second null direction of [∂f/∂x | ∂f/∂p] (Kuznetsov §10.3).
/// </summary>
public static class Continuation
{
    /// <summary>
    /// Continues the branch of equilibria through <paramref name="start"/> (corrected first at fixed parameter) in the parameter
    /// <paramref name="parameter"/> of <paramref name="system"/>, from the system's current value in the direction of the options.
    /// </summary>
    public static EquilibriumBranch Equilibria(IParameterizedField system, string parameter, double[] start, ContinuationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        Guard.Dimension(system, start, nameof(start));
        var o = options ?? new ContinuationOptions();
        o.Check();
        double p0 = system.GetParameter(parameter);
        CheckInRange(p0, o, parameter);
        var problem = new Problem(system, parameter, o);
        int n = system.Dimension;
        var u0 = new double[n + 1];
        start.CopyTo(u0, 0);
        u0[n] = p0;
        var pin = new double[n + 1];
        pin[n] = 1;
        var (found, corrected, _) = problem.Correct(u0, pin);
        if (!found)
            return new EquilibriumBranch(parameter, [], [], $"The start is not near an equilibrium at {parameter} = {p0:R}: Newton did not converge from it; start from a fixed point (e.g. FixedPoints.Find).");
        var guess = new double[n + 1];
        guess[n] = o.Direction;
        return problem.Run(corrected, problem.Tangent(corrected, guess), o.InitialStep, [], fromBifurcation: false);
    }

    /// <summary>
    /// Continues the other branch through the branch point <paramref name="at"/> (found on a branch of the same parameter), along the null
    /// direction of [∂f/∂x | ∂f/∂p] orthogonal to the old branch: <paramref name="side"/> = +1 for the sign whose largest component is
    /// positive, −1 for the other (for Lorenz at ρ = 1, +1 gives C₊ and −1 gives C₋).
    /// </summary>
    public static EquilibriumBranch SwitchBranch(IParameterizedField system, string parameter, Bifurcation at, int side = 1, ContinuationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(at);
        if (at.Kind != BifurcationKind.BranchPoint)
            throw new ArgumentException($"at is a {at.Kind}; only a BranchPoint has a second branch to switch onto.", nameof(at));
        if (side is not (1 or -1)) throw new ArgumentOutOfRangeException(nameof(side), side, "side must be +1 or −1.");
        Guard.Dimension(system, at.State, nameof(at));
        var o = options ?? new ContinuationOptions();
        o.Check();
        system.GetParameter(parameter);
        var problem = new Problem(system, parameter, o);
        int n = system.Dimension;
        var u = new double[n + 1];
        at.State.CopyTo(u, 0);
        u[n] = at.Parameter;
        var direction = problem.SecondNullDirection(u, at.Tangent);
        for (int i = 0; i <= n; i++) direction[i] *= side;
        return problem.Run(u, direction, o.InitialStep, [], fromBifurcation: true);
    }

    private static void CheckInRange(double p, ContinuationOptions o, string parameter)
    {
        if (!(p >= o.ParameterMin && p <= o.ParameterMax))
            throw new ArgumentOutOfRangeException(nameof(parameter), p,
                $"The start value {parameter} = {p:R} lies outside [ParameterMin, ParameterMax] = [{o.ParameterMin:R}, {o.ParameterMax:R}].");
    }

    /// <summary>One continuation problem: the system, the parameter's name and the settings, with the linear algebra on u = (x, p).</summary>
    private sealed class Problem(IParameterizedField system, string parameter, ContinuationOptions o)
    {
        private readonly int n = system.Dimension;

        /// <summary>The branch from u along t: predictor–corrector steps, bifurcation detection and location, step-size control.</summary>
        public EquilibriumBranch Run(double[] u, double[] t, double step, List<EquilibriumPoint> points, bool fromBifurcation)
        {
            var bifurcations = new List<Bifurcation>();
            try
            {
                var here = Point(u);
                points.Add(here);
                double ds = step;
                while (points.Count < o.MaxPoints)
                {
                    var predicted = Add(u, ds, t);
                    var (converged, next, iterations) = Correct(predicted, t);
                    if (!converged)
                    {
                        ds /= 2;
                        if (ds < o.MinStep) return Branch(points, bifurcations, $"The corrector failed with the step at MinStep = {o.MinStep:G3} near {parameter} = {u[n]:R}: the branch may end here (a singular point) or the field misbehave (NaN).");
                        continue;
                    }
                    var tNext = Tangent(next, t);
                    var there = Point(next);
                    if (!(fromBifurcation && points.Count == 1)) Detect(u, t, here, next, tNext, there, bifurcations);   // the start of a switched branch is the known bifurcation
                    points.Add(there);
                    (u, t, here) = (next, tNext, there);
                    if (u[n] > o.ParameterMax) return Branch(points, bifurcations, $"Reached ParameterMax = {o.ParameterMax:R}.");
                    if (u[n] < o.ParameterMin) return Branch(points, bifurcations, $"Reached ParameterMin = {o.ParameterMin:R}.");
                    if (iterations <= 3) ds = Math.Min(1.5 * ds, o.MaxStep);
                }
                return Branch(points, bifurcations, $"Stopped after MaxPoints = {o.MaxPoints} points at {parameter} = {u[n]:R}.");
            }
            catch (ArgumentOutOfRangeException e)
            {
                return Branch(points, bifurcations, $"The parameter {parameter} left its range near {u[n]:R}: {e.Message}");
            }
        }

        private EquilibriumBranch Branch(List<EquilibriumPoint> points, List<Bifurcation> bifurcations, string message) =>
            new(parameter, points, bifurcations, message);

        /// <summary>Adds the bifurcations between two consecutive points: a sign change of det ∂f/∂x (fold or branch point), of Re λ of a complex pair (Hopf).</summary>
        private void Detect(double[] ua, double[] ta, EquilibriumPoint a, double[] ub, double[] tb, EquilibriumPoint b, List<Bifurcation> found)
        {
            double detA = Determinant(ua), detB = Determinant(ub);
            if (Math.Sign(detA) * Math.Sign(detB) < 0)
            {
                var kind = Math.Sign(ta[n]) * Math.Sign(tb[n]) < 0 ? BifurcationKind.Fold : BifurcationKind.BranchPoint;
                found.Add(Locate(kind, ua, ta, ub, Determinant));
            }
            double hopfA = HopfTest(a.Eigenvalues), hopfB = HopfTest(b.Eigenvalues);
            if (double.IsFinite(hopfA) && double.IsFinite(hopfB) && Math.Sign(hopfA) * Math.Sign(hopfB) < 0)
                found.Add(Locate(BifurcationKind.Hopf, ua, ta, ub, u => HopfTest(Eigenvalues(u))));
        }

        /// <summary>Regula falsi (Illinois) in the arclength s along t_a: u(s) corrected on the hyperplane t_a·(u − u_a) = s, until the test function vanishes.</summary>
        private Bifurcation Locate(BifurcationKind kind, double[] ua, double[] ta, double[] ub, Func<double[], double> test)
        {
            double sa = 0, sb = Dot(ta, Subtract(ub, ua)), fa = test(ua), fb = test(ub);
            var best = ub;
            double bestValue = fb;
            int side = 0;
            for (int iteration = 0; iteration < 80 && Math.Abs(sb - sa) > 1e-14 * (1 + Math.Abs(ua[n])); iteration++)
            {
                double s = (sa * fb - sb * fa) / (fb - fa);
                if (!(s > Math.Min(sa, sb) && s < Math.Max(sa, sb))) s = 0.5 * (sa + sb);
                var (converged, u, _) = Correct(Add(ua, s, ta), ta);
                if (!converged) break;
                double value = test(u);
                (best, bestValue) = (u, value);
                if (value == 0) break;
                if (Math.Sign(value) == Math.Sign(fa))
                {
                    (sa, fa) = (s, value);
                    if (side == -1) fb *= 0.5;
                    side = -1;
                }
                else
                {
                    (sb, fb) = (s, value);
                    if (side == 1) fa *= 0.5;
                    side = 1;
                }
            }
            return new Bifurcation(kind, best[n], best[..n], Eigenvalues(best), Tangent(best, ta), Math.Abs(bestValue));
        }

        /// <summary>The largest real part among complex pairs (|Im λ| above 1e-8 of the spectral scale); NaN when there is no pair.</summary>
        private static double HopfTest(Complex[] eigenvalues)
        {
            double scale = Math.Max(1, eigenvalues.Max(l => l.Magnitude));
            var pairs = eigenvalues.Where(l => Math.Abs(l.Imaginary) > 1e-8 * scale).ToArray();
            return pairs.Length == 0 ? double.NaN : pairs.Max(l => l.Real);
        }

        /// <summary>The equilibrium u with its eigenvalues.</summary>
        public EquilibriumPoint Point(double[] u)
        {
            var eigenvalues = Eigenvalues(u);
            return new EquilibriumPoint(u[n], u[..n], eigenvalues, eigenvalues.Count(l => l.Real > 0));
        }

        private Complex[] Eigenvalues(double[] u) =>
            [.. StateJacobian(u).Evd().EigenValues.OrderByDescending(l => l.Real).ThenByDescending(l => l.Imaginary)];

        private double Determinant(double[] u) => StateJacobian(u).Determinant();

        private Matrix<double> StateJacobian(double[] u)
        {
            var field = system.WithParameter(parameter, u[n]);
            var flat = new double[n * n];
            field.Jacobian(u.AsSpan(0, n), flat);
            return Matrix<double>.Build.Dense(n, n, (r, c) => flat[r * n + c]);
        }

        /// <summary>f(x; p) at u = (x, p).</summary>
        private double[] Residual(double[] u)
        {
            var f = new double[n];
            system.WithParameter(parameter, u[n]).Evaluate(u.AsSpan(0, n), f);
            return f;
        }

        /// <summary>[∂f/∂x | ∂f/∂p] at u, the last column by a central difference.</summary>
        private Matrix<double> FullJacobian(double[] u)
        {
            var a = Matrix<double>.Build.Dense(n, n + 1);
            a.SetSubMatrix(0, 0, StateJacobian(u));
            double delta = o.DifferenceStep * Math.Max(1, Math.Abs(u[n]));
            var plus = (double[])u.Clone();
            var minus = (double[])u.Clone();
            plus[n] += delta;
            minus[n] -= delta;
            var fPlus = Residual(plus);
            var fMinus = Residual(minus);
            for (int i = 0; i < n; i++) a[i, n] = (fPlus[i] - fMinus[i]) / (2 * delta);
            return a;
        }

        /// <summary>The unit tangent: the null vector of [∂f/∂x | ∂f/∂p] with t·guess &gt; 0, from [A; guessᵀ]·t = (0, 1).</summary>
        public double[] Tangent(double[] u, double[] guess)
        {
            var system = Matrix<double>.Build.Dense(n + 1, n + 1);
            system.SetSubMatrix(0, 0, FullJacobian(u));
            system.SetRow(n, guess);
            var rhs = Vector<double>.Build.Dense(n + 1);
            rhs[n] = 1;
            var t = LeastSquares(system, rhs);
            return (t / t.L2Norm()).ToArray();
        }

        /// <summary>
        /// The null direction of [∂f/∂x | ∂f/∂p] at a branch point orthogonal to the old branch's tangent, from the two right singular
        /// vectors of the smallest singular values; signed so that its largest component is positive.
        /// </summary>
        public double[] SecondNullDirection(double[] u, double[] tangent)
        {
            var v = FullJacobian(u).Svd(computeVectors: true).VT.Transpose();
            var v1 = v.Column(n - 1);
            var v2 = v.Column(n);
            var t = Vector<double>.Build.DenseOfArray(tangent);
            var w = (t.DotProduct(v2)) * v1 - (t.DotProduct(v1)) * v2;
            if (w.L2Norm() < 1e-8) w = v1;   // the tangent missed the null plane: any null direction will do
            w /= w.L2Norm();
            int largest = w.AbsoluteMaximumIndex();
            return (w[largest] < 0 ? -w : w).ToArray();
        }

        /// <summary>Newton on [f(u); t·(u − u_pred)] = 0 from u_pred: the point and the steps taken, Converged = false when MaxNewtonIterations do not suffice or NaN appears.</summary>
        public (bool Converged, double[] U, int Iterations) Correct(double[] predicted, double[] t)
        {
            var u = (double[])predicted.Clone();
            for (int iterations = 1; iterations <= o.MaxNewtonIterations; iterations++)
            {
                var f = Residual(u);
                var system = Matrix<double>.Build.Dense(n + 1, n + 1);
                system.SetSubMatrix(0, 0, FullJacobian(u));
                system.SetRow(n, t);
                var rhs = Vector<double>.Build.Dense(n + 1);
                for (int i = 0; i < n; i++) rhs[i] = -f[i];
                rhs[n] = -Dot(t, Subtract(u, predicted));
                var step = LeastSquares(system, rhs);
                if (!step.All(double.IsFinite)) return (false, u, iterations);
                for (int i = 0; i <= n; i++) u[i] += step[i];
                double residual = Residual(u).Max(Math.Abs);
                if (!double.IsFinite(residual)) return (false, u, iterations);
                if (residual <= o.Tolerance && step.AbsoluteMaximum() <= Math.Max(o.Tolerance, 1e-9 * (1 + Math.Abs(u[n])))) return (true, u, iterations);
            }
            return (false, u, o.MaxNewtonIterations);
        }

        /// <summary>
        /// The minimum-norm least-squares solution of A·x = b by the singular value decomposition, singular values below 1e-13·σ_max
        /// dropped: exactly at a branch point the augmented Newton matrix is singular, and there this still gives the step along the branch.
        /// </summary>
        private static Vector<double> LeastSquares(Matrix<double> a, Vector<double> b)
        {
            var svd = a.Svd(computeVectors: true);
            var s = svd.S;
            var projected = svd.U.TransposeThisAndMultiply(b);
            for (int i = 0; i < s.Count; i++) projected[i] = s[i] > 1e-13 * s[0] ? projected[i] / s[i] : 0;
            return svd.VT.TransposeThisAndMultiply(projected.SubVector(0, s.Count));
        }

        private static double[] Add(double[] u, double s, double[] t) => [.. u.Select((v, i) => v + s * t[i])];
        private static double[] Subtract(double[] a, double[] b) => [.. a.Select((v, i) => v - b[i])];
        private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();
    }
}
