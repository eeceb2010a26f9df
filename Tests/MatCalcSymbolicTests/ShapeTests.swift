import Testing
@testable import MatCalcSymbolic

@Suite struct IRShapeTests {
    @Test func shapesOfNodes() {
        let n = Dim.named("n"), d = Dim.named("d")
        let X = Expr.variable("X", MatrixShape(n, d))
        let w = Expr.variable("w", .vector(d))
        #expect(Expr.product([X, w]).shape == .vector(n))
        #expect(Expr.transpose(w).shape == MatrixShape(.one, d))
        #expect(Expr.trace(.product([.transpose(X), X])).shape == .scalar)
        #expect(Expr.vec(X).shape == .vector(.product(n, d)))
        #expect(Expr.kronecker(X, .identity(.fixed(2))).shape == MatrixShape(.product(n, .fixed(2)), .product(d, .fixed(2))))
        #expect(Expr.diag(w).shape == MatrixShape(d, d))
        #expect(Dim.times(.fixed(3), .fixed(4)) == .fixed(12))
        #expect(Dim.product(n, d).size(in: ["n": 3, "d": 5]) == 15)
        #expect(MatrixShape(n, d).description == "n×d" && MatrixShape.vector(n).description == "n")
    }

    @Test func errorRendersACaret() {
        let e = SymbolicError(.shape, "shape mismatch in matrix product", at: SourceRange(2, 3), in: "X Y")
        #expect(e.description == "error: shape mismatch in matrix product\n  X Y\n    ^")
        let wide = SymbolicError(.unknownName, "unknown function 'trc'", at: SourceRange(0, 3), in: "trc(X)")
        #expect(wide.description == "error: unknown function 'trc'\n  trc(X)\n  ^~~")
    }
}
