import MatCalcSymbolic
import MatCalcTensor

/// How two arrays of numbers differ.
public struct Agreement: Sendable {
    /// max |a − b|.
    public let maxAbsError: Double
    /// max |a − b| / max |b| (norm-wise relative error; 0 when both vanish).
    public let maxRelError: Double
    /// Whether |aᵢ − bᵢ| ≤ atol + rtol·|bᵢ| for every entry (torch.allclose).
    public let close: Bool
    /// Flat indices of the largest differences, worst first (at most three).
    public let worst: [Int]
    /// How many entries were compared.
    public let count: Int

    init(_ a: [Double], _ b: [Double], rtol: Double, atol: Double) {
        var maxAbs = 0.0
        var close = a.count == b.count
        var errors: [(Int, Double)] = []
        for (i, (x, y)) in zip(a, b).enumerated() {
            let e = (x - y).magnitude
            let err = e.isNaN ? Double.infinity : e
            errors.append((i, err))
            maxAbs = Swift.max(maxAbs, err)
            if !(err <= atol + rtol * y.magnitude) { close = false }
        }
        let scale = b.map(\.magnitude).max() ?? 0
        maxAbsError = maxAbs
        maxRelError = maxAbs == 0 ? 0 : maxAbs.isInfinite || scale.isNaN ? .infinity : maxAbs / Swift.max(scale, .leastNormalMagnitude)
        self.close = close
        worst = errors.sorted { $0.1 > $1.1 }.prefix(3).filter { $0.1 > 0 }.map(\.0)
        count = errors.count
    }
}

/// The tolerances of a verdict: the user's, or defaults for the dtype (atol scaled by the size of
/// the true values, so a gradient of magnitude 1000 is not held to 1e-5 in float32).
public struct Tolerances: Sendable {
    public let rtol: Double
    public let atol: Double
    /// Whether atol is multiplied by max(1, max |true|).
    public let scaledAtol: Bool

    public static func defaults(for dtype: DType) -> Tolerances {
        dtype == .float64 ? Tolerances(rtol: 1e-7, atol: 1e-9, scaledAtol: true) : Tolerances(rtol: 1e-4, atol: 1e-5, scaledAtol: true)
    }

    public init(rtol: Double, atol: Double, scaledAtol: Bool) {
        self.rtol = rtol
        self.atol = atol
        self.scaledAtol = scaledAtol
    }

    /// `extraAtol` widens the absolute tolerance (finite differences' own rounding error).
    func agreement(_ a: [Double], _ b: [Double], extraAtol: Double = 0) -> Agreement {
        let scale = scaledAtol ? Swift.max(1, b.map(\.magnitude).max() ?? 0) : 1
        return Agreement(a, b, rtol: rtol, atol: atol * scale + extraAtol)
    }
}

/// One variable's gradient checked three ways: the derived formula, autograd, finite differences.
public struct GradientCheck: Sendable {
    public let wrt: String
    public let formula: Expr
    /// ∂f/∂V from the formula, from autograd (in the check's dtype), and by central differences in Float64.
    public let derived: Tensor
    public let autograd: Tensor
    public let formulaVsAutograd: Agreement
    public let formulaVsFiniteDifferences: Agreement
    public let autogradVsFiniteDifferences: Agreement
    /// How many entries the finite differences covered (all, or an evenly spread sample of large variables).
    public let finiteDifferenceEntries: Int
    public var verified: Bool { formulaVsAutograd.close && formulaVsFiniteDifferences.close }
}

/// A user's formula for ∂f/∂V, checked against autograd.
public struct ClaimCheck: Sendable {
    public struct Entry: Sendable {
        public let index: [Int]
        public let claimed: Double
        public let truth: Double
    }

