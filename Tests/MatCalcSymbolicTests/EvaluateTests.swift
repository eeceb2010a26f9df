import Foundation
import MatCalc
import Testing

// MARK: - Inputs and expected values

/// The numeric inputs (float64) of the evaluator and emitter tests: n = 3, d = k = 2.
enum Inputs {
    static let sizes = ["n": 3, "d": 2, "k": 2]
    static let X = Tensor([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
    static let W = Tensor([[0.5, -1.0], [2.0, 0.75]])
    static let Y = Tensor([[1.0, 0.0], [-0.5, 2.0], [0.25, -1.0]])
    static let A = Tensor([[2.0, -1.0, 0.5], [0.0, 3.0, 1.0], [1.0, 0.5, 4.0]])
    static let S = Tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]])
    static let B = Tensor([[1.0, 2.0], [-0.5, 0.5]])
    /// det N = −2.
    static let N = Tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    static let x = Tensor([0.5, -1.0, 2.0])
    static let y = Tensor([1.5, 0.25, -0.75])
    static let w = Tensor([0.3, -0.7])
    static let λ = Tensor(0.75)

    static let variables: [String: Tensor] = [
        "X": X, "W": W, "Y": Y, "A": A, "S": S, "B": B, "N": N, "x": x, "y": y, "w": w, "λ": λ,
    ]

    /// The variables of `e` only, in natural shape, as float64 leaves that require grad.
    static func leaves(for e: Expr) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: e.variableNames.map { ($0, variables[$0]!.to(.float64).requiringGrad()) })
    }
}

/// Every Expr case, with its value computed by NumPy (`np.…` in the comments) on `Inputs`, in the
/// natural shape (row-major).
enum EvaluationCases {
    typealias F = Fixtures
    static let absX = Expr.apply(.abs, F.x)

