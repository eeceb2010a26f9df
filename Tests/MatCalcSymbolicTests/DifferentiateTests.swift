import Testing
@testable import MatCalcSymbolic

@Suite struct DifferentiateTests {
    let n = Dim.named("n"), d = Dim.named("d"), k = Dim.named("k"), m = Dim.named("m"), p = Dim.named("p")
    func v(_ name: String, _ r: Dim, _ c: Dim) -> Expr { .variable(name, MatrixShape(r, c)) }

    @Test func traceOfVariableIsIdentity() throws {
        let X = v("X", n, n)
        let result = try differentiate(.trace(X))
        #expect(result.gradient(of: "X") == .identity(n))
    }

    @Test func traceAXB() throws {
        let A = v("A", p, n), X = v("X", n, m), B = v("B", m, p)
        let result = try differentiate(.trace(.product([A, X, B])), wrt: ["X"])
        #expect(result.gradient(of: "X") == .product([.transpose(A), .transpose(B)]))
    }

    @Test func reluRegressionAnchor() throws {
        let X = v("X", n, d), W = v("W", d, k), Y = v("Y", n, k)
        let XW = Expr.product([X, W])
        let R = Expr.sum([.maximum(XW, 0), .scale(.number(-1), Y)])
        let f = Expr.power(.norm(R, .frobenius), 2)
        let result = try differentiate(f)
        let mask = Expr.indicator(XW, .greater, .number(0))
        #expect(result.gradient(of: "W") == .scale(.number(2), .product([.transpose(X), .hadamard(R, mask)])))
        #expect(result.gradient(of: "X") == .scale(.number(2), .product([.hadamard(R, mask), .transpose(W)])))
        #expect(result.gradient(of: "Y") == .scale(.number(-2), R))
        #expect(result.assumptions.count == 1)
    }

    @Test func quadraticFormMergesLikeTerms() throws {
        let x = v("x", n, .one), B = v("B", n, n)
        let result = try differentiate(.product([.transpose(x), B, x]), wrt: ["x"])
        #expect(result.gradient(of: "x") == .product([.sum([.transpose(B), B]), x]))
    }

    @Test func nonScalarObjectiveIsAnError() {
        let X = v("X", n, d)
        #expect(throws: SymbolicError.self) { try differentiate(X) }
    }
}
