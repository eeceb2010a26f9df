import Testing
import MatCalc

/// The same derivative several ways: four spellings of ‖A‖²_F derive to formulas that evaluate to the
/// same 2A (and to each other), and shared subexpressions are named in dependency order.
@Suite struct SeveralWaysTests {
    @Test func frobeniusNormSquaredFourWays() throws {
        let declarations = Declarations([("A", MatrixShape(.named("n"), .named("m")))])
        let a = Tensor.randn([3, 4], dtype: .float64, generator: Generator(seed: 3))
        var values: [[Double]] = []
        for text in ["||A||_F^2", "tr(A^T A)", "sum(A ⊙ A)", "sum(A .^ 2)"] {
            let f = try parseExpression(text, declarations: declarations)
            let g = try #require(try differentiate(f).gradient(of: "A"))
            values.append(try evaluate(g, variables: ["A": a], sizes: ["n": 3, "m": 4]).scalars(as: Double.self))
        }
        let expected = a.scalars(as: Double.self).map { 2 * $0 }
        for v in values {
            #expect(zip(v, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        }
        // Symbolically, the three that the simplifier can see through come out as exactly 2 A.
        let twoA = Expr.scale(.number(2), .variable("A", MatrixShape(.named("n"), .named("m"))))
        for text in ["||A||_F^2", "tr(A^T A)", "sum(A ⊙ A)"] {
            #expect(try differentiate(parseExpression(text, declarations: declarations)).gradient(of: "A") == twoA, "\(text)")
        }
    }

    @Test func sharedSubexpressionsAreNamedInOrder() throws {
        let declarations = Declarations([
            ("X", MatrixShape(.named("n"), .named("d"))), ("W", MatrixShape(.named("d"), .named("k"))),
            ("Y", MatrixShape(.named("n"), .named("k"))),
        ])
        let f = try parseExpression("||max(X W, 0) - Y||_F^2", declarations: declarations)
        let d = try differentiate(f)
        let named = NamedSubexpressions(d.gradients.map(\.gradient), reserved: ["X", "W", "Y", "n", "d", "k"])
        #expect(named.results.map(\.text) == ["2 Z Wᵀ", "2 Xᵀ Z", "−2 R"])
        #expect(named.definitions.map { "\($0.name) = \($0.value.text)" } == ["U = X W", "R = max(U, 0) − Y", "Z = R ⊙ 1{U > 0}"])
    }
}