    static let all: [(name: String, expr: Expr, shape: [Int], values: [Double])] = [
        ("variable", F.X, [3, 2], [1.0, -2.0, 0.5, 3.0, -1.5, 0.25]),
        ("number", .number(2.5), [], [2.5]),
        ("identity", .identity(F.n), [3, 3], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
        ("onesMatrix", .ones(MatrixShape(F.n, F.d)), [3, 2], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
        ("onesVector", .ones(.vector(F.n)), [3], [1.0, 1.0, 1.0]),
        ("zeros", .zeros(.vector(F.d)), [2], [0.0, 0.0]),
        // A + S − 2 A
        ("sum", .sum([F.A, F.S, .scale(.number(-2), F.A)]), [3, 3], [2.0, 2.0, 0.0, 1.0, 0.0, -0.75, -0.5, -0.25, -2.0]),
        // X.T @ A @ X
        ("productMatrix", .product([F.t(F.X), F.A, F.X]), [2, 2], [7.875, -3.0, -2.6875, 41.625]),
        ("productScalar", .product([F.t(F.x), F.A, F.x]), [], [18.5]),
        ("productOuter", .product([F.x, F.t(F.y)]), [3, 3], [0.75, 0.125, -0.375, -1.5, -0.25, 0.75, 3.0, 0.5, -1.5]),
        // Transposed factors are read by the GEMM, negated terms subtracted, 2^k multiples moved
        // onto the smallest factor: W.T @ X.T, S - A, A - S, 2 * X @ W.T, 3 * X.T @ Y, -0.5 * X.T @ Y
        ("productTransposedBoth", .product([F.t(F.W), F.t(F.X)]), [2, 3], [-3.5, 6.25, -0.25, -2.5, 1.75, 1.6875]),
        ("sumNegatedFirst", .sum([.scale(.number(-1), F.A), F.S]), [3, 3], [2.0, 2.0, 0.0, 1.0, 0.0, -0.75, -0.5, -0.25, -2.0]),
        ("sumNegatedLast", .sum([F.A, .scale(.number(-1), F.S)]), [3, 3], [-2.0, -2.0, 0.0, -1.0, 0.0, 0.75, 0.5, 0.25, 2.0]),
        ("scaledProduct", .scale(.number(2), .product([F.X, F.t(F.W)])), [3, 2], [5.0, 1.0, -5.5, 6.5, -2.0, -5.625]),
        ("scaledProductOdd", .scale(.number(3), .product([F.t(F.X), F.Y])), [2, 2], [1.125, 7.5, -10.3125, 17.25]),
        ("scaledProductHalf", .scale(.number(-0.5), .product([F.t(F.X), F.Y])), [2, 2], [-0.1875, -1.25, 1.71875, -2.875]),
        // np.sum(np.log(A @ np.abs(x)))
        ("productOnes", .product([F.t(F.ones), .apply(.log, .product([F.A, absX]))]), [], [3.8066624897703196]),
        ("scaleScalarVar", .scale(F.λ, F.w), [2], [0.22499999999999998, -0.5249999999999999]),
        ("scaleNegative", .scale(.number(-2), F.X), [3, 2], [-2.0, 4.0, -1.0, -6.0, 3.0, -0.5]),
        ("divide", .divide(F.X, F.λ), [3, 2],
         [1.3333333333333333, -2.6666666666666665, 0.6666666666666666, 4.0, -2.0, 0.3333333333333333]),
        ("hadamard", .hadamard(F.X, F.Y), [3, 2], [1.0, -0.0, -0.25, 6.0, -0.375, -0.25]),
        ("hadamardDivide", .hadamardDivide(F.x, F.y), [3], [0.3333333333333333, -4.0, -2.6666666666666665]),
        // np.kron(W, B)
        ("kronMatrix", .kronecker(F.W, F.B), [4, 4],
         [0.5, 1.0, -1.0, -2.0, -0.25, 0.25, 0.5, -0.5, 2.0, 4.0, 0.75, 1.5, -1.0, 1.0, -0.375, 0.375]),
        ("kronVector", .kronecker(F.x, F.w), [6], [0.15, -0.35, -0.3, 0.7, 0.6, -1.4]),
        // np.kron(A, w[:, None])
        ("kronMixed", .kronecker(F.A, F.w), [6, 3],
         [0.6, -0.3, 0.15, -1.4, 0.7, -0.35, 0.0, 0.8999999999999999, 0.3, -0.0, -2.0999999999999996, -0.7, 0.3, 0.15,
          1.2, -0.7, -0.35, -2.8]),
        ("transpose", F.t(F.X), [2, 3], [1.0, 0.5, -1.5, -2.0, 3.0, 0.25]),
        ("inverse", .inverse(F.A), [3, 3],
         [0.5609756097560976, 0.2073170731707317, -0.12195121951219512, 0.048780487804878044, 0.36585365853658536,
          -0.09756097560975609, -0.14634146341463414, -0.09756097560975609, 0.2926829268292683]),
        ("matrixPower3", .matrixPower(F.A, 3), [3, 3], [11.0, -17.75, 5.5, 9.0, 31.0, 38.0, 29.0, 10.0, 73.5]),
        ("matrixPower0", .matrixPower(F.A, 0), [3, 3], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
        ("powerSquare", .power(F.X, 2), [3, 2], [1.0, 4.0, 0.25, 9.0, 2.25, 0.0625]),
        ("powerReciprocal", .power(F.x, -1), [3], [2.0, -1.0, 0.5]),
        ("powerSqrtScalar", .power(F.λ, 0.5), [], [0.8660254037844386]),
        ("exp", .apply(.exp, F.x), [3], [1.6487212707001282, 0.36787944117144233, 7.38905609893065]),
        ("log", .apply(.log, F.S), [3, 3],
         [1.3862943611198906, 0.0, -0.6931471805599453, 0.0, 1.0986122886681098, -1.3862943611198906,
          -0.6931471805599453, -1.3862943611198906, 0.6931471805599453]),
        ("sin", .apply(.sin, F.x), [3], [0.479425538604203, -0.8414709848078965, 0.9092974268256817]),
        ("cos", .apply(.cos, F.x), [3], [0.8775825618903728, 0.5403023058681398, -0.4161468365471424]),
        ("tanh", .apply(.tanh, F.x), [3], [0.46211715726000974, -0.7615941559557649, 0.9640275800758169]),
        ("sigmoid", .apply(.sigmoid, F.x), [3], [0.6224593312018546, 0.2689414213699951, 0.8807970779778823]),
        ("relu", .apply(.relu, F.Y), [3, 2], [1.0, 0.0, 0.0, 2.0, 0.25, 0.0]),
        ("abs", absX, [3], [0.5, 1.0, 2.0]),
        ("sqrt", .apply(.sqrt, F.S), [3, 3],
         [2.0, 1.0, 0.7071067811865476, 1.0, 1.7320508075688772, 0.5, 0.7071067811865476, 0.5, 1.4142135623730951]),
        ("step", .apply(.step, F.Y), [3, 2], [1.0, 0.0, 0.0, 1.0, 1.0, 0.0]),
        ("sign", .apply(.sign, F.Y), [3, 2], [1.0, 0.0, -1.0, 1.0, 1.0, -1.0]),
        ("maximum", .maximum(F.X, -1), [3, 2], [1.0, -1.0, 0.5, 3.0, -1.0, 0.25]),
        ("minimum", .minimum(F.X, 0.5), [3, 2], [0.5, -2.0, 0.5, 0.5, -1.5, 0.25]),
        ("indicatorGreater", .indicator(F.XW, .greater, .number(0)), [3, 2], [0.0, 0.0, 1.0, 1.0, 0.0, 1.0]),
        ("indicatorLessOrEqual", .indicator(F.x, .lessOrEqual, F.y), [3], [1.0, 1.0, 0.0]),
        ("indicatorGreaterOrEqual", .indicator(F.X, .greaterOrEqual, .number(0.5)), [3, 2], [1.0, 0.0, 1.0, 1.0, 0.0, 0.0]),
        ("indicatorLess", .indicator(F.Y, .less, .number(0)), [3, 2], [0.0, 0.0, 1.0, 0.0, 0.0, 1.0]),
        // X * (Y > 0), (X <= 0.5) * Y, np.maximum(X, 0): a mask selects in one pass, max(·, 0) is relu
        ("hadamardIndicator", .hadamard(F.X, .indicator(F.Y, .greater, .number(0))), [3, 2], [1.0, -0.0, 0.0, 3.0, -1.5, 0.0]),
        ("indicatorHadamard", .hadamard(.indicator(F.X, .lessOrEqual, .number(0.5)), F.Y), [3, 2], [0.0, 0.0, -0.5, 0.0, 0.25, -1.0]),
        ("maximumZero", .maximum(F.X, 0), [3, 2], [1.0, 0.0, 0.5, 3.0, 0.0, 0.25]),
        ("trace", .trace(F.A), [], [9.0]),
        ("det", .det(F.A), [], [20.5]),
        ("logdet", .logdet(F.S, absolute: false), [], [3.056356895370426]),
        // np.linalg.slogdet(N)[1], det N = −2
        ("logdetAbsolute", .logdet(F.N, absolute: true), [], [0.6931471805599453]),
        ("diagVector", .diag(F.x), [3, 3], [0.5, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 2.0]),
        ("diagMatrix", .diag(F.A), [3], [2.0, 3.0, 4.0]),
        // X.reshape(-1, order='F')
        ("vec", .vec(F.X), [6], [1.0, 0.5, -1.5, -2.0, 3.0, 0.25]),
        ("sumEntries", .sumEntries(F.X), [], [1.25]),
        ("normFrobenius", .norm(F.X, .frobenius), [], [4.0697051490249265]),
        ("normOne", .norm(F.x, .one), [], [3.5]),
        ("softmaxVector", .softmax(F.x), [3], [0.1752903921400367, 0.039112573270687456, 0.7855970345892759]),
        ("softmaxRows", .softmax(F.X), [3, 2],
         [0.9525741268224334, 0.04742587317756679, 0.07585818002124356, 0.9241418199787566, 0.1480471980316895,
          0.8519528019683106]),
        ("logsumexp", .logsumexp(F.x), [], [2.241311296657157]),
        // 2 * X.T @ ((np.maximum(X @ W, 0) - Y) * (X @ W > 0))
        ("anchor", F.anchor, [2, 2], [6.75, -8.3125, 40.5, -0.15625]),
        ("gaussian", F.gaussian, [], [8.08503336595866]),
    ]
}

/// Shape and values, element by element, with a relative-and-absolute tolerance.
func expectValues(
    _ t: Tensor, _ expected: [Double], shape: [Int], tolerance: Double = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(t.shape == shape, "shape", sourceLocation: sourceLocation)
    let got = t.scalars(as: Double.self)
    #expect(got.count == expected.count, "element count", sourceLocation: sourceLocation)
    for (i, (g, e)) in zip(got, expected).enumerated() {
        let same = (g.isNaN && e.isNaN) || g == e || Swift.abs(g - e) <= tolerance * Swift.max(1, Swift.abs(e))
        #expect(same, "element \(i): got \(g), expected \(e)", sourceLocation: sourceLocation)
    }
}

/// The evaluator's value of `e` on `Inputs`, in natural shape.
func evaluated(_ e: Expr) throws -> Tensor {
    try evaluate(e, variables: Inputs.variables, sizes: Inputs.sizes).naturalShaped(as: e.shape)
}

// MARK: - The evaluator

@Suite struct EvaluateTests {
    typealias F = Fixtures

    @Test(arguments: EvaluationCases.all.indices)
    func valueMatchesNumPy(_ i: Int) throws {
        let c = EvaluationCases.all[i]
        let raw = try evaluate(c.expr, variables: Inputs.variables, sizes: Inputs.sizes)
        let rows = c.expr.shape.rows.size(in: Inputs.sizes)!, cols = c.expr.shape.cols.size(in: Inputs.sizes)!
        #expect(raw.shape == [rows, cols], "\(c.name): evaluate returns the 2-D shape")
        #expect(raw.dtype == .float64)
        expectValues(raw.naturalShaped(as: c.expr.shape), c.values, shape: c.shape)
    }

    /// One plan over all the cases (their subexpressions shared, `X W` computed once) gives each case's
    /// NumPy value, as evaluating it alone does.
    @Test func planSharesSubexpressionsAndKeepsValues() throws {
        let cases = EvaluationCases.all
        let values = try EvaluationPlan(cases.map(\.expr)).run(variables: Inputs.variables, sizes: Inputs.sizes)
        #expect(values.count == cases.count)
        for (c, raw) in zip(cases, values) { expectValues(raw.naturalShaped(as: c.expr.shape), c.values, shape: c.shape) }
        // A singular matrix in one expression fails the whole run, as it fails `evaluate`.
        let singular = ["A": Tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]])]
        #expect(throws: (any Error).self) {
            try EvaluationPlan([.inverse(F.A), .trace(F.A)]).run(variables: singular, sizes: Inputs.sizes)
        }
    }

    /// Masks select (0 where the condition fails, even against ±∞ and NaN, as PyTorch's masking
    /// backward passes do); max(A, 0) propagates NaN, as the emitted np.maximum and torch.relu do.
    @Test func masksSelectAndMaxPropagatesNaN() throws {
        let a = Tensor([[Double.infinity, .nan], [2.0, -.infinity]])
        let b = Tensor([[-1.0, -1.0], [1.0, 1.0]])
        let vars = ["A": a, "B": b]
        let A = Expr.variable("A", MatrixShape(.fixed(2), .fixed(2))), B = Expr.variable("B", MatrixShape(.fixed(2), .fixed(2)))
        let masked = try evaluate(.hadamard(A, .indicator(B, .greater, .number(0))), variables: vars, sizes: [:])
        expectValues(masked, [0, 0, 2, -.infinity], shape: [2, 2])
        let maxed = try evaluate(.maximum(A, 0), variables: vars, sizes: [:])
        expectValues(maxed, [.infinity, .nan, 2, 0], shape: [2, 2])
    }

    @Test func everyExprCaseIsCovered() {
        func caseName(_ e: Expr) -> String { String(String(describing: e).prefix { $0 != "(" }) }
        var seen = Set<String>()
        func walk(_ e: Expr) {
            seen.insert(caseName(e))
            e.children.forEach(walk)
        }
        EvaluationCases.all.forEach { walk($0.expr) }
        let all: Set<String> = [
            "variable", "number", "identity", "ones", "zeros", "sum", "product", "scale", "divide", "hadamard",
            "hadamardDivide", "kronecker", "transpose", "inverse", "matrixPower", "power", "apply", "maximum",
            "minimum", "indicator", "trace", "det", "logdet", "diag", "vec", "sumEntries", "norm", "softmax",
            "logsumexp",
        ]
        #expect(all.subtracting(seen).isEmpty, "not evaluated: \(all.subtracting(seen))")
        let functions = Set(EvaluationCases.all.compactMap { c -> ElementwiseFunction? in
            if case .apply(let f, _) = c.expr { return f }
            return nil
        })
        #expect(functions == Set(ElementwiseFunction.allCases))
    }

    @Test func differentialsCannotBeEvaluated() {
        #expect(throws: EvaluationError.self) {
            try evaluate(.product([F.A, .differential(F.X)]), variables: Inputs.variables, sizes: Inputs.sizes)
        }
    }

    @Test func inputsAreCheckedAndSizesInferred() throws {
        #expect(throws: EvaluationError.missingVariable("X")) {
            try evaluate(.trace(F.X), variables: [:], sizes: Inputs.sizes)
        }
        #expect(throws: EvaluationError.shapeMismatch(variable: "x", expected: "[3, 1]", got: [2])) {
            try evaluate(F.x, variables: ["x": Inputs.w], sizes: Inputs.sizes)
        }
        #expect(throws: EvaluationError.unknownDimension("m")) {
            try evaluate(.identity(.named("m")), variables: [:], sizes: [:])
        }
        // n and d come from X; the 2-D forms of vectors and scalars are accepted too.
        let v = try evaluate(
            .sum([.product([F.X, F.w]), .scale(F.λ, .ones(.vector(F.n)))]),
            variables: ["X": Inputs.X, "w": Inputs.w.reshaped([2, 1]), "λ": Inputs.λ.reshaped([1, 1])], sizes: [:])
        expectValues(v, [2.45, -1.2, 0.125], shape: [3, 1])  // NumPy: X @ w + 0.75
        let message = EvaluationError.shapeMismatch(variable: "x", expected: "[3, 1]", got: [2]).description
        #expect(message == "the variable 'x' should have shape [3, 1] but its tensor has shape [2]")
    }

    @Test func constantsTakeTheVariablesDtype() throws {
        let X32 = Inputs.X.to(.float32)
        let v = try evaluate(.sum([.scale(.number(0.5), F.X), .ones(MatrixShape(F.n, F.d))]), variables: ["X": X32], sizes: [:])
        #expect(v.dtype == .float32)
        #expect(try evaluate(.identity(F.n), variables: [:], sizes: ["n": 2]).dtype == .float64)
        #expect(try evaluate(.identity(F.n), variables: [:], sizes: ["n": 2], dtype: .float32).dtype == .float32)
    }

    @Test func singularMatricesThrow() {
        let zero = Tensor.zeros([3, 3], dtype: .float64)
        #expect(throws: TensorError.self) {
            try evaluate(.inverse(F.A), variables: ["A": zero], sizes: Inputs.sizes)
        }
    }
}

