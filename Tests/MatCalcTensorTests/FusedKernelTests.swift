import Foundation
import Testing
@testable import MatCalcTensor

/// The one-pass gradients of relu and the power (used when backward records no graph) against the
/// composed rules (used when it does), bit for bit, and against closed forms.
@Suite struct FusedGradientTests {
    /// Gradients of `f` at `x`, by a plain backward (fused) and by one that creates a graph (composed).
    func bothPaths(_ x: Tensor, _ f: (Tensor) -> Tensor, seed: Tensor? = nil) throws -> (fused: Tensor, composed: Tensor) {
        let a = x.requiringGrad(), b = x.requiringGrad()
        try f(a).backward(gradient: seed)
        try f(b).backward(gradient: seed, createGraph: true)
        return (a.grad!, b.grad!.detach())
    }

    static let values: [Double] = [-2, -0.5, 0, 0.25, 1, 3, -0.0, .nan, .infinity, -.infinity]

    @Test(arguments: [DType.float32, .float64])
    func reluGradientIsPyTorchsThresholdBackward(_ dtype: DType) throws {
        let x = Tensor(Self.values).to(dtype)
        let g = Tensor((0..<10).map { Double($0) - 4.5 }).to(dtype)
        let (fused, composed) = try bothPaths(x, { $0.relu() }, seed: g)
        #expect(fused == composed)
        // threshold_backward: g where x > 0 or x is NaN, 0 where x ≤ 0 (relu′(0) = 0).
        let expected = zip(Self.values, g.scalars(as: Double.self)).map { x, g in x <= 0 ? 0 : g }
        expectValues(fused, expected, tolerance: 0)
        #expect(fused.dtype == dtype)
    }

    @Test(arguments: [2.0, 3.0, 1.0, 0.5, -1.0, 0.0, -2.5])
    func powerGradientEqualsTheComposedRule(_ exponent: Double) throws {
        let base = Tensor([-1.5, -1, 0.5, 1, 2, 3.25, 0] as [Double])
        for dtype in [DType.float32, .float64] {
            let x = base.to(dtype)
            let (fused, composed) = try bothPaths(x, { $0.pow(exponent).sum() })
            // Same operations in the same order: identical bits, NaN where both are NaN.
            let f = fused.scalars(as: Double.self), c = composed.scalars(as: Double.self)
            #expect(zip(f, c).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "x^\(exponent), \(dtype): \(f) vs \(c)")
            // And the closed form b·x^(b−1) in float64.
            if dtype == .float64 {
                let expected = base.scalars(as: Double.self).map { exponent * Foundation.pow($0, exponent - 1) }
                expectValues(fused, expected, tolerance: 1e-15)
            }
        }
    }

    @Test func aTensorExponentOrMixedDtypesTakeTheComposedRule() throws {
        let x = Tensor([0.5, 2, 3] as [Double]).requiringGrad()
        let e = Tensor([2.0, 3, 0.5])
        try x.pow(e).sum().backward()
        expectValues(x.grad!, [1, 12, 0.5 / 3.0.squareRoot()], tolerance: 1e-15)
        // A float32 gradient seed for a float64 relu input: converted, then the rule runs.
        let y = Tensor([-1.0, 2]).requiringGrad()
        try y.relu().backward(gradient: Tensor([Float(3), 4]))
        expectValues(y.grad!, [0, 4])
    }
}

/// The gradient of a sum travels as one number until a rule needs the full shape; leaves and
/// captured gradients always get their own shape, and broadcasting's reductions are unchanged.
@Suite struct BroadcastGradientTests {
    let x = Tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]] as [[Double]])

    @Test func elementwiseChainsAfterASum() throws {
        let w = x.requiringGrad()
        try (-(w.relu() * 3)).sum().backward()
        #expect(w.grad!.shape == [2, 3])
        expectValues(w.grad!, x.scalars(as: Double.self).map { $0 > 0 ? -3 : 0 })
        // Straight into a leaf: expanded there.
        let v = x.requiringGrad()
        try v.sum().backward()
        expectValues(v.grad!, [Double](repeating: 1, count: 6), shape: [2, 3])
        let m = x.requiringGrad()
        try m.mean().backward()
        expectValues(m.grad!, [Double](repeating: 1.0 / 6, count: 6), shape: [2, 3])
    }

    @Test func broadcastOperandsStillReduce() throws {
        // a is n×1, b is 1×m: the add node cannot take the one-number gradient (its inputs are not
        // its shape), so it is expanded to n×m and summed back: ∂/∂a = m, ∂/∂b = n.
        let a = Tensor([[1.0], [2.0]]).requiringGrad()
        let b = Tensor([[1.0, 2.0, 3.0]]).requiringGrad()
        try ((a + b) * 2).sum().backward()
        expectValues(a.grad!, [6, 6], shape: [2, 1])
        expectValues(b.grad!, [4, 4, 4], shape: [1, 3])
        // A one-element tensor broadcast into a sum.
        let s = Tensor(2.0).requiringGrad()
        try (x * s).sum().backward()
        expectValues(s.grad!, [x.scalars(as: Double.self).reduce(0, +)], shape: [])
    }

    @Test func sumsOverSomeDimsAndMatmulAfterwards() throws {
        let w = x.requiringGrad()
        try w.sum(dim: 1).pow(2).sum().backward()
        let rows = [1.5, 1.0]
        expectValues(w.grad!, [2 * rows[0], 2 * rows[0], 2 * rows[0], 2 * rows[1], 2 * rows[1], 2 * rows[1]])
        // The sum's gradient reaching a matmul is expanded first: ∂ Σ(A B) / ∂A = 1 Bᵀ.
        let a = x.requiringGrad()
        let bm = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        try a.matmul(bm).sum().backward()
        expectValues(a.grad!, [3, 7, 11, 3, 7, 11])
    }

    @Test func capturedGradientsHaveTheirShape() throws {
        let w = x.requiringGrad()
        let r = w.relu()
        let grads = try Autograd.grad(of: (r * 2).sum(), wrt: [r, w])
        expectValues(grads[0], [Double](repeating: 2, count: 6), shape: [2, 3])
        expectValues(grads[1], x.scalars(as: Double.self).map { $0 > 0 ? 2 : 0 }, shape: [2, 3])
    }

    @Test func secondDerivativesThroughASum() throws {
        // f = Σ x³: the gradient 3x² recorded, then its sum differentiated again: 6x.
        let w = x.requiringGrad()
        let g = try Autograd.grad(of: w.pow(3).sum(), wrt: [w], createGraph: true)[0]
        try g.sum().backward()
        expectValues(w.grad!, x.scalars(as: Double.self).map { 6 * $0 })
    }
}

