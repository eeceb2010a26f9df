import Foundation
import Testing
@testable import MatCalcTensor

@Suite struct AutogradSemanticsTests {
    let x = Tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]] as [[Double]])

    @Test func leavesAndGradFns() {
        let w = x.requiringGrad()
        #expect(w.requiresGrad && w.isLeaf && w.gradFnName == nil && w.grad == nil)
        let y = w * 2
        #expect(y.requiresGrad && !y.isLeaf && y.gradFnName == "MulBackward0")
        #expect(!x.requiresGrad && x.isLeaf)
        #expect(!(x * 2).requiresGrad)
        let d = y.detach()
        #expect(!d.requiresGrad && d.isLeaf && d == y)
        // Integer and bool results never require grad.
        #expect(!(w > 0).requiresGrad)
        #expect(!w.argmax().requiresGrad)
    }

    @Test func gradientsAccumulateAndClear() throws {
        let w = x.requiringGrad()
        try (w * w).sum().backward()
        expectValues(w.grad!, x.scalars(as: Double.self).map { 2 * $0 })
        try (w * 3).sum().backward()
        expectValues(w.grad!, x.scalars(as: Double.self).map { 2 * $0 + 3 })
        w.grad = nil
        try w.sum().backward()
        expectValues(w.grad!, [Double](repeating: 1, count: 6))
        // Copies share the gradient slot, like references to one PyTorch tensor.
        let copy = w
        #expect(copy.grad == w.grad)
    }

    @Test func fanOutSumsContributions() throws {
        let w = Tensor(3.0).requiringGrad()
        let y = w * w * w + w  // dy/dw = 3w² + 1 = 28
        try y.backward()
        #expect(w.grad!.doubleValue == 28)
    }

    @Test func errorsMatchPyTorch() throws {
        #expect(throws: AutogradError.doesNotRequireGrad) { try x.sum().backward() }
        let w = x.requiringGrad()
        #expect(throws: AutogradError.nonScalarOutput(shape: [2, 3])) { try (w * 2).backward() }
        #expect(throws: AutogradError.gradientShapeMismatch(gradient: [3], output: [2, 3])) {
            try (w * 2).backward(gradient: Tensor([1.0, 1, 1]))
        }
        // A second backward through freed saved tensors fails; with retainGraph it works.
        let y = (w * w).sum()
        try y.backward()
        #expect(throws: AutogradError.graphFreed(node: "MulBackward0")) { try y.backward() }
        let z = (w * w).sum()
        try z.backward(retainGraph: true)
        try z.backward()
        // Ops that save no tensors can be differentiated again (PyTorch does not complain either).
        let s = w.sum()
        try s.backward()
        try s.backward()
        // + and − save nothing (AddBackward0, SubBackward0 keep only alpha in PyTorch); relu and a
        // power with a constant exponent keep their input, so a second pass through them fails.
        let t = (w + 1 - w).sum()
        try t.backward()
        try t.backward()
        let r = (w.relu() - 1).pow(2).sum()
        try r.backward()
        #expect(throws: AutogradError.graphFreed(node: "PowBackward0")) { try r.backward() }
    }

    @Test func backwardWithExplicitGradient() throws {
        let w = x.requiringGrad()
        let g = Tensor([[1.0, 2, 3], [4, 5, 6]] as [[Double]])
        try (w * 2).backward(gradient: g)
        expectValues(w.grad!, [2, 4, 6, 8, 10, 12])
    }

    @Test func noGradScope() throws {
        let w = x.requiringGrad()
        let y = withNoGrad { w * 2 }
        #expect(!y.requiresGrad)
        #expect((w * 2).requiresGrad)
    }

    @Test func mixedDtypeGradientHasTheInputsDtype() throws {
        let w32 = Tensor([1, 2] as [Float]).requiringGrad()
        let w64 = Tensor([3, 4] as [Double]).requiringGrad()
        try (w32 * w64).sum().backward()
        #expect(w32.grad!.dtype == .float32 && w64.grad!.dtype == .float64)
        expectValues(w32.grad!, [3, 4])
        let y = w32.to(.float64)
        #expect(y.gradFnName == "ToCopyBackward0")
    }

    @Test func deepChainsDoNotOverflowTheStack() throws {
        let w = Tensor(1.0).requiringGrad()
        var y = w
        for _ in 0..<20_000 { y = y * 1.0 }
        try y.backward()
        #expect(w.grad!.doubleValue == 1)
    }

    @Test func functionalGradLeavesDotGradAlone() throws {
        let w = x.requiringGrad()
        let g = try Autograd.grad(of: (w * w).sum(), wrt: [w])[0]
        expectValues(g, x.scalars(as: Double.self).map { 2 * $0 })
        #expect(w.grad == nil)
        let unused = Tensor(1.0).requiringGrad()
        #expect(throws: AutogradError.inputNotInGraph(index: 1)) { try Autograd.grad(of: w.sum(), wrt: [w, unused]) }
    }

    @Test func singularMatrixInBackwardThrows() throws {
        let a = Tensor([[1.0, 2], [2, 4]] as [[Double]]).requiringGrad()
        let d = a.det()
        #expect(d.doubleValue == 0)
        #expect(throws: TensorError.self) { try d.backward() }
    }

    /// A pass that throws half-way leaves no gradient waiting in the graph: a later pass through the
    /// shared part counts only its own (whichever order the two branches ran in).
    @Test func aFailedPassLeavesNothingBehind() throws {
        let a = Tensor([[1.0, 2], [2, 4]] as [[Double]]).requiringGrad()
        let s = a * 2
        for f in [s.det() + s.sum(), s.sum() + s.det()] {
            #expect(throws: TensorError.self) { try f.backward(retainGraph: true) }
            a.grad = nil
            try s.sum().backward(retainGraph: true)
            expectValues(a.grad!, [2, 2, 2, 2])
            a.grad = nil
        }
    }
}