// MARK: - Autograd through the evaluator

@Suite struct EvaluateAutogradTests {
    typealias F = Fixtures

    @Test func gradientOfTraceXtAIsA() throws {
        let X = Inputs.X.requiringGrad()
        let f = try evaluate(.trace(.product([F.t(F.X), F.Y])), variables: ["X": X, "Y": Inputs.Y], sizes: [:])
        try f.backward()
        expectValues(X.grad!, Inputs.Y.scalars(as: Double.self), shape: [3, 2])
    }

    @Test func gradientOfReluLossIsTheAnchor() throws {
        let W = Inputs.W.requiringGrad()
        let f = try evaluate(F.reluLoss, variables: ["X": Inputs.X, "W": W, "Y": Inputs.Y], sizes: [:])
        try f.backward()
        // The closed form 2 Xᵀ ((max(X W, 0) − Y) ⊙ 1{X W > 0}), NumPy's value.
        expectValues(W.grad!, [6.75, -8.3125, 40.5, -0.15625], shape: [2, 2])
    }

    @Test func gradientOfQuadraticForm() throws {
        let x = Inputs.x.requiringGrad()
        let f = try evaluate(.product([F.t(F.x), F.A, F.x]), variables: ["x": x, "A": Inputs.A], sizes: [:])
        try f.backward()
        // (A + Aᵀ) x
        let expected = try evaluated(.product([.sum([F.A, F.t(F.A)]), F.x]))
        expectValues(x.grad!, expected.scalars(as: Double.self), shape: [3])
        expectValues(x.grad!, [6.0, -3.5, 15.25], shape: [3])  // NumPy: (A + A.T) @ x
    }