    public let wrt: String
    public let text: String
    /// Set when the claim's shape is not the gradient's ("your formula is 4×10, ∂f/∂X is 10×4").
    public let shapeMismatch: String?
    public let agreement: Agreement?
    public let worst: [Entry]
    /// The derived formula, shown when the claim is wrong.
    public let correct: Expr
    public var verified: Bool { shapeMismatch == nil && agreement?.close == true }
}

/// Everything `matcalc check` found.
public struct CheckResult: Sendable {
    public let value: Tensor
    public let gradients: [GradientCheck]
    public let claims: [ClaimCheck]
    public let tolerances: Tolerances
    public var verified: Bool { gradients.allSatisfy(\.verified) && claims.allSatisfy(\.verified) }
}

/// Verifies the derived gradients of `f` (and the user's claims) on `inputs`: each formula evaluated
/// in `dtype`, autograd's gradient in `dtype`, and central differences of f in Float64.
public func verifyGradients(
    of f: Expr, derivation: Derivation, inputs: CheckInputs, dtype: DType, claims: [(wrt: String, text: String, formula: Expr)],
    tolerances: Tolerances, maxFiniteDifferenceEntries: Int = 400
) throws -> CheckResult {
    let variables = inputs.values.mapValues { $0.to(dtype) }
    // Autograd: every variable a leaf that requires grad, one backward pass.
    var leaves = variables
    for (v, _) in derivation.gradients { leaves[v] = variables[v]!.requiringGrad() }
    let value = try evaluate(f, variables: leaves, sizes: inputs.sizes, dtype: dtype).naturalShaped(as: f.shape)
    try value.sum().backward()

    let inputs64 = variables.mapValues { $0.to(.float64) }
    func f64(_ values: [String: Tensor]) throws -> Double {
        try evaluate(f, variables: values, sizes: inputs.sizes, dtype: .float64).scalars(as: Double.self)[0]
    }

    var gradients: [GradientCheck] = []
    var truth: [String: Tensor] = [:]
    for (v, g) in derivation.gradients {
        let x = variables[v]!
        let derived = try evaluate(g, variables: variables, sizes: inputs.sizes, dtype: dtype).naturalShaped(as: g.shape).reshaped(x.shape)
        let auto = leaves[v]!.grad ?? Tensor.zeros(x.shape, dtype: dtype)
        truth[v] = auto
        // Central differences in Float64 on (a sample of) the entries.
        let n = x.count
        let stride = Swift.max(1, (n + maxFiniteDifferenceEntries - 1) / maxFiniteDifferenceEntries)
        let entries = Array(Swift.stride(from: 0, to: n, by: stride))
        var values = inputs64[v]!.scalars(as: Double.self)
        var numeric: [Double] = []
        for j in entries {
            let original = values[j]
            let h = 1e-6 * Swift.max(1, original.magnitude)
            func at(_ t: Double) throws -> Double {
                values[j] = t
                var perturbed = inputs64
                perturbed[v] = Tensor(shape: x.shape, scalars: values)
                return try f64(perturbed)
            }
            numeric.append((try at(original + h) - at(original - h)) / (2 * h))
            values[j] = original
        }
        let d = derived.scalars(as: Double.self), a = auto.scalars(as: Double.self)
        // A central difference with step h carries rounding error ≈ ε|f|/h ≈ 2e-10 |f| in float64.
        let fdRounding = 1e-9 * Swift.max(1, value.doubleValue.magnitude)
        gradients.append(GradientCheck(
            wrt: v, formula: g, derived: derived, autograd: auto,
            formulaVsAutograd: tolerances.agreement(d, a),
            formulaVsFiniteDifferences: tolerances.agreement(entries.map { d[$0] }, numeric, extraAtol: fdRounding),
            autogradVsFiniteDifferences: tolerances.agreement(entries.map { a[$0] }, numeric, extraAtol: fdRounding),
            finiteDifferenceEntries: entries.count))
    }

    var claimChecks: [ClaimCheck] = []
    for claim in claims {
        let correct = derivation.gradient(of: claim.wrt) ?? .number(0)
        let expectedShape = correct.shape
        guard claim.formula.shape == expectedShape else {
            claimChecks.append(ClaimCheck(
                wrt: claim.wrt, text: claim.text,
                shapeMismatch: "your formula is \(claim.formula.shape), ∂f/∂\(claim.wrt) is \(expectedShape)",
                agreement: nil, worst: [], correct: correct))
            continue
        }
        let x = variables[claim.wrt]!
        let claimed = try evaluate(claim.formula, variables: variables, sizes: inputs.sizes, dtype: dtype)
            .naturalShaped(as: claim.formula.shape).reshaped(x.shape)
        let c = claimed.scalars(as: Double.self), t = truth[claim.wrt]!.scalars(as: Double.self)
        let agreement = tolerances.agreement(c, t)
        let strides = Shape.strides(x.shape)
        let worst = agreement.worst.map { flat in
            ClaimCheck.Entry(index: strides.map { (flat / $0) } .enumerated().map { i, q in q % x.shape[i] }, claimed: c[flat], truth: t[flat])
        }
        claimChecks.append(ClaimCheck(
            wrt: claim.wrt, text: claim.text, shapeMismatch: nil, agreement: agreement, worst: worst, correct: correct))
    }
    return CheckResult(value: value.detach(), gradients: gradients, claims: claimChecks, tolerances: tolerances)
}

