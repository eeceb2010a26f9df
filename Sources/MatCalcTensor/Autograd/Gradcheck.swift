/// The outcome of ``gradcheck(_:inputs:eps:atol:rtol:)``: whether autograd's Jacobian matches
/// central finite differences, and where it differs most.
public struct GradcheckReport: Sendable, CustomStringConvertible {
    /// One Jacobian entry ∂ output[outputIndex] / ∂ inputs[input][elementIndex] (flat, row-major indices).
    public struct Entry: Sendable {
        public let input: Int
        public let elementIndex: Int
        public let outputIndex: Int
        public let analytic: Double
        public let numeric: Double
        public var absError: Double { Swift.abs(analytic - numeric) }
    }

    /// Whether every entry satisfies |analytic − numeric| ≤ atol + rtol·|numeric|.
    public let passed: Bool
    /// The largest |analytic − numeric| over all entries.
    public let maxAbsError: Double
    /// The entries with the largest errors, worst first (at most five).
    public let worst: [Entry]
    /// How many Jacobian entries were compared.
    public let entriesCompared: Int

    public var description: String {
        var lines = ["gradcheck \(passed ? "passed" : "FAILED"): \(entriesCompared) Jacobian entries, max abs error \(maxAbsError)"]
        for e in worst {
            lines.append("  input \(e.input) element \(e.elementIndex), output \(e.outputIndex): analytic \(e.analytic), numeric \(e.numeric)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Checks autograd against central finite differences in Float64, like torch.autograd.gradcheck.
///
/// The inputs are converted to float64 leaves that require grad. The numeric Jacobian column for
/// each input element is (f(x + ε) − f(x − ε)) / 2ε; the analytic row for each output element is a
/// backward pass with a one-hot gradient. Non-differentiable inputs (int, bool) are left alone.
public func gradcheck(
    _ f: ([Tensor]) throws -> Tensor, inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3
) throws -> GradcheckReport {
    let leaves = inputs.map { $0.dtype.isFloatingPoint ? $0.to(.float64).requiringGrad() : $0 }
    let output = try f(leaves)
    let outCount = output.count
    let differentiable = leaves.indices.filter { leaves[$0].dtype.isFloatingPoint }

    // analytic[i][k][j] = ∂ out[k] / ∂ input_i[j]
    var analytic = differentiable.map { [[Double]](repeating: [Double](repeating: 0, count: leaves[$0].count), count: outCount) }
    if output.requiresGrad {
        for k in 0..<outCount {
            var oneHot = [Double](repeating: 0, count: outCount)
            oneHot[k] = 1
            let wrt = differentiable.map { leaves[$0] }
            let grads = try gradsAllowingUnused(of: output, wrt: wrt, gradient: Tensor(shape: output.shape, scalars: oneHot))
            for (slot, g) in grads.enumerated() { analytic[slot][k] = g?.scalars(as: Double.self) ?? analytic[slot][k] }
        }
    }

    var entries: [GradcheckReport.Entry] = []
    var passed = true
    var maxAbs = 0.0
    try withNoGrad {
        for (slot, i) in differentiable.enumerated() {
            var values = leaves[i].scalars(as: Double.self)
            for j in 0..<values.count {
                let original = values[j]
                func evaluate(_ v: Double) throws -> [Double] {
                    values[j] = v
                    var perturbed = leaves
                    perturbed[i] = Tensor(shape: leaves[i].shape, scalars: values)
                    return try f(perturbed).scalars(as: Double.self)
                }
                let plus = try evaluate(original + eps)
                let minus = try evaluate(original - eps)
                values[j] = original
                for k in 0..<outCount {
                    let numeric = (plus[k] - minus[k]) / (2 * eps)
                    let entry = GradcheckReport.Entry(
                        input: i, elementIndex: j, outputIndex: k, analytic: analytic[slot][k][j], numeric: numeric)
                    let ok = entry.absError <= atol + rtol * Swift.abs(numeric) || (numeric.isNaN && entry.analytic.isNaN)
                    if !ok { passed = false }
                    maxAbs = Swift.max(maxAbs, entry.absError.isNaN ? .infinity : entry.absError)
                    entries.append(entry)
                }
            }
        }
    }
    let worst = entries.sorted { ($0.absError.isNaN ? .infinity : $0.absError) > ($1.absError.isNaN ? .infinity : $1.absError) }
    return GradcheckReport(passed: passed, maxAbsError: maxAbs, worst: Array(worst.prefix(5)), entriesCompared: entries.count)
}

/// Gradients for each of `inputs`, nil for inputs the output does not depend on.
private func gradsAllowingUnused(of output: Tensor, wrt inputs: [Tensor], gradient: Tensor) throws -> [Tensor?] {
    let seed = try output.seedGradient(gradient)
    let metas = inputs.map { $0.autograd! }
    let captured = try Autograd.run(from: output, seed: seed, capturing: metas, retainGraph: true, createGraph: false)
    return metas.map { captured[ObjectIdentifier($0)] }
}

extension Autograd {
    /// The Hessian of a scalar function at `x` by double backward: n×n for n elements of `x`
    /// (row i is the gradient of ∂f/∂x_i, flattening x row-major).
    public static func hessian(of f: (Tensor) throws -> Tensor, at x: Tensor) throws -> Tensor {
        let leaf = x.to(x.dtype.isFloatingPoint ? x.dtype : .float64).requiringGrad()
        let y = try f(leaf)
        let g = try grad(of: y, wrt: [leaf], createGraph: true)[0].flatten()
        let n = leaf.count
        var rows: [Tensor] = []
        for i in 0..<n {
            let gi = g[i]
            if gi.requiresGrad {
                let row = try gradsAllowingUnused(of: gi, wrt: [leaf], gradient: Tensor.ones([], dtype: gi.dtype))[0]
                rows.append(row?.flatten() ?? Tensor.zeros([n], dtype: leaf.dtype))
            } else {
                rows.append(Tensor.zeros([n], dtype: leaf.dtype))
            }
        }
        return Tensor.stack(rows).detach()
    }

    /// The Hessian–vector product H v of a scalar function at `x`, without forming H.
    public static func hessianVectorProduct(of f: (Tensor) throws -> Tensor, at x: Tensor, vector v: Tensor) throws -> Tensor {
        let leaf = x.requiringGrad()
        let g = try grad(of: try f(leaf), wrt: [leaf], createGraph: true)[0]
        let gv = (g * v.detach()).sum()
        guard gv.requiresGrad else { return Tensor.zeros(like: leaf) }
        return (try gradsAllowingUnused(of: gv, wrt: [leaf], gradient: Tensor.ones([], dtype: gv.dtype))[0] ?? Tensor.zeros(like: leaf)).detach()
    }
}