    @Test func gradientOfLogDetIsInverseTranspose() throws {
        let S = Inputs.A.requiringGrad()
        let f = try evaluate(.logdet(F.S, absolute: false), variables: ["S": S], sizes: [:])
        try f.backward()
        let expected = try evaluate(.transpose(.inverse(F.A)), variables: ["A": Inputs.A], sizes: [:])
        expectValues(S.grad!, expected.scalars(as: Double.self), shape: [3, 3])
    }

    @Test func gradientOfGaussianNLL() throws {
        let leaves = Inputs.leaves(for: F.gaussian)
        let f = try evaluate(F.gaussian, variables: leaves, sizes: [:])
        try f.backward()
        // ∂/∂x = (S⁻¹ + S⁻ᵀ)(x − y); ∂/∂S = S⁻ᵀ − S⁻ᵀ (x − y)(x − y)ᵀ S⁻ᵀ.
        let gx = try evaluated(.product([.sum([.inverse(F.S), .transpose(.inverse(F.S))]), .sum([F.x, F.neg(F.y)])]))
        expectValues(leaves["x"]!.grad!, gx.scalars(as: Double.self), shape: [3])
        let d = Expr.sum([F.x, F.neg(F.y)]), SinvT = Expr.transpose(.inverse(F.S))
        let gS = try evaluated(.sum([SinvT, F.neg(.product([SinvT, d, .transpose(d), SinvT]))]))
        expectValues(leaves["S"]!.grad!, gS.scalars(as: Double.self), shape: [3, 3])
    }