/// A derived Hessian or Jacobian checked against autograd and against central differences in Float64.
public struct DerivativeCheck: Sendable {
    public let wrt: String
    public let formula: Expr
    public let formulaVsAutograd: Agreement
    public let formulaVsFiniteDifferences: Agreement
    public var verified: Bool { formulaVsAutograd.close && formulaVsFiniteDifferences.close }
}

/// A Hessian check: the formula, double backward, and differences of the gradient formula.
public typealias HessianCheck = DerivativeCheck
/// A Jacobian check: the formula, one backward pass per entry of f, and differences of f.
public typealias JacobianCheck = DerivativeCheck

/// The row-major indices of a natural-shaped tensor's entries in column-major (vec) order.
func columnMajorOrder(_ shape: [Int]) -> [Int] {
    shape.count == 2 ? (0..<shape[1]).flatMap { j in (0..<shape[0]).map { i in i * shape[1] + j } } : Array(0..<Shape.count(shape))
}

/// Verifies the Hessian of `f` with respect to each of `variables` (n×n for n entries, vec order for
/// matrices): the formula in `dtype`, autograd's double backward in `dtype`, and central differences
/// of the evaluated gradient formula in Float64.
public func verifyHessians(
    of f: Expr, wrt variables: [String], inputs: CheckInputs, dtype: DType, tolerances: Tolerances
) throws -> [HessianCheck] {
    let values = inputs.values.mapValues { $0.to(dtype) }
    var checks: [HessianCheck] = []
    let sizes = inputs.sizes
    for v in variables {
        let (h, _) = try hessian(of: f, wrt: v)
        let g = try differentiate(f, wrt: [v]).gradient(of: v)!
        let x = values[v]!
        let n = x.count
        let derived = try evaluate(h, variables: values, sizes: inputs.sizes, dtype: dtype).scalars(as: Double.self)
        // Autograd's Hessian is row-major over x's entries; the formula's is over column-major vec(X).
        let colMajor = columnMajorOrder(x.shape)
        let auto = try Autograd.hessian(of: { t in
            var inputs = values
            inputs[v] = t
            return try evaluate(f, variables: inputs, sizes: sizes, dtype: dtype).sum()
        }, at: x).scalars(as: Double.self)
        let autoVec = colMajor.flatMap { i in colMajor.map { j in auto[i * n + j] } }
        // Column j of the numeric Hessian: central differences of the gradient formula along vec entry j.
        let inputs64 = values.mapValues { $0.to(.float64) }
        var data = inputs64[v]!.scalars(as: Double.self)
        var numeric = [Double](repeating: 0, count: n * n)
        for (column, j) in colMajor.enumerated() {
            let original = data[j]
            let step = 1e-6 * Swift.max(1, original.magnitude)
            func gradient(at t: Double) throws -> [Double] {
                data[j] = t
                var perturbed = inputs64
                perturbed[v] = Tensor(shape: x.shape, scalars: data)
                let value = try evaluate(g, variables: perturbed, sizes: inputs.sizes, dtype: .float64).naturalShaped(as: g.shape)
                let flat = value.scalars(as: Double.self)
                return value.rank == 2 ? colMajor.map { flat[$0] } : flat
            }
            let plus = try gradient(at: original + step), minus = try gradient(at: original - step)
            data[j] = original
            for row in 0..<n { numeric[row * n + column] = (plus[row] - minus[row]) / (2 * step) }
        }
        checks.append(HessianCheck(
            wrt: v, formula: h,
            formulaVsAutograd: tolerances.agreement(derived, autoVec),
            formulaVsFiniteDifferences: tolerances.agreement(derived, numeric, extraAtol: 1e-7)))
    }
    return checks
}

