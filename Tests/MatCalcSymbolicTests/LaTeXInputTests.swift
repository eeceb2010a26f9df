import Foundation
import Testing
import MatCalc
import MatCalcCorpus
@testable import MatCalcSymbolic
import PropertyBased

/// LaTeX input: every LaTeX construct parses to the expression of its text notation, and every
/// LaTeX the printer writes for the corpus parses back to what it was printed from.
@Suite struct LaTeXInputTests {
    static let n = Dim.named("n"), d = Dim.named("d"), m = Dim.named("m"), h = Dim.named("h")

    static let declarations: Declarations = [
        "X": MatrixShape(n, d), "Y": MatrixShape(n, d), "W": MatrixShape(d, d), "W1": MatrixShape(d, h),
        "A": MatrixShape(n, n), "B": MatrixShape(n, n), "S": MatrixShape(n, n),
        "x": .vector(n), "y": .vector(n), "w": .vector(d), "mu": .vector(n),
        "lam": .scalar, "a": .scalar, "b": .scalar, "λ": .scalar,
    ]

    static func parse(_ text: String) throws(SymbolicError) -> Expr { try parseExpression(text, declarations: declarations) }

    // MARK: Constructs

    @Test(arguments: [
        // Norms and absolute values.
        (#"\|X W - Y\|_F^2"#, "||X W - Y||_F^2"),
        (#"\lVert x \rVert_2"#, "||x||_2"),
        (#"\Vert x\Vert_1"#, "||x||_1"),
        (#"\left\| X W - Y \right\|_F"#, "||X W - Y||_F"),
        (#"\left\lVert x \right\rVert^2"#, "||x||^2"),
        (#"\lvert \det(A) \rvert"#, "|det(A)|"),
        (#"\log\lvert \det(A) \rvert"#, "log |det(A)|"),
        (#"\left| a \right| + \vert b\vert"#, "|a| + |b|"),
        // Functions.
        (#"\max(XW, 0)"#, "max(X W, 0)"),
        (#"\min\left(X W, 1\right)"#, "min(X W, 1)"),
        (#"\operatorname{tr}(A)"#, "tr(A)"),
        (#"\text{tr}(A)"#, "tr(A)"),
        (#"\mathrm{tr}(A)"#, "tr(A)"),
        (#"\operatorname{Tr}(A)"#, "tr(A)"),
        (#"\operatorname{diag}(x)"#, "diag(x)"),
        (#"\operatorname{vec}(X)"#, "vec(X)"),
        (#"\operatorname{softmax}(x)"#, "softmax(x)"),
        (#"\operatorname{softmax\_rows}(X)"#, "softmax_rows(X)"),
        (#"\operatorname{logsumexp}(x)"#, "logsumexp(x)"),
        (#"\operatorname{sum}(X)"#, "sum(X)"),
        (#"\det(A)"#, "det(A)"),
        (#"\log\det(S)"#, "log det(S)"),
        (#"\log \det S"#, "log det(S)"),
        (#"\exp(x)"#, "exp(x)"),
        (#"\sin(x) + \cos(x) + \tanh(x)"#, "sin(x) + cos(x) + tanh(x)"),
        (#"\ln(x)"#, "log(x)"),
        (#"\sigma(Xw)"#, "sigmoid(X w)"),
        (#"\sqrt{lam}"#, "sqrt(lam)"),
        (#"\sqrt{\lambda + 1}"#, "sqrt(λ + 1)"),
        // Transposes, inverses, powers.
        (#"A^\top"#, "A^T"),
        (#"A^{\top}"#, "A^T"),
        (#"A^\intercal B"#, "A^T B"),
        (#"A^{\mathsf{T}}"#, "A^T"),
        (#"A^T"#, "A^T"),
        (#"A^{-1}"#, "inv(A)"),
        (#"A^{-\top}"#, "A^{-T}"),
        (#"x^\top A x"#, "x^T A x"),
        (#"A^{2}"#, "A^2"),
        (#"X^{\circ 2}"#, "X.^2"),
        (#"X^{\circ -0.5}"#, "X.^(-0.5)"),
        // Products.
        (#"X \odot Y"#, "X ⊙ Y"),
        (#"X \circ Y"#, "X .* Y"),
        (#"X \oslash Y"#, "X ./ Y"),
        (#"A \otimes B"#, "kron(A, B)"),
        (#"A \cdot B"#, "A B"),
        (#"A \times B"#, "A B"),
        (#"A * B"#, "A B"),
        (#"2 \cdot 3"#, "6"),
        // Numbers in scientific notation, as the printer writes them.
        (#"1.5 \cdot 10^{-7} X"#, "1.5e-7 X"),
        (#"X^{\circ 2.5 \cdot 10^{3}}"#, "X.^2500"),
        (#"2 \times 10^3 + a"#, "2000 + a"),
        // Fractions: an atom, so that juxtaposition around one multiplies it.
        (#"\frac{a}{b}"#, "a / b"),
        (#"\frac{x^\top A x}{x^\top x}"#, "x^T A x / x^T x"),
        (#"2\frac{x^\top A x}{x^\top x}"#, "2 (x^T A x / x^T x)"),
        (#"2 \frac{a}{b} X"#, "2 (a / b) X"),
        (#"\dfrac{1}{2}\|x\|^2"#, "0.5 ||x||^2"),
        (#"\tfrac12 \|x\|^2"#, "(1/2) ||x||^2"),
        (#"\frac{ \frac{a}{b} }{ \lambda }"#, "(a / b) / λ"),
        (#"\frac {a} {b}"#, "a / b"),
        (#"\frac{1}{\lambda} X^\top X"#, "(1 / λ) X^T X"),
        (#"\frac{1}{2} X^\top X"#, "0.5 X^T X"),
        (#"\frac{\mathbf{1}^\top x}{2} x"#, "(1^T x / 2) x"),
        // Brackets and groups.
        (#"\left( A + B \right) x"#, "(A + B) x"),
        (#"\left[ A + B \right] x"#, "[A + B] x"),
        (#"[A + B] x"#, "(A + B) x"),
        (#"\bigl( A + B \bigr) \Big( x \Big)"#, "(A + B) x"),
        (#"\operatorname{tr}\left[ (A + B)(A + B)^\top \right]"#, "tr((A + B) (A + B)^T)"),
        // Ones and indicators.
        (#"\mathbf{1}^\top x"#, "1^T x"),
        (#"\mathbb{1}^\top x"#, "1^T x"),
        (#"\mathbf{1}^\top X \mathbf{1}"#, "1^T X 1"),
        (#"\mathbf{1}_{n \times d} \odot X"#, "ones(n, d) ⊙ X"),
        (#"\mathbb{1}\{X W > 0\}"#, "1{X W > 0}"),
        (#"\mathbb{1}\{X W \geq 0\} \odot \mathbb{1}\{X W \leq 1\}"#, "1{X W >= 0} ⊙ 1{X W <= 1}"),
        // Fonts, names, Greek letters.
        (#"\mathbf{X} \boldsymbol{W}"#, "X W"),
        (#"\bm{x}^\top \mathsf{A} \mathcal{B} x"#, "x^T A B x"),
        (#"\mathit{lam} \|w\|^2"#, "lam ||w||^2"),
        (#"\lambda \|w\|^2"#, "λ ||w||^2"),
        (#"X W_{1}"#, "X W1"),
        (#"X W_1"#, "X W1"),
        (#"\mathbf{W}_{1}^\top"#, "W1^T"),
        (#"\boldsymbol{\mu}^\top x"#, "mu^T x"),
        (#"(x - \mu)^\top S^{-1} (x - \mu)"#, "(x - mu)^T inv(S) (x - mu)"),
        // Spacing.
        (#"x^\top\, A\; x"#, "x^T A x"),
        (#"\lambda\,\|w\|^2 \quad + \qquad \! a~b"#, "λ ||w||^2 + a b"),
        (#"A\ B"#, "A B"),
        // The inner product.
        (#"\langle A, B \rangle"#, "tr(A^T B)"),
        (#"\left\langle A, B \right\rangle"#, "tr(A^T B)"),
        (#"⟨x, y⟩"#, "x^T y"),
        (#"inner(A, B)"#, "tr(A^T B)"),
        (#"2 \langle X, Y \rangle"#, "2 tr(X^T Y)"),
    ])
    func latexMeansItsTextNotation(_ latex: String, _ text: String) throws {
        #expect(try Self.parse(latex) == Self.parse(text), "\(latex)")
    }

    /// `\mathrm{d}` is the name `d` over the whole command; the token after it is attached unless
    /// whitespace or LaTeX spacing separates them.
    @Test func differentialIsOneIdentifier() throws {
        for (source, spaced) in [(#"\mathrm{d}X"#, false), (#"\mathrm{d} X"#, true), (#"\mathrm{d}\,X"#, true)] {
            let chars = Array(source)
            var lexer = Lexer(chars)
            let tokens = try lexer.tokenize()
            #expect(tokens[0].kind == .identifier("d"))
            #expect(tokens[0].range == SourceRange(0, 10))
            #expect(tokens[1].kind == .identifier("X"))
            #expect(tokens[1].spaceBefore == spaced, "\(source)")
        }
    }

    /// The inner product is tr(Aᵀ B) in value, whatever form it takes.
    @Test func innerProductIsTheTraceOfTheProduct() throws {
        let sizes = ["n": 3, "d": 2, "m": 4, "h": 2]
        let generator = Generator(seed: 1)
        var inputs: [String: Tensor] = [:]
        for name in Self.declarations.names {
            let shape = Self.declarations.shape(of: name)!
            let dims = [shape.rows, shape.cols].filter { $0 != .one }.map { $0.size(in: sizes)! }
            inputs[name] = Tensor.randn(dims, dtype: .float64, generator: generator)
        }
        for (latex, text) in [(#"\langle A, B\rangle"#, "tr(A^T B)"), (#"\langle x, y \rangle"#, "sum(x ⊙ y)"),
                              (#"\langle X, X \rangle"#, "||X||_F^2")] {
            let got = try evaluate(Self.parse(latex), variables: inputs, sizes: sizes, dtype: .float64).item(as: Double.self)
            let expected = try evaluate(Self.parse(text), variables: inputs, sizes: sizes, dtype: .float64).item(as: Double.self)
            #expect(Swift.abs(got - expected) <= 1e-12 * Swift.max(1, Swift.abs(expected)), "\(latex)")
        }
    }

    // MARK: The corpus

    /// Every objective of the public corpus and every gradient, Hessian and Jacobian derived from
    /// it, printed as LaTeX, parses back to the same expression: the same tree, or the same value at
    /// the case's inputs where the printer's notation does not record the tree (the sum of entries
    /// written `\mathbf{1}^\top A \mathbf{1}` comes back as a product with ones).
    @Test func corpusLaTeXRoundTrips() throws {
        var objectives = 0, results = 0, trees = 0
        var failures: [String] = []
        for c in CorpusTests.corpus.cases where c.id != "tr_sinm" {
            let check = try CaseCheck(c)
            var printed: [(what: String, e: Expr)] = [("f", check.f)]
            for g in c.gradients {
                let derivation = try differentiate(check.f, wrt: [g.wrt!])
                printed.append(("∂f/∂\(g.wrt!)", try #require(derivation.gradient(of: g.wrt!))))
            }
            for h in c.hessians { printed.append(("Hessian wrt \(h.wrt!)", try hessian(of: check.f, wrt: h.wrt!).hessian)) }
            for j in c.jacobians { printed.append(("Jacobian wrt \(j.wrt!)", try jacobian(of: check.f, wrt: j.wrt!).jacobian)) }
            for (what, e) in printed {
                let latex = e.latex
                do {
                    let back = what == "f"
                        ? try parseExpression(latex, declarations: c.declarations)
                        : try parseExpression(latex, declarations: c.declarations, expecting: e.shape)
                    if back == e {
                        trees += 1
                    } else {
                        let got = try check.value(back).scalars(as: Double.self)
                        let expected = try check.value(e).scalars(as: Double.self)
                        let scale = Swift.max(1, expected.map(Swift.abs).max() ?? 0)
                        let worst = zip(got, expected).map { Swift.abs($0 - $1) }.max() ?? 0
                        if got.count != expected.count || worst > 1e-10 * scale {
                            failures.append("\(c.id) \(what): \(latex) evaluates differently (\(worst))")
                        }
                    }
                } catch {
                    failures.append("\(c.id) \(what): \(latex) does not parse: \(error)")
                }
                if what == "f" { objectives += 1 } else { results += 1 }
            }
        }
        for failure in failures { Issue.record("\(failure)") }
        #expect(objectives == 38 && results == 51)
        print("LaTeX round trip: \(objectives) objectives, \(results) results, \(trees) equal as trees, \(failures.count) failures")
    }

    // MARK: Names

    /// Every name the printer can write parses back to the declared name.
    @Test func printedNamesParseBack() throws {
        let names = ["W1", "W12", "x_i", "lam", "lam_2", "λ", "lambda", "λ1", "Σ", "sigma", "mu", "x_lam", "a_b_c", "X_train"]
        for name in names {
            let declarations = Declarations([(name, MatrixShape.scalar), ("v", .vector(Dim.named("n")))])
            let latex = Expr.variable(name, .scalar).latex
            #expect(try parseExpression(latex, declarations: declarations) == .variable(name, .scalar), "\(name): \(latex)")
            // Beside other names, with no space.
            #expect(try parseExpression("v^\\top v " + latex, declarations: declarations)
                        == parseExpression("v^T v " + name, declarations: declarations), "\(name): \(latex)")
        }
        // λ and lambda print alike; each alone is read back.
        let lambda = Declarations([("lambda", MatrixShape.scalar)])
        #expect(try parseExpression(#"\lambda"#, declarations: lambda) == .variable("lambda", .scalar))
        #expect(try Self.parse(#"XW_{1}"#) == Self.parse("X W1"))
        // Hand-written subscripts: `W_1`, `\lambda_1`, `\lambda_{1}` for declared W1 and λ1, else the name with `_`.
        let subscripted = Declarations([("W1", MatrixShape.scalar), ("λ1", .scalar), ("x_i", .scalar)])
        for (latex, name) in [("W_1", "W1"), (#"\lambda_1"#, "λ1"), (#"\lambda_{1}"#, "λ1"), (#"\mathbf{W}_{1}"#, "W1"),
                              ("x_{i}", "x_i"), (#"\mathit{x}_i"#, "x_i")] {
            #expect(try parseExpression(latex, declarations: subscripted) == .variable(name, .scalar), "\(latex)")
        }
        #expect(throws: SymbolicError.self) { try parseExpression(#"\mu_{1}"#, declarations: subscripted) }
    }

    // MARK: Errors

    @Test(arguments: [
        (#"X \foo Y"#, "error: unknown LaTeX command '\\foo'\n  X \\foo Y\n    ^~~~"),
        (#"\frac{a}"#, "error: missing the denominator of '\\frac', as in \\frac{a}{b}\n  \\frac{a}\n          ^"),
        (#"\frac{a} + b"#, "error: expected the {…} denominator of '\\frac', as in \\frac{a}{b}\n  \\frac{a} + b\n           ^"),
        (#"\frac{}{b}"#, "error: empty numerator in '\\frac'\n  \\frac{}{b}\n       ^~"),
        (#"\frac{a"#, "error: unbalanced '{' of '\\frac': no matching '}'\n  \\frac{a\n       ^"),
        (#"\frac{(a}{b)}"#, "error: mismatched brackets: '(' closed by '}'\n  \\frac{(a}{b)}\n          ^"),
        (#"\left( a + b"#, "error: unbalanced '\\left(': no matching '\\right'\n  \\left( a + b\n  ^~~~~~"),
        (#"\left( a + b )"#, "error: unbalanced '\\left(': no matching '\\right' before ')'\n  \\left( a + b )\n  ^~~~~~"),
        (#"a + b \right)"#, "error: '\\right)' without a matching '\\left'\n  a + b \\right)\n        ^~~~~~~"),
        (#"\left. a \right|"#, "error: expected a delimiter after '\\left', like \\left( or \\left\\|\n  \\left. a \\right|\n       ^"),
        (#"\mathbf{X"#, "error: unbalanced '{': no matching '}'\n  \\mathbf{X\n         ^"),
        (#"\sqrt[3]{a}"#, "error: an n-th root \\sqrt[n]{…} is not supported\n  \\sqrt[3]{a}\n       ^"),
        (#"\operatorname{2}(A)"#, "error: expected a name in braces after '\\operatorname', as in \\operatorname{tr}\n  \\operatorname{2}(A)\n  ^~~~~~~~~~~~~"),
        (#"\langle A \rangle"#, "error: the inner product ⟨A, B⟩ takes two arguments, got 1\n  \\langle A \\rangle\n  ^~~~~~~~~~~~~~~~~"),
        (#"\langle A, x \rangle"#, "error: the inner product of A and x needs two operands of one shape: A is n×n, x is n×1\n  \\langle A, x \\rangle\n             ^"),
        (#"a & b"#, "error: unexpected character '&'\n  a & b\n    ^"),
        (#"a \\ b"#, "error: a line break '\\\\' is not part of an expression\n  a \\\\ b\n    ^~"),
        (#"a + \"#, "error: unexpected '\\' at the end of the expression\n  a + \\\n      ^"),
    ])
    func error(_ latex: String, _ expected: String) {
        do {
            _ = try Self.parse(latex)
            Issue.record("\(latex) should not parse")
        } catch {
            #expect(error.description == expected, "\(latex)")
        }
    }

    /// Deeply nested LaTeX is refused like deeply nested text, and nothing in the alphabet of the
    /// LaTeX subset crashes the parser.
    @Test func nestingIsBoundedAndNothingCrashes() throws {
        func nested(_ open: String, _ close: String) -> String {
            String(repeating: open, count: 5_000) + "a" + String(repeating: close, count: 5_000)
        }
        for (open, close) in [(#"\frac{"#, "}{b}"), (#"\left("#, #"\right)"#), (#"\sqrt{"#, "}"),
                              (#"\langle "#, #", b\rangle"#), (#"\|"#, #"\|"#)] {
            #expect(throws: SymbolicError.self) { try Self.parse(nested(open, close)) }
        }
        // Font commands leave no tokens, so nothing nests.
        #expect(try Self.parse(nested(#"\mathbf{"#, "}")) == Self.parse("a"))
        let pieces = [#"\frac"#, "{", "}", "(", ")", "[", "]", #"\left"#, #"\right"#, #"\|"#, "|", #"\{"#, #"\}"#, "_", "^",
                      #"\top"#, "x", "A", "1", "2", " ", #"\,"#, #"\mathbf"#, #"\operatorname{tr}"#, #"\langle"#, #"\rangle"#, ",",
                      "-", "+", #"\odot"#, #"\lambda"#, #"\mathrm{d}"#, "W_", #"\sqrt"#, #"\circ"#, "~", #"\"#, ">"]
        var rng = Xoshiro(seed: (8, 2026, 11, 29))
        var parsed = 0
        for _ in 0..<3_000 {
            let source = (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            if (try? Self.parse(source)) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }
}

extension LaTeXInputTests {
    /// The corpus's own LaTeX, written by hand, means what its text means: each objective and each closed
    /// form, with the definitions after it (`,\ H=\max(XW_{1},0)`) substituted, parses to the
    /// expression of its text or one equal in value.
    @Test func corpusHandWrittenLaTeXMeansItsText() throws {
        struct File: Decodable {
            struct Formula: Decodable { var text: String; var latex: String }
            struct Case: Decodable { var id: String; var f: Formula; var gradients: [Formula]; var hessians: [Formula]; var jacobians: [Formula] }
            var cases: [Case]
        }
        let url = try #require(Bundle.module.url(forResource: "public", withExtension: "json", subdirectory: "Resources"))
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        // The corpus writes the variables S and lam as Σ and λ in LaTeX; `\,` is spacing, not a comma
        // that starts a remark.
        func normalized(_ latex: String) -> String {
            [(#"\Sigma"#, "{S}"), (#"\lambda"#, "{lam}"), (#"\,"#, #"\;"#), (#"\ "#, " ")].reduce(latex) {
                $0.replacingOccurrences(of: $1.0, with: $1.1)
            }
        }
        var same = 0, equalInValue = 0
        for c in CorpusTests.corpus.cases where c.id != "tr_sinm" {
            let raw = try #require(file.cases.first { $0.id == c.id })
            let check = try CaseCheck(c)
            let formulas = [raw.f] + raw.gradients + raw.hessians + raw.jacobians
            // Definitions from the LaTeX, else from the text (`p = softmax(z)` is only in the text).
            var definitions: [(Character, String)] = []
            for source in formulas.map({ normalized($0.latex) }) + formulas.map(\.text) {
                let remarks = source.dropFirst(Corpus.strippingRemarks(source).count)
                for part in topLevelParts(String(remarks)) {
                    let sides = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    if sides.count == 2, sides[0].count == 1, let name = sides[0].first, name.isLetter,
                       !definitions.contains(where: { $0.0 == name }) {
                        definitions.append((name, sides[1]))
                    }
                }
            }
            for (i, formula) in formulas.enumerated() {
                // The corpus writes the row-wise softmax of attention_scores as \operatorname{softmax}.
                if c.id == "attention_scores" && i == 0 { continue }
                var latex = Corpus.strippingRemarks(normalized(formula.latex))
                for _ in 0..<3 {
                    for (name, value) in definitions { latex = substituting(name, "\\left(\(value)\\right)", in: latex) }
                }
                let text = i == 0 ? c.objectiveText : Corpus.expandingDefinitions(formula.text, siblings: formulas.map(\.text))
                let fromLaTeX: Expr
                do {
                    fromLaTeX = try parseExpression(latex, declarations: c.declarations)
                } catch {
                    Issue.record("\(c.id): \(error)")
                    continue
                }
                let fromText = try parseExpression(text, declarations: c.declarations)
                if fromLaTeX == fromText {
                    same += 1
                    continue
                }
                let got = try check.value(fromLaTeX).scalars(as: Double.self), expected = try check.value(fromText).scalars(as: Double.self)
                let worst = zip(got, expected).map { Swift.abs($0 - $1) }.max() ?? 0
                #expect(got.count == expected.count && worst <= 1e-10 * Swift.max(1, expected.map(Swift.abs).max() ?? 0),
                        "\(c.id): \(latex) vs \(text)")
                equalInValue += 1
            }
        }
        print("corpus LaTeX as written: \(same + equalInValue) formulas parsed, \(same) equal as trees to their text")
        #expect(same + equalInValue == 88)
    }
}

/// The parts of `text` between commas outside brackets.
private func topLevelParts(_ text: String) -> [String] {
    var parts = [""], depth = 0
    for ch in text {
        if "([{".contains(ch) { depth += 1 }
        if ")]}".contains(ch) { depth -= 1 }
        if ch == "," && depth == 0 { parts.append("") } else { parts[parts.count - 1].append(ch) }
    }
    return parts
}

/// `body` with the one-letter name replaced by `value` wherever it is a name (not in a command's
/// name or in the braces of `\operatorname` and `\text`).
private func substituting(_ name: Character, _ value: String, in body: String) -> String {
    let chars = Array(body)
    var result = "", i = 0
    while i < chars.count {
        guard chars[i] == "\\" else {
            result += chars[i] == name ? value : String(chars[i])
            i += 1
            continue
        }
        var end = i + 1
        while end < chars.count, chars[end].isLetter { end += 1 }
        if end == i + 1 { end = Swift.min(end + 1, chars.count) }
        let command = String(chars[i..<end])
        if command == #"\operatorname"# || command == #"\text"#, let close = chars[end...].firstIndex(of: "}") { end = close + 1 }
        result += String(chars[i..<end])
        i = end
    }
    return result
}