    /// Expressions whose evaluation must be differentiable (composed ops included), checked by
    /// central finite differences in every variable.
    static let differentiable: [(String, Expr)] = [
        ("kronMatrix", .kronecker(F.W, F.B)), ("kronMixed", .kronecker(F.A, F.w)), ("kronVector", .kronecker(F.x, F.w)),
        ("vec", .vec(.product([F.X, F.W]))), ("diagVector", .diag(F.x)), ("diagMatrix", .diag(F.A)),
        ("softmaxRows", .softmax(F.X)), ("softmaxVector", .softmax(F.x)), ("logsumexp", .logsumexp(F.x)),
        ("maximum", .maximum(F.X, -1)), ("minimum", .minimum(F.X, 0.7)), ("relu", .apply(.relu, F.XW)),
        ("det", .det(F.A)), ("inverse", .inverse(F.A)), ("logdetAbsolute", .logdet(F.N, absolute: true)),
        ("matrixPower", .matrixPower(F.A, 3)), ("powerReciprocal", .power(F.x, -1)), ("powerScalar", .power(F.λ, 0.5)),
        ("normFrobenius", .norm(F.X, .frobenius)), ("normOne", .norm(F.x, .one)), ("sigmoid", .apply(.sigmoid, F.x)),
        ("tanh", .apply(.tanh, F.X)), ("sqrt", .apply(.sqrt, F.S)), ("hadamardDivide", .hadamardDivide(F.x, F.y)),
        ("divide", .divide(F.X, F.λ)), ("scale", .scale(F.λ, F.w)), ("sumEntries", .sumEntries(F.X)),
        ("reluLoss", F.reluLoss), ("gaussian", F.gaussian), ("anchor", F.anchor),
        ("outer", .product([F.x, F.t(F.y)])), ("onesSum", .product([F.t(F.ones), .apply(.exp, F.x)])),
    ]