/// Verifies ∂ vec(f) / ∂ vec(V)ᵀ for each variable: the formula in `dtype`, autograd row by row
/// in `dtype`, and central differences of f in Float64.
public func verifyJacobians(
    of f: Expr, wrt variables: [String], inputs: CheckInputs, dtype: DType, tolerances: Tolerances
) throws -> [JacobianCheck] {
    let values = inputs.values.mapValues { $0.to(dtype) }
    let inputs64 = values.mapValues { $0.to(.float64) }
    var checks: [JacobianCheck] = []
    for v in variables {
        let (j, _) = try jacobian(of: f, wrt: v)
        let derived = try evaluate(j, variables: values, sizes: inputs.sizes, dtype: dtype).scalars(as: Double.self)
        let x = values[v]!
        let xOrder = columnMajorOrder(x.shape)
        // Autograd: row i is the gradient of vec(f)_i.
        var leaves = values
        leaves[v] = x.requiringGrad()
        let out = try evaluate(f, variables: leaves, sizes: inputs.sizes, dtype: dtype).naturalShaped(as: f.shape)
        let fOrder = columnMajorOrder(out.shape)
        var auto: [Double] = []
        for i in fOrder {
            var seed = [Double](repeating: 0, count: out.count)
            seed[i] = 1
            let g = try Autograd.grad(of: out, wrt: [leaves[v]!], gradient: Tensor(shape: out.shape, scalars: seed).to(dtype), retainGraph: true)[0]
            let flat = g.scalars(as: Double.self)
            auto += xOrder.map { flat[$0] }
        }
        // Central differences: column k is d vec(f) / d vec(V)_k.
        var data = inputs64[v]!.scalars(as: Double.self)
        let m = xOrder.count
        var numeric = [Double](repeating: 0, count: fOrder.count * m)
        for (column, k) in xOrder.enumerated() {
            let original = data[k]
            let step = 1e-6 * Swift.max(1, original.magnitude)
            func value(at t: Double) throws -> [Double] {
                data[k] = t
                var perturbed = inputs64
                perturbed[v] = Tensor(shape: x.shape, scalars: data)
                let flat = try evaluate(f, variables: perturbed, sizes: inputs.sizes, dtype: .float64).naturalShaped(as: f.shape).scalars(as: Double.self)
                return fOrder.map { flat[$0] }
            }
            let plus = try value(at: original + step), minus = try value(at: original - step)
            data[k] = original
            for row in 0..<fOrder.count { numeric[row * m + column] = (plus[row] - minus[row]) / (2 * step) }
        }
        checks.append(JacobianCheck(
            wrt: v, formula: j, formulaVsAutograd: tolerances.agreement(derived, auto),
            formulaVsFiniteDifferences: tolerances.agreement(derived, numeric, extraAtol: 1e-8)))
    }
    return checks
}