@Suite struct HigherOrderTests {
    // f(x) = sum(exp(x) * x²) has a diagonal Hessian: e^x (x² + 4x + 2).
    @Test func hessianOfSeparableFunction() throws {
        let x = Tensor([0.3, -0.7, 1.1] as [Double])
        let h = try Autograd.hessian(of: { ($0.exp() * $0 * $0).sum() }, at: x)
        let xs = x.scalars(as: Double.self)
        var expected = [Double](repeating: 0, count: 9)
        for i in 0..<3 { expected[i * 4] = Foundation.exp(xs[i]) * (xs[i] * xs[i] + 4 * xs[i] + 2) }
        expectValues(h, expected, shape: [3, 3], tolerance: 1e-12)
    }

    // f(x) = xᵀ A x has Hessian A + Aᵀ.
    @Test func hessianOfQuadraticForm() throws {
        let a = Tensor([[1.0, 2, 0], [-1, 3, 4], [0.5, 0, 2]] as [[Double]])
        let h = try Autograd.hessian(of: { $0.matmul(a).matmul($0) }, at: Tensor([0.1, 0.2, 0.3] as [Double]))
        expectValues(h, (a + a.t()).scalars(as: Double.self), shape: [3, 3])
    }

    // Double backward agrees with finite differences of the gradient, for a matrix objective.
    @Test func hessianMatchesFiniteDifferencesOfGradient() throws {
        let w0 = Tensor(shape: [2, 2], scalars: [0.4, -0.3, 0.8, 0.1] as [Double])
        let xData = Tensor([[1.0, -2], [0.5, 1.5], [-1, 0.25]] as [[Double]])
        let y = Tensor([[0.3, -0.2], [1.0, 0.4], [-0.5, 0.7]] as [[Double]])
        func f(_ w: Tensor) -> Tensor { (xData.matmul(w).tanh() - y).pow(2).sum() }
        let h = try Autograd.hessian(of: f, at: w0)
        let eps = 1e-6
        var numeric: [Double] = []
        for j in 0..<4 {
            func gradAt(_ delta: Double) throws -> [Double] {
                var v = w0.scalars(as: Double.self)
                v[j] += delta
                let leaf = Tensor(shape: [2, 2], scalars: v).requiringGrad()
                return try Autograd.grad(of: f(leaf), wrt: [leaf])[0].scalars(as: Double.self)
            }
            let plus = try gradAt(eps), minus = try gradAt(-eps)
            numeric.append(contentsOf: zip(plus, minus).map { ($0 - $1) / (2 * eps) })
        }
        // Column j of the numeric matrix is d(grad)/dw_j; the Hessian is symmetric.
        expectValues(h, numeric, shape: [4, 4], tolerance: 1e-6)
        let hv = try Autograd.hessianVectorProduct(of: f, at: w0, vector: Tensor.ones([2, 2], dtype: .float64))
        expectValues(hv, h.sum(dim: 1).scalars(as: Double.self), tolerance: 1e-12)
    }
}

/// PyTorch's conventions where the derivative does not exist (values observed in torch 2.13).
@Suite struct NonSmoothPointTests {
    let x = Tensor([0.0, 1, -1, 1] as [Double])

    func gradient(_ f: (Tensor) -> Tensor) throws -> [Double] {
        let leaf = x.requiringGrad()
        try f(leaf).sum().backward()
        return leaf.grad!.scalars(as: Double.self)
    }

    @Test func kinksFollowPyTorch() throws {
        #expect(try gradient { $0.relu() } == [0, 1, 0, 1])
        #expect(try gradient { $0.abs() } == [0, 1, -1, 1])
        #expect(try gradient { $0.max() } == [0, 0.5, 0, 0.5])
        #expect(try gradient { $0.min() } == [0, 0, 1, 0])
        #expect(try gradient { Tensor.maximum($0, Tensor(1.0)) } == [0, 0.5, 0, 0.5])
        #expect(try gradient { $0.clamp(min: -1, max: 1) } == [1, 1, 1, 1])
        #expect(try gradient { ($0 * 0).norm() } == [0, 0, 0, 0])
        #expect(try gradient { $0.reshaped(2, 2).max(dim: 1).values } == [0, 1, 0, 1])
        let sqrt = try gradient { $0.sqrt() }
        #expect(sqrt[0] == .infinity && sqrt[1] == 0.5 && sqrt[2].isNaN)
    }
}