    @Test(arguments: differentiable.indices)
    func gradcheckThroughTheEvaluator(_ i: Int) throws {
        let (name, e) = Self.differentiable[i]
        let names = e.variableNames
        let report = try gradcheck(
            { leaves in
                let vars = Dictionary(uniqueKeysWithValues: zip(names, leaves))
                return try evaluate(e, variables: vars, sizes: Inputs.sizes)
            }, inputs: names.map { Inputs.variables[$0]! })
        #expect(report.passed, "\(name): \(report)")
    }

    @Test func kinksFollowTheStepConvention() throws {
        // At a tie max(x, c), min(x, c) and relu have derivative 0, like 1{x > c} and 1{x < c}.
        let x = Tensor([0.5, 0.0, 2.0]).requiringGrad()
        let f = try evaluate(
            .sumEntries(.sum([.maximum(F.x, 0.5), .apply(.relu, F.x), .minimum(F.x, 2)])), variables: ["x": x], sizes: [:])
        try f.backward()
        expectValues(x.grad!, [2.0, 1.0, 2.0], shape: [3])  // max + relu + min: 0 + 1 + 1, 0 + 0 + 1, 1 + 1 + 0
    }
}

// MARK: - Emitted NumPy and PyTorch code, executed

/// Runs python3 (found on PATH) on a script; nil when python3 cannot be started.
func runPython(_ script: String) -> (status: Int32, output: String)? {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("matcalc-emit-\(UUID().uuidString)")
    guard (try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)) != nil else { return nil }
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("emitted.py")
    guard (try? script.write(to: file, atomically: true, encoding: .utf8)) != nil else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

enum PythonAvailability {
    static let numpy: Bool = runPython("import numpy")?.status == 0
    static let torch: Bool = runPython("import numpy\nimport torch")?.status == 0
}

/// A Python list literal of a tensor's values, nested by its shape (exact: Swift prints round-trip digits).
func pythonLiteral(_ t: Tensor) -> String {
    let v = t.scalars(as: Double.self).map { "\($0)" }
    switch t.rank {
    case 0: return v[0]
    case 1: return "[" + v.joined(separator: ", ") + "]"
    default:
        let cols = t.shape[1]
        return "[" + stride(from: 0, to: v.count, by: cols).map { "[" + v[$0..<($0 + cols)].joined(separator: ", ") + "]" }
            .joined(separator: ", ") + "]"
    }
}