/// The sum of all elements (pairwise) and the 2-norm's one-pass path, against float64 references.
@Suite struct FastReductionTests {
    @Test func pairwiseSumOfManyFloats() {
        let n = 1_000_003
        let values = (0..<n).map { Float(($0 * 7919) % 1000) / 997 - 0.25 }
        let reference = values.reduce(0.0) { $0 + Double($1) }
        let sum = Tensor(shape: [n], scalars: values).sum().item(as: Double.self)
        // A running float32 sum of a million terms is off by ~1e-3 relative; pairwise stays near ε·log n.
        #expect(abs(sum - reference) <= 1e-5 * abs(reference), "\(sum) vs \(reference)")
        let matrix = Tensor(shape: [1009, 991], scalars: Array(values.prefix(1009 * 991)))
        let matrixReference = values.prefix(1009 * 991).reduce(0.0) { $0 + Double($1) }
        #expect(abs(matrix.sum().item(as: Double.self) - matrixReference) <= 1e-5 * abs(matrixReference))
        // Row sums (a contiguous run per output) and column sums.
        let rows = matrix.sum(dim: 1).scalars(as: Double.self)
        let cols = matrix.sum(dim: 0).scalars(as: Double.self)
        let m = matrix.scalars(as: Double.self)
        for i in [0, 500, 1008] {
            let r = (0..<991).reduce(0.0) { $0 + m[i * 991 + $1] }
            #expect(abs(rows[i] - r) <= 1e-5 * max(1, abs(r)))
        }
        for j in [0, 400, 990] {
            let c = (0..<1009).reduce(0.0) { $0 + m[$1 * 991 + j] }
            #expect(abs(cols[j] - c) <= 1e-5 * max(1, abs(c)))
        }
    }

    @Test func euclideanNormAgreesWithTheScaledPath() {
        let values = (0..<1001).map { Double(($0 * 37) % 101) / 13 - 3.5 }
        let reference = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        expectValues(Tensor(values).norm(), [reference], tolerance: 1e-14)
        expectValues(Tensor(values).to(.float32).norm(), [reference], tolerance: 1e-6)
        // Squares that overflow (or underflow) in float64 go through the scaled path.
        expectValues(Tensor([3e200, 4e200]).norm(), [5e200], tolerance: 1e-15)
        expectValues(Tensor([3e-200, 4e-200]).norm(), [5e-200], tolerance: 1e-15)
        expectValues(Tensor([0.0, 0]).norm(), [0])
        expectValues(Tensor([1.0, .nan]).norm(), [.nan])
        expectValues(Tensor([1.0, .infinity]).norm(), [.infinity])
    }

    @Test func whereWithOneElementOperands() {
        let x = Tensor([-1.0, 2, -3, 4])
        expectValues(Tensor.where(x > 0.0, x, Tensor(0.0)), [0, 2, 0, 4])
        expectValues(Tensor.where(x > 0.0, Tensor(1.0), x), [-1, 1, -3, 1])
        expectValues(Tensor.where(x > 0.0, Tensor(1.0), Tensor(-1.0)), [-1, 1, -1, 1])
    }

    @Test func transposedMatmulRecordsWhenItMust() throws {
        let a = Tensor([[1.0, 2], [3, 4], [5, 6]]), b = Tensor([[1.0, -1], [2, 0.5], [0, 3]])
        let plain = Tensor.matmul(a, b, transposeA: true, transposeB: false)
        #expect(plain == a.mT.matmul(b))
        #expect(Tensor.matmul(a, b, transposeA: false, transposeB: true) == a.matmul(b.mT))
        let w = a.requiringGrad()
        let y = Tensor.matmul(w, b, transposeA: true, transposeB: false)
        #expect(y.requiresGrad)
        try y.sum().backward()
        // ∂ Σ(Aᵀ B) / ∂A = B 1ᵀ: each row of A gets the row sum of B.
        expectValues(w.grad!, [0, 0, 2.5, 2.5, 3, 3])
    }
}
