import Testing
import MatCalc
import MatCalcCorpus

/// "All of them and more": objectives beyond the public corpus, one per construct the corpus does not
/// exercise, each derived gradient checked against finite differences and autograd on drawn inputs.
@Suite struct BeyondCorpusTests {
    static let cases: [(String, [String: (shape: [String], initialization: String)], [String: Int])] = [
        ("sum(kron(A, B) ⊙ kron(C, D))", ["A": (["m", "n"], "gaussian"), "B": (["p", "q"], "gaussian"),
                                          "C": (["m", "n"], "gaussian"), "D": (["p", "q"], "gaussian")],
         ["m": 2, "n": 3, "p": 3, "q": 2]),
        ("||kron(A, x)||_F^2 + tr(X^3)", ["A": (["m", "n"], "gaussian"), "x": (["p"], "gaussian"), "X": (["p", "p"], "gaussian")],
         ["m": 2, "n": 3, "p": 4]),
        ("logsumexp(A x) - sum(softmax_rows(X) ⊙ Y)", ["A": (["n", "m"], "gaussian"), "x": (["m"], "gaussian"), "X": (["n", "k"], "gaussian"), "Y": (["n", "k"], "gaussian")],
         ["n": 4, "m": 3, "k": 5]),
        ("||x||_1 + sum(abs(X) ⊘ (1 + X ⊙ X)) + sqrt(x^T x)", ["x": (["n"], "gaussian"), "X": (["n", "n"], "gaussian")], ["n": 5]),
        ("sum(tanh(X W) .^ 3) / (1 + ||W||_F)", ["X": (["n", "d"], "gaussian"), "W": (["d", "k"], "gaussian")], ["n": 5, "d": 3, "k": 2]),
        ("log |det(A)| + tr(inv(A)^2) + det(2 A)", ["A": (["n", "n"], "wellcond")], ["n": 4]),
        ("sum(min(X, 0.5) ⊙ sigmoid(X)) + diag(X)^T diag(X) + sum(diag(x) X)", ["X": (["n", "n"], "gaussian"), "x": (["n"], "gaussian")], ["n": 4]),
        ("lam^2 tr(X^T X) / (1 + lam) + cos(tr(X^T X))", ["lam": ([], "positive"), "X": (["n", "m"], "gaussian")], ["n": 3, "m": 2]),
    ]

    @Test(arguments: cases.indices)
    func gradientsAgreeWithFiniteDifferencesAndAutograd(_ i: Int) throws {
        let (text, variables, dims) = Self.cases[i]
        let c = Corpus.Case(
            id: text, f: .init(wrt: nil, text: text, numpy: ""),
            variables: variables.mapValues { Corpus.Variable(shape: $0.shape, init: $0.initialization) }, dims: dims,
            gradients: variables.keys.sorted().map { .init(wrt: $0, text: "", numpy: "") }, hessians: [], jacobians: [])
        let check = try CaseCheck(c)
        for g in c.gradients { try check.gradient(g) }
        #expect(check.compared == 2 * variables.count)
    }
}