/// Runs each case's emitted code and compares the result (shape and values) with the evaluator.
func checkEmittedPython(torch: Bool) throws {
    let cases = EvaluationCases.all
    var script = torch ? "import json\nimport torch\n" : Expr.numpyPrelude + "\nimport json\n"
    for (name, value) in Inputs.variables.sorted(by: { $0.key < $1.key }) {
        script += torch
            ? "\(name) = torch.tensor(\(pythonLiteral(value)), dtype=torch.float64)\n"
            : "\(name) = np.array(\(pythonLiteral(value)), dtype=float)\n"
    }
    for (name, size) in Inputs.sizes.sorted(by: { $0.key < $1.key }) { script += "\(name) = \(size)\n" }
    script += "results = []\n"
    for c in cases {
        let code = torch ? try c.expr.pytorch() : try c.expr.numpy()
        let toList = torch
            ? "v = torch.as_tensor(v).detach().to(torch.float64); results.append([list(v.shape), v.reshape(-1).tolist()])"
            : "v = np.asarray(v, dtype=float); results.append([list(v.shape), v.reshape(-1).tolist()])"
        script += "try:\n    v = \(code)\n    \(toList)\nexcept Exception as e:\n    results.append(repr(e))\n"
    }
    script += "print(json.dumps(results))\n"
    let run = try #require(runPython(script))
    try #require(run.status == 0, "python3 failed:\n\(run.output)")
    let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
    let results = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [Any])
    #expect(results.count == cases.count)
    for (c, result) in zip(cases, results) {
        let code = torch ? try c.expr.pytorch() : try c.expr.numpy()
        guard let pair = result as? [Any], let shape = pair[0] as? [Int], let values = pair[1] as? [Double] else {
            Issue.record("\(c.name): `\(code)` failed in Python: \(result)")
            continue
        }
        let swiftValue = try evaluated(c.expr)
        #expect(shape == swiftValue.shape, "\(c.name): `\(code)` has shape \(shape)")
        let expected = swiftValue.scalars(as: Double.self)
        let close = values.count == expected.count
            && zip(values, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-10 * Swift.max(1, Swift.abs($1)) }
        #expect(close, "\(c.name): `\(code)` gives \(values), the evaluator \(expected)")
    }
}

@Suite struct EmittedPythonTests {
    @Test(.enabled(if: PythonAvailability.numpy, "skipped: python3 with numpy is not available"))
    func numpyCodeMatchesTheEvaluator() throws {
        try checkEmittedPython(torch: false)
    }

    @Test(.enabled(if: PythonAvailability.torch, "skipped: python3 with torch is not available"))
    func pytorchCodeMatchesTheEvaluator() throws {
        try checkEmittedPython(torch: true)
    }

    @Test func reportAvailability() {
        if !PythonAvailability.numpy { print("EmittedPythonTests: python3 with numpy not found; NumPy code not executed") }
        if !PythonAvailability.torch { print("EmittedPythonTests: python3 with torch not found; PyTorch code not executed") }
    }
}

// MARK: - Emitted Swift code, compiled

/// The Swift code `Expr.swift()` emits for `SwiftEmittedTests.cases`, pasted verbatim as the body
/// of one method per case (the test checks the pasting against this file's source), so the
/// compiler checks that the emitted code is valid MatCalc Swift and the test that it computes
/// the evaluator's value.
struct EmittedSwift {
    let X = Inputs.X, W = Inputs.W, Y = Inputs.Y, A = Inputs.A, S = Inputs.S, B = Inputs.B, N = Inputs.N
    let x = Inputs.x, y = Inputs.y, w = Inputs.w, λ = Inputs.λ
    let n = 3, d = 2

    func anchor() throws -> Tensor { 2 * X.t().matmul((X.matmul(W).relu() - Y) * (X.matmul(W) > 0)) }
    func gaussian() throws -> Tensor { try S.logdet() + (x - y).matmul(S.inverse()).matmul(x - y) }
    func quadratic() throws -> Tensor { x.matmul(A).matmul(x) }
    func outer() throws -> Tensor { x.unsqueeze(1).matmul(y.unsqueeze(0)) }
    func sumLog() throws -> Tensor { A.matmul(x.abs()).log().sum() }
    func reluLoss() throws -> Tensor { (X.matmul(W).relu() - Y).norm().pow(2) }
    func softmaxRows() throws -> Tensor { X.softmax(dim: -1) }
    func logsumexp() throws -> Tensor { x.logsumexp() }
    func kronMixed() throws -> Tensor { Tensor.kron(A, w.unsqueeze(1)) }
    func vec() throws -> Tensor { X.t().reshaped([-1]) }
    func mask() throws -> Tensor { (X.matmul(W) > 0).to(X.dtype) }
    func plusOnes() throws -> Tensor { X + Tensor.ones([n, d], dtype: X.dtype) }
    func inverseTranspose() throws -> Tensor { try A.inverse().t() }
    func logAbsDet() throws -> Tensor { N.slogdet().logAbsDet }
    func scaled() throws -> Tensor { λ * w - 0.5 * X.t().matmul(x).sigmoid() }
    func cubeTrace() throws -> Tensor { try A.matrixPower(3).trace() }
    func clampSign() throws -> Tensor { X.clamp(min: -1) * Y.sign() }
    func diagRatio() throws -> Tensor { x.diag().matmul(y) / λ.pow(0.5) }
    func rowSums() throws -> Tensor { X.sum(dim: 1) + Tensor.eye(n, dtype: X.dtype).matmul(x) }
    func entropy() throws -> Tensor { -y.softmax(dim: -1).matmul(x.softmax(dim: -1).log()) }
}

@Suite struct SwiftEmittedTests {
    typealias F = Fixtures

    static let cases: [(name: String, expr: Expr, code: String, run: @Sendable (EmittedSwift) throws -> Tensor)] = [
        ("anchor", F.anchor, "2 * X.t().matmul((X.matmul(W).relu() - Y) * (X.matmul(W) > 0))", { try $0.anchor() }),
        ("gaussian", F.gaussian, "try S.logdet() + (x - y).matmul(S.inverse()).matmul(x - y)", { try $0.gaussian() }),
        ("quadratic", .product([F.t(F.x), F.A, F.x]), "x.matmul(A).matmul(x)", { try $0.quadratic() }),
        ("outer", .product([F.x, F.t(F.y)]), "x.unsqueeze(1).matmul(y.unsqueeze(0))", { try $0.outer() }),
        ("sumLog", .product([F.t(F.ones), .apply(.log, .product([F.A, .apply(.abs, F.x)]))]), "A.matmul(x.abs()).log().sum()",
         { try $0.sumLog() }),
        ("reluLoss", F.reluLoss, "(X.matmul(W).relu() - Y).norm().pow(2)", { try $0.reluLoss() }),
        ("softmaxRows", .softmax(F.X), "X.softmax(dim: -1)", { try $0.softmaxRows() }),
        ("logsumexp", .logsumexp(F.x), "x.logsumexp()", { try $0.logsumexp() }),
        ("kronMixed", .kronecker(F.A, F.w), "Tensor.kron(A, w.unsqueeze(1))", { try $0.kronMixed() }),
        ("vec", .vec(F.X), "X.t().reshaped([-1])", { try $0.vec() }),
        ("mask", .apply(.step, F.XW), "(X.matmul(W) > 0).to(X.dtype)", { try $0.mask() }),
        ("plusOnes", .sum([F.X, .ones(MatrixShape(F.n, F.d))]), "X + Tensor.ones([n, d], dtype: X.dtype)",
         { try $0.plusOnes() }),
        ("inverseTranspose", .transpose(.inverse(F.A)), "try A.inverse().t()", { try $0.inverseTranspose() }),
        ("logAbsDet", .logdet(F.N, absolute: true), "N.slogdet().logAbsDet", { try $0.logAbsDet() }),
        ("scaled", .sum([.scale(F.λ, F.w), .scale(.number(-0.5), .apply(.sigmoid, .product([F.t(F.X), F.x])))]),
         "λ * w - 0.5 * X.t().matmul(x).sigmoid()", { try $0.scaled() }),
        ("cubeTrace", .trace(.matrixPower(F.A, 3)), "try A.matrixPower(3).trace()", { try $0.cubeTrace() }),
        ("clampSign", .hadamard(.maximum(F.X, -1), .apply(.sign, F.Y)), "X.clamp(min: -1) * Y.sign()",
         { try $0.clampSign() }),
        ("diagRatio", .divide(.product([.diag(F.x), F.y]), .power(F.λ, 0.5)), "x.diag().matmul(y) / λ.pow(0.5)",
         { try $0.diagRatio() }),
        ("rowSums", .sum([.product([F.X, .ones(.vector(F.d))]), .product([.identity(F.n), F.x])]),
         "X.sum(dim: 1) + Tensor.eye(n, dtype: X.dtype).matmul(x)", { try $0.rowSums() }),
        ("entropy", F.neg(.product([F.t(.softmax(F.y)), .apply(.log, .softmax(F.x))])),
         "-y.softmax(dim: -1).matmul(x.softmax(dim: -1).log())", { try $0.entropy() }),
    ]

    @Test(arguments: cases.indices)
    func emittedSwiftCompilesAndMatchesTheEvaluator(_ i: Int) throws {
        let c = Self.cases[i]
        #expect(try c.expr.swift() == c.code, "\(c.name)")
        let value = try c.run(EmittedSwift())
        let expected = try evaluated(c.expr)
        expectValues(value, expected.scalars(as: Double.self), shape: expected.shape)
    }

    @Test func theCompiledBodiesAreTheEmittedCodeVerbatim() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        for c in Self.cases {
            #expect(source.contains("func \(c.name)() throws -> Tensor { \(c.code) }"), "\(c.name): paste `\(c.code)`")
        }
    }
}
