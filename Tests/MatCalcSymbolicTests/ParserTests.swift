import Foundation
import Testing
@testable import MatCalcSymbolic

// MARK: - Support

private let n = Dim.named("n"), d = Dim.named("d"), m = Dim.named("m"), h = Dim.named("h")

/// The declarations most tests use.
private let common: Declarations = [
    "X": MatrixShape(n, d), "Y": MatrixShape(n, d), "W": MatrixShape(d, m), "W1": MatrixShape(d, h),
    "A": MatrixShape(n, n), "B": MatrixShape(n, n), "S": MatrixShape(n, n),
    "x": .vector(n), "y": .vector(n), "v": .vector(n), "w": .vector(d), "b": .vector(h), "z": .vector(n),
    "lam": .scalar,
]

private func parse(_ text: String, _ declarations: Declarations = common) throws(SymbolicError) -> Expr {
    try parseExpression(text, declarations: declarations)
}

private func variable(_ name: String) -> Expr { .variable(name, common.shape(of: name)!) }

private let X = variable("X"), Y = variable("Y"), W = variable("W"), W1 = variable("W1"), A = variable("A"),
    B = variable("B"), S = variable("S"), x = variable("x"), y = variable("y"), v = variable("v"),
    w = variable("w"), b = variable("b"), z = variable("z"), lam = variable("lam")

/// A compact prefix rendering of the tree, for precedence tables: `(* X W)`, `(scale 2 X)`, `(T X)`.
private func sexp(_ e: Expr) -> String {
    func number(_ c: Double) -> String { c == c.rounded() && abs(c) < 1e15 ? String(Int(c)) : String(c) }
    func s(_ head: String, _ parts: [Expr]) -> String { "(" + ([head] + parts.map(sexp)).joined(separator: " ") + ")" }
    switch e {
    case .variable(let name, _): return name
    case .number(let c): return number(c)
    case .identity(let n): return "I_\(n)"
    case .ones(let shape): return "1_\(shape.rows)x\(shape.cols)"
    case .zeros(let shape): return "0_\(shape.rows)x\(shape.cols)"
    case .sum(let terms): return s("+", terms)
    case .product(let factors): return s("*", factors)
    case .scale(let a, let b): return s("scale", [a, b])
    case .divide(let a, let b): return s("/", [a, b])
    case .hadamard(let a, let b): return s("⊙", [a, b])
    case .hadamardDivide(let a, let b): return s("⊘", [a, b])
    case .kronecker(let a, let b): return s("⊗", [a, b])
    case .transpose(let a): return s("T", [a])
    case .inverse(let a): return s("inv", [a])
    case .matrixPower(let a, let k): return "(mpow \(sexp(a)) \(k))"
    case .power(let a, let p): return "(pow \(sexp(a)) \(number(p)))"
    case .apply(let f, let a): return s(f.rawValue, [a])
    case .maximum(let a, let c): return "(max \(sexp(a)) \(number(c)))"
    case .minimum(let a, let c): return "(min \(sexp(a)) \(number(c)))"
    case .indicator(let a, let op, let b): return s("1" + op.rawValue, [a, b])
    case .trace(let a): return s("tr", [a])
    case .det(let a): return s("det", [a])
    case .logdet(let a, let absolute): return s(absolute ? "logabsdet" : "logdet", [a])
    case .diag(let a): return s("diag", [a])
    case .vec(let a): return s("vec", [a])
    case .sumEntries(let a): return s("sum", [a])
    case .norm(let a, let kind): return s(kind == .frobenius ? "normF" : "norm1", [a])
    case .softmax(let a): return s("softmax", [a])
    case .logsumexp(let a): return s("logsumexp", [a])
    case .differential(let a): return s("d", [a])
    }
}

private func rendered(_ text: String, _ declarations: Declarations = common) -> String {
    do {
        return sexp(try parse(text, declarations))
    } catch {
        return "\(error)"
    }
}

// MARK: - The corpus

private struct ParsingCorpus: Decodable {
    struct Case: Decodable {
        struct Variable: Decodable { var shape: [String] }
        struct Formula: Decodable { var text: String }
        struct Derivative: Decodable {
            var wrt: String
            var text: String
        }
        var id: String
        var variables: [String: Variable]
        var f: Formula
        var gradients: [Derivative]
        var hessians: [Derivative]
        var jacobians: [Derivative]
    }
    var cases: [Case]

    static func load() throws -> ParsingCorpus {
        let url = try #require(Bundle.module.url(forResource: "public", withExtension: "json", subdirectory: "Resources"))
        return try JSONDecoder().decode(ParsingCorpus.self, from: Data(contentsOf: url))
    }
}

extension ParsingCorpus.Case {
    var declarations: Declarations {
        Declarations(variables.keys.sorted().map { name in
            let dims = variables[name]!.shape.map { Dim.named($0) }
            let shape: MatrixShape = switch dims.count {
            case 0: .scalar
            case 1: .vector(dims[0])
            default: MatrixShape(dims[0], dims[1])
            }
            return (name, shape)
        })
    }
}

/// Splits at commas outside brackets: `2 H^T (H W2 - Y),  H = max(X W1, 0)` → formula, definitions.
private func splitTopLevel(_ text: String) -> [String] {
    var parts: [String] = [], current = "", depth = 0
    for c in text {
        if "([{".contains(c) { depth += 1 }
        if ")]}".contains(c) { depth -= 1 }
        if c == ",", depth == 0 {
            parts.append(current)
            current = ""
        } else {
            current.append(c)
        }
    }
    return (parts + [current]).map { $0.trimmingCharacters(in: .whitespaces) }
}

/// The formula without the corpus's trailing remarks: `, B = B^T`, `  (vector-valued)`, ` = tr(X^T X)`.
private func stripRemarks(_ text: String) -> String {
    var t = splitTopLevel(text)[0]
    if let r = t.range(of: "  (") { t = String(t[..<r.lowerBound]) }
    if let r = t.range(of: " = ") { t = String(t[..<r.lowerBound]) }
    return t.trimmingCharacters(in: .whitespaces)
}

/// The number of entries of a variable, as a dimension (Hessians and Jacobians are over vec).
private func size(_ shape: MatrixShape) -> Dim { Dim.times(shape.rows, shape.cols) }

@Suite struct CorpusParsingTests {
    @Test func everyObjectiveParsesWithItsShape() throws {
        let corpus = try ParsingCorpus.load()
        #expect(corpus.cases.count == 39)
        for c in corpus.cases {
            let text = stripRemarks(c.f.text)
            let f = try #require(try? parseExpression(text, declarations: c.declarations), "\(c.id): \(text)")
            let expected: MatrixShape = switch c.id {
            case "jac_Ax", "jac_softmax": .vector(n)
            case "jac_vec_inv": .vector(.product(n, n))
            default: .scalar
            }
            #expect(f.shape == expected, "\(c.id): \(text)")
        }
    }

    /// Every closed form parses with the shape the layout gives it: a gradient the variable's shape,
    /// a Hessian size(v)×size(v), a Jacobian size(f)×size(v). Definitions such as `,  H = max(X W1, 0)`
    /// are declared as variables of their shape (also for the sibling formulas that use them); only
    /// prose (`  (matrix cosine)`) is skipped.
    @Test func everyClosedFormParses() throws {
        let corpus = try ParsingCorpus.load()
        var parsed = 0, skipped: [String] = [], usingDefinitions = 0
        for c in corpus.cases {
            let fShape = try parse(stripRemarks(c.f.text), c.declarations).shape
            let derivatives = c.gradients.map { ($0, MatrixShape?.none, "gradient") }
                + c.hessians.map { ($0, Optional(MatrixShape.scalar), "hessian") }
                + c.jacobians.map { ($0, Optional(fShape), "jacobian") }

            // Definitions from all of the case's formulas, declared once they parse (P before G).
            var pending = derivatives.flatMap { splitTopLevel($0.0.text).dropFirst() }.map { definition in
                let sides = definition.components(separatedBy: " = ")
                return (name: sides[0], text: sides[1])
            }
            var declarations = c.declarations
            while let i = pending.firstIndex(where: { (try? parse($0.text, declarations)) != nil }) {
                declarations = declarations.adding(pending[i].name, try parse(pending[i].text, declarations).shape)
                pending.remove(at: i)
            }
            #expect(pending.isEmpty, "\(c.id): definitions that do not parse: \(pending)")

            for (derivative, layout, kind) in derivatives {
                if derivative.text.contains("  (") {
                    skipped.append("\(c.id) \(kind) \(derivative.wrt)")
                    continue
                }
                let v = try #require(c.declarations.shape(of: derivative.wrt))
                let expected = switch kind {
                case "gradient": v
                case "hessian": MatrixShape(size(v), size(v))
                default: MatrixShape(size(layout!), size(v))
                }
                let text = stripRemarks(derivative.text)
                do {
                    let g = try parseExpression(text, declarations: declarations, expecting: expected)
                    #expect(g.shape == expected, "\(c.id) \(kind) \(derivative.wrt): \(text)")
                    parsed += 1
                    if g.variableNames.contains(where: { c.declarations.shape(of: $0) == nil }) { usingDefinitions += 1 }
                } catch {
                    Issue.record("\(c.id) \(kind) \(derivative.wrt): \(error)")
                }
            }
        }
        #expect(parsed == 51)
        #expect(usingDefinitions == 7)
        #expect(skipped == ["tr_sinm gradient X"])
    }

    @Test func corpusStructures() throws {
        let corpus = try ParsingCorpus.load()
        func objective(_ id: String) throws -> Expr {
            let c = try #require(corpus.cases.first { $0.id == id })
            return try parse(stripRemarks(c.f.text), c.declarations)
        }
        #expect(sexp(try objective("ridge")) == "(+ (pow (normF (+ (* X w) (scale -1 y))) 2) (scale lam (pow (normF w) 2)))")
        #expect(sexp(try objective("logistic_pm1"))
            == "(* (T 1_nx1) (log (+ 1_nx1 (exp (⊙ (scale -1 y) (* X w))))))")
        #expect(sexp(try objective("softmax_ce")) == "(scale -1 (* (T y) (log (softmax z))))")
        #expect(sexp(try objective("gauss_nll"))
            == "(+ (logdet S) (* (T (+ x (scale -1 mu))) (inv S) (+ x (scale -1 mu))))")
        #expect(sexp(try objective("mlp2_relu")) == "(pow (normF (+ (* (max (* X W1) 0) W2) (scale -1 Y))) 2)")
        #expect(sexp(try objective("attention_scores"))
            == "(sum (⊙ C (softmax (/ (* Q (T K)) (sqrt (tr I_d))))))")
        #expect(sexp(try objective("tr_AXBC_sq")) == "(tr (* (+ (* A X B) C) (T (+ (* A X B) C))))")
        #expect(sexp(try objective("jac_vec_inv")) == "(vec (inv X))")
    }
}

// MARK: - Structure

@Suite struct ParserStructureTests {
    @Test func scalarMultiplesAndProducts() throws {
        #expect(try parse("2 X^T (A - B)") == .scale(.number(2), .product([.transpose(X), .sum([A, .scale(.number(-1), B)])])))
        #expect(try parse("lam ||w||^2") == .scale(lam, .power(.norm(w, .frobenius), 2)))
        #expect(try parse("2 lam w") == .scale(.number(2), .scale(lam, w)))
        #expect(try parse("X W") == .product([X, W]))
        #expect(try parse("X * W") == parse("X W"))
        #expect(try parse("X @ W") == parse("X W"))
        #expect(try parse("X·W") == parse("X W"))
        #expect(try parse("2 * X") == .scale(.number(2), X))
        #expect(try parse("X 2") == .scale(.number(2), X))
        #expect(try parse("-X^T (y ⊙ v)") == .scale(.number(-1), .product([.transpose(X), .hadamard(y, v)])))
        #expect(try parse("-2 X^T y") == .scale(.number(-2), .product([.transpose(X), y])))
        #expect(try parse("- -y") == y)
        #expect(try parse("y^T y x") == .scale(.product([.transpose(y), y]), x))
    }

    @Test func onesTakeTheirShapeFromContext() throws {
        let declarations: Declarations = ["A": MatrixShape(n, m), "x": .vector(m), "X": MatrixShape(n, d),
                                          "W1": MatrixShape(d, h), "b": .vector(h), "y": .vector(n), "z": .vector(n)]
        let A = Expr.variable("A", MatrixShape(n, m)), x = Expr.variable("x", .vector(m))
        #expect(try parse("1^T log(A x)", declarations)
            == .product([.transpose(.ones(.vector(n))), .apply(.log, .product([A, x]))]))
        #expect(try parse("X W1 + 1 b^T", declarations)
            == .sum([.product([.variable("X", MatrixShape(n, d)), .variable("W1", MatrixShape(d, h))]),
                     .product([.ones(.vector(n)), .transpose(.variable("b", .vector(h)))])]))
        let y = Expr.variable("y", .vector(n)), z = Expr.variable("z", .vector(n))
        #expect(try parse("(1^T y) softmax(z)", declarations)
            == .scale(.product([.transpose(.ones(.vector(n))), y]), .softmax(z)))
        #expect(try parse("1 + exp(y)", declarations) == .sum([.ones(.vector(n)), .apply(.exp, y)]))
        #expect(try parse("1 ⊘ (A x)", declarations) == .hadamardDivide(.ones(.vector(n)), .product([A, x])))
        let X = Expr.variable("X", MatrixShape(n, d))
        #expect(try parse("X - ((X ⊙ X) 1) 1^T", declarations) == .sum([
            X, .scale(.number(-1), .product([.product([.hadamard(X, X), .ones(.vector(d))]), .transpose(.ones(.vector(d)))])),
        ]))
        // Where nothing asks for a matrix, 1 is the number.
        #expect(try parse("1", declarations) == .number(1))
        #expect(try parse("1 - y^T z", declarations) == .sum([.number(1), .scale(.number(-1), .product([.transpose(y), z]))]))
        #expect(try parse("(1/2) y^T y", declarations) == .scale(.number(0.5), .product([.transpose(y), y])))
    }

    @Test func scalarsBroadcastOverMatrices() throws {
        #expect(try parse("2 + exp(v)") == .sum([.scale(.number(2), .ones(.vector(n))), .apply(.exp, v)]))
        #expect(try parse("X - lam") == .sum([X, .scale(.number(-1), .scale(lam, .ones(MatrixShape(n, d))))]))
        #expect(try parse("lam + 2 + X") == .sum([.scale(lam, .ones(MatrixShape(n, d))), .scale(.number(2), .ones(MatrixShape(n, d))), X]))
        #expect(try parse("2 ⊙ X") == .scale(.number(2), X))
        #expect(try parse("X ⊘ lam") == .divide(X, lam))
        #expect(try parse("2 ⊘ y") == .hadamardDivide(.scale(.number(2), .ones(.vector(n))), y))
    }

    @Test func identitySizes() throws {
        #expect(try parse("A + I") == .sum([A, .identity(n)]))
        #expect(try parse("x^T I x") == .product([.transpose(x), .identity(n), x]))
        #expect(try parse("2 X^T X + 2 lam I") == .sum([
            .scale(.number(2), .product([.transpose(X), X])), .scale(.number(2), .scale(lam, .identity(d))),
        ]))
        #expect(try parseExpression("I", declarations: common, expecting: MatrixShape(d, d)) == .identity(d))
        let declaredI: Declarations = ["I": MatrixShape(n, d)]
        #expect(try parse("I", declaredI) == .variable("I", MatrixShape(n, d)))
    }

    @Test func transposeInversePowerSpellings() throws {
        for t in ["A^T", "A^⊤", "A'", "A.T", "Aᵀ", "A^{T}", "A′"] { #expect(try parse(t) == .transpose(A), "\(t)") }
        for t in ["A^{-1}", "A^-1", "inv(A)", "A⁻¹", "A^(-1)"] { #expect(try parse(t) == .inverse(A), "\(t)") }
        for t in ["A^{-T}", "A^-T", "A⁻ᵀ", "A^{-⊤}"] { #expect(try parse(t) == .transpose(.inverse(A)), "\(t)") }
        #expect(try parse("A^2") == .matrixPower(A, 2))
        #expect(try parse("A^{3}") == .matrixPower(A, 3))
        #expect(try parse("A²") == .matrixPower(A, 2))
        #expect(try parse("A^{-2}") == .matrixPower(.inverse(A), 2))
        #expect(try parse("tr(A)^2") == .power(.trace(A), 2))
        #expect(try parse("||x||^2") == .power(.norm(x, .frobenius), 2))
        #expect(try parse("(x^T x)^0.5") == .power(.product([.transpose(x), x]), 0.5))
        #expect(try parse("(x^T x)^{-1}") == .power(.product([.transpose(x), x]), -1))
        #expect(try parse("lam^2") == .power(lam, 2))
        #expect(try parse("X.^2") == .power(X, 2))
        #expect(try parse("X .^ 0.5") == .power(X, 0.5))
        #expect(try parse("x^Tx") == parse("x^T x"))
        #expect(try parse("x^TAx") == .product([.transpose(x), A, x]))
    }

    @Test func functions() throws {
        #expect(try parse("log det(S)") == .logdet(S, absolute: false))
        #expect(try parse("log(det(S))") == .logdet(S, absolute: false))
        #expect(try parse("log |det(S)|") == .logdet(S, absolute: true))
        #expect(try parse("logdet(S)") == .logdet(S, absolute: false))
        #expect(try parse("|det(S)|") == .apply(.abs, .det(S)))
        #expect(try parse("log softmax(z)") == .apply(.log, .softmax(z)))
        #expect(try parse("log σ(X w)") == .apply(.log, .apply(.sigmoid, .product([X, w]))))
        #expect(try parse("exp(X w)") == .apply(.exp, .product([X, w])))
        #expect(try parse("log x^T") == .apply(.log, .transpose(x)))
        #expect(try parse("sigmoid(y)") == parse("σ(y)"))
        for f in ElementwiseFunction.allCases { #expect(try parse("\(f.rawValue)(X)") == .apply(f, X)) }
        #expect(try parse("|X|") == .apply(.abs, X))
        #expect(try parse("tr(A)") == .trace(A))
        #expect(try parse("tr[A B]") == .trace(.product([A, B])))
        #expect(try parse("det(A)") == .det(A))
        #expect(try parse("diag(x)") == .diag(x))
        #expect(try parse("diag(A)").shape == .vector(n))
        #expect(try parse("vec(X)") == .vec(X))
        #expect(try parse("vec(X)").shape == .vector(.product(n, d)))
        #expect(try parse("sum(X)") == .sumEntries(X))
        #expect(try parse("softmax(z)") == .softmax(z))
        #expect(try parse("softmax_rows(X)") == .softmax(X))
        #expect(try parse("logsumexp(z)") == .logsumexp(z))
        #expect(try parse("max(X W, 0)") == .maximum(.product([X, W]), 0))
        #expect(try parse("max(0, X)") == .maximum(X, 0))
        #expect(try parse("min(X, -1)") == .minimum(X, -1))
        #expect(try parse("relu(X)") == .apply(.relu, X))
        #expect(try parse("norm(X)") == .norm(X, .frobenius))
        #expect(try parse("norm1(X)") == .norm(X, .one))
        #expect(try parse("norm2(x)") == .norm(x, .frobenius))
        #expect(try parse("eye(n)") == .identity(n))
        #expect(try parse("ones(n)") == .ones(.vector(n)))
        #expect(try parse("ones(n, d)") == .ones(MatrixShape(n, d)))
        #expect(try parse("zeros(n, 3)") == .zeros(MatrixShape(n, .fixed(3))))
        #expect(try parse("kron(A, X)") == .kronecker(A, X))
        #expect(try parse("A ⊗ X") == parse("kron(A, X)"))
        #expect(try parse("A ⊗ X").shape == MatrixShape(.product(n, n), .product(n, d)))
        #expect(try parse("sqrt(d)") == .apply(.sqrt, .trace(.identity(d))))
    }

    @Test func normsAndMasks() throws {
        for t in ["||X||_F", "||X||", "‖X‖", "‖X‖_F", "||X||_{F}", "||X||_fro"] { #expect(try parse(t) == .norm(X, .frobenius), "\(t)") }
        for t in ["||x||_2", "‖x‖₂", "||x||_{2}"] { #expect(try parse(t) == .norm(x, .frobenius), "\(t)") }
        for t in ["||x||_1", "‖x‖₁"] { #expect(try parse(t) == .norm(x, .one), "\(t)") }
        #expect(try parse("||A||_F^2") == .power(.norm(A, .frobenius), 2))
        #expect(try parse("||X w|| ||y||") == .scale(.norm(.product([X, w]), .frobenius), .norm(y, .frobenius)))
        #expect(try parse("|x| + |y|") == .sum([.apply(.abs, x), .apply(.abs, y)]))
        #expect(try parse("|x|^T |y|") == .product([.transpose(.apply(.abs, x)), .apply(.abs, y)]))
        #expect(try parse("|x||y|^T") == .product([.apply(.abs, x), .transpose(.apply(.abs, y))]))
        let mask = Expr.indicator(.product([X, W]), .greater, .number(0))
        #expect(try parse("(X W > 0)") == mask)
        #expect(try parse("1{X W > 0}") == mask)
        #expect(try parse("1 {X W > 0}") == mask)
        #expect(try parse("0 < X W") == mask)
        #expect(try parse("(X W ≥ 0)") == .indicator(.product([X, W]), .greaterOrEqual, .number(0)))
        #expect(try parse("X >= Y") == .indicator(X, .greaterOrEqual, Y))
        #expect(try parse("x <= lam") == .indicator(x, .lessOrEqual, .scale(lam, .ones(.vector(n)))))
    }

    @Test func wordsSplitIntoDeclaredVariables() throws {
        #expect(try parse("XW") == parse("X W"))
        #expect(try parse("AB^T") == .product([A, .transpose(B)]))
        #expect(try parse("AX") == .product([A, X]))
        #expect(try parse("max(XW,0)") == .maximum(.product([X, W]), 0))
        #expect(try parse("XW1") == .product([X, W1]))
    }
}

// MARK: - Precedence

@Suite struct PrecedenceTests {
    @Test(arguments: [
        ("A + B S", "(+ A (* B S))"),
        ("A - B - S", "(+ A (scale -1 B) (scale -1 S))"),
        ("A - (B - S)", "(+ A (scale -1 (+ B (scale -1 S))))"),
        ("2 X ⊙ Y", "(⊙ (scale 2 X) Y)"),
        ("X ⊙ A Y", "(⊙ X (* A Y))"),
        ("X ⊙ Y ⊙ X", "(⊙ (⊙ X Y) X)"),
        ("x^T A x / x^T x", "(/ (* (T x) A x) (* (T x) x))"),
        ("A / lam / 2", "(/ (/ A lam) 2)"),
        ("A * B ⊙ S", "(⊙ (* A B) S)"),
        ("A ⊗ B + S ⊗ S", "(+ (⊗ A B) (⊗ S S))"),
        ("A ⊗ B ⊙ S", "(⊗ A (⊙ B S))"),
        ("-x^T y", "(scale -1 (* (T x) y))"),
        ("-(y^T y)^2 + lam", "(+ (scale -1 (pow (* (T y) y) 2)) lam)"),
        ("-lam^2", "(scale -1 (pow lam 2))"),
        ("A B^T", "(* A (T B))"),
        ("(A B)^T", "(T (* A B))"),
        ("A^T^T", "(T (T A))"),
        ("A^{-1} B", "(* (inv A) B)"),
        ("X W > 0", "(1> (* X W) 0)"),
        ("A + B > S", "(1> (+ A B) S)"),
        ("tr A^T A", "(scale (tr (T A)) A)"),
        ("log det(S)^2", "(log (pow (det S) 2))"),
        ("log 2 lam", "(scale (log 2) lam)"),
        ("exp -x", "(exp (scale -1 x))"),
        ("X (W)", "(* X W)"),
        ("sum X ⊙ Y", "(scale (sum X) Y)"),
    ])
    func precedence(_ text: String, _ expected: String) {
        #expect(rendered(text) == expected)
    }
}

// MARK: - Errors

@Suite struct ParserErrorTests {
    /// Declarations for the error table: X n×d, W k×m, w d, y n, A n×n, lam, S n×n.
    static let declarations: Declarations = [
        "X": MatrixShape(n, d), "W": MatrixShape(.named("k"), m), "w": .vector(d), "y": .vector(n),
        "A": MatrixShape(n, n), "lam": .scalar, "S": MatrixShape(n, n),
    ]

    @Test(arguments: [
        ("", "error: empty expression\n  \n  ^"),
        ("   ", "error: empty expression\n     \n  ^"),
        ("X +", "error: missing operand after '+'\n  X +\n     ^"),
        ("X + * w", "error: expected an operand, found '*'\n  X + * w\n      ^"),
        ("(X w", "error: unbalanced '(': no matching ')'\n  (X w\n  ^"),
        ("X w)", "error: unmatched ')'\n  X w)\n     ^"),
        ("(X w]", "error: mismatched brackets: '(' closed by ']'\n  (X w]\n      ^"),
        ("||X w", "error: unbalanced '||': the norm is never closed\n  ||X w\n  ^~"),
        ("|y| + |y", "error: unbalanced '|': the absolute value is never closed\n  |y| + |y\n        ^"),
        ("X $ w", "error: unexpected character '$'\n  X $ w\n    ^"),
        ("1.2.3", "error: malformed number '1.2.3'\n  1.2.3\n  ^~~~~"),
        ("1e999 X", "error: number '1e999' is out of range\n  1e999 X\n  ^~~~~"),
        ("A^", "error: missing exponent after '^'\n  A^\n    ^"),
        ("A^+", "error: expected an exponent after '^': a number, T, -1 or -T\n  A^+\n    ^"),
        ("A^{-1", "error: unbalanced '{': no matching '}'\n  A^{-1\n    ^"),
        ("A > 0 > y", "error: comparisons cannot be chained\n  A > 0 > y\n        ^"),
        ("A, S", "error: unexpected ',' (commas separate the arguments of a function)\n  A, S\n   ^"),
        ("()", "error: empty brackets '()'\n  ()\n  ^~"),
        ("tr", "error: missing argument of 'tr'\n  tr\n    ^"),
        ("1{X}", "error: 1{…} is an indicator and needs a comparison inside, like 1{X W > 0}\n  1{X}\n   ^~~"),
        ("||y||_3", "error: unsupported norm subscript '3'; use _F, _2 or _1\n  ||y||_3\n       ^~"),
        ("x^T A x", "error: unknown identifier 'x'; did you mean 'X'?\n  x^T A x\n  ^"),
        ("Z", "error: unknown identifier 'Z'; the declared variables are X, W, w, y, A, lam, S\n  Z\n  ^"),
        ("trc(A)", "error: unknown function 'trc'; did you mean 'tr'?\n  trc(A)\n  ^~~"),
        ("tr(A, S)", "error: tr takes 1 argument, got 2\n  tr(A, S)\n  ^~~~~~~~"),
        ("max(X)", "error: max takes 2 arguments, got 1\n  max(X)\n  ^~~~~~"),
        ("ones(q)", "error: unknown dimension 'q'; the dimensions are n, d, k, m\n  ones(q)\n       ^"),
        ("eye(0)", "error: expected a dimension (a name like n or a positive integer), found '0'\n  eye(0)\n      ^"),
        ("X W", "error: matrix product X W: X is n×d, W is k×m; inner dimensions d and k differ\n  X W\n    ^"),
        ("A X w y", "error: matrix product A X w y: A X w is n×1, y is n×1; inner dimensions 1 and n differ\n  A X w y\n        ^"),
        ("X + A", "error: sum X + A: X is n×d, A is n×n; shapes differ\n  X + A\n      ^"),
        ("A + S - X", "error: difference A + S - X: A + S is n×n, X is n×d; shapes differ\n  A + S - X\n          ^"),
        ("X ⊙ A", "error: Hadamard product X ⊙ A: X is n×d, A is n×n; shapes differ\n  X ⊙ A\n      ^"),
        ("y ./ w", "error: entrywise division y ./ w: y is n×1, w is d×1; shapes differ\n  y ./ w\n       ^"),
        ("X / y", "error: division X / y: y is n×1, not a scalar; for entrywise division use ./ or ⊘\n  X / y\n      ^"),
        ("X > A", "error: comparison X > A: X is n×d, A is n×n; shapes differ\n  X > A\n      ^"),
        ("tr(X)", "error: tr needs a square matrix: X is n×d\n  tr(X)\n     ^"),
        ("det(X^T)", "error: det needs a square matrix: X^T is d×n\n  det(X^T)\n      ^~~"),
        ("log det(X)", "error: det needs a square matrix: X is n×d\n  log det(X)\n          ^"),
        ("logdet(X)", "error: logdet needs a square matrix: X is n×d\n  logdet(X)\n         ^"),
        ("inv(X)", "error: inv needs a square matrix: X is n×d\n  inv(X)\n      ^"),
        ("X^{-1}", "error: the inverse X^{-1} needs a square matrix: X is n×d\n  X^{-1}\n  ^"),
        ("y^2", "error: the matrix power y^2 needs a square matrix: y is n×1; for an entrywise power use .^\n  y^2\n  ^"),
        ("A^0.5", "error: A^0.5: a non-integer power needs a scalar, but A is n×n; for an entrywise power use .^\n  A^0.5\n   ^~~~"),
        ("softmax(X)", "error: softmax needs a vector: X is n×d; use softmax_rows(·) for the softmax of each row\n  softmax(X)\n          ^"),
        ("diag(X)", "error: diag needs a column vector or a square matrix: X is n×d\n  diag(X)\n       ^"),
        ("||X||_2", "error: the 2-norm of a matrix (the spectral norm) is not supported: X is n×d; use ||·||_F\n  ||X||_2\n    ^"),
        ("max(X, A)", "error: max needs a numeric constant as one argument, as in max(X W, 0); the maximum of two matrices is not supported\n  max(X, A)\n  ^~~~~~~~~"),
    ])
    func renderedError(_ text: String, _ expected: String) {
        #expect(rendered(text, ParserErrorTests.declarations) == expected)
    }

    @Test func errorsCarryKindRangeAndSource() {
        func error(_ text: String) -> SymbolicError? {
            do {
                _ = try parseExpression(text, declarations: ParserErrorTests.declarations)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("X +")?.kind == .parse)
        #expect(error("X W")?.kind == .shape)
        #expect(error("Q")?.kind == .unknownName)
        #expect(error("foo(X)")?.kind == .unknownName)
        #expect(error("||X||_2")?.kind == .unsupported)
        #expect(error("X W")?.range == SourceRange(2, 3))
        #expect(error("X W")?.source == "X W")
        #expect(error("tr(X)") != nil && error("tr(A)") == nil)
    }

    @Test func expectedShape() throws {
        #expect(rendered("A") == "A")
        do {
            _ = try parseExpression("A", declarations: ParserErrorTests.declarations, expecting: MatrixShape(n, d))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "error: the expression is n×n but n×d was expected\n  A\n  ^")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let tooDeep = "expression nested too deeply (more than \(Parser.maxDepth) levels)"
        let inputs = [
            String(repeating: "(", count: 100_000) + "A" + String(repeating: ")", count: 100_000),
            String(repeating: "(", count: 100_000),
            String(repeating: "-", count: 100_000) + "A",
            "A" + String(repeating: "^T", count: 100_000),
            String(repeating: "log ", count: 100_000) + "y",
            String(repeating: "|", count: 100_000),
            String(repeating: "‖", count: 100_000),
            String(repeating: "[{", count: 50_000) + "A" + String(repeating: "}]", count: 50_000),
            String(repeating: "1{", count: 50_000),
            Array(repeating: "A", count: 100_000).joined(separator: " ⊙ "),
            String(repeating: "tr(A + A ⊗ A ⊙ ", count: 10_000) + "A" + String(repeating: ")", count: 10_000),
        ]
        for input in inputs {
            do {
                _ = try parse(input, ParserErrorTests.declarations)
                Issue.record("\(input.prefix(20))… should be too deep")
            } catch {
                // Past the length limit the input is refused before it is parsed at all.
                let tooLong = "the expression is \(input.utf8.count) bytes long; the limit is \(maximumExpressionLength)"
                #expect(error.message == (input.utf8.count > maximumExpressionLength ? tooLong : tooDeep), "\(input.prefix(20))")
            }
        }
        // Nesting just under the length limit is still caught by the depth limit.
        let nested = String(repeating: "(", count: 40_000) + "A" + String(repeating: ")", count: 40_000)
        #expect(throws: SymbolicError.self) { try parse(nested, ParserErrorTests.declarations) }
        do { _ = try parse(nested, ParserErrorTests.declarations) } catch { #expect(error.message == tooDeep) }
        // Just inside the limit it parses.
        let depth = Parser.maxDepth - 1
        #expect(try parse(String(repeating: "(", count: depth) + "A" + String(repeating: ")", count: depth)) == A)
        #expect(try parse("A" + String(repeating: "^T", count: depth)).shape == MatrixShape(n, n))
    }

    /// Long but flat expressions parse, in time linear in their length (placeholders of `1` and `I`
    /// included: unification keeps its chains short).
    @Test(.timeLimit(.minutes(1))) func longFlatExpressions() throws {
        let count = 20_000
        #expect(try parse(Array(repeating: "A", count: count).joined(separator: " + ")) == .sum(Array(repeating: A, count: count)))
        #expect(try parse(Array(repeating: "A", count: count).joined(separator: " ")) == .product(Array(repeating: A, count: count)))
        #expect(try parse(Array(repeating: "1", count: count).joined(separator: " + "))
            == .sum(Array(repeating: .number(1), count: count)))
        #expect(try parse(Array(repeating: "I", count: count).joined(separator: " + ") + " + A")
            == .sum(Array(repeating: .identity(n), count: count) + [A]))
        let unknown = String(repeating: "q", count: 100_000)
        #expect(throws: SymbolicError.self) { try parse(unknown) }
        #expect(throws: SymbolicError.self) { try parse(String(repeating: "xA", count: 50_000)) }
    }

    /// Every prefix of every corpus formula, and random token soup: an expression or an error, never a crash.
    @Test func neverCrashes() throws {
        let corpus = try ParsingCorpus.load()
        var attempts = 0
        for c in corpus.cases {
            let text = Array(stripRemarks(c.f.text))
            for end in 0...text.count {
                _ = try? parse(String(text[..<end]), c.declarations)
                _ = try? parse(String(text[end...]), c.declarations)
                attempts += 2
            }
        }
        let pieces = ["X", "A", "y", "w", "lam", "1", "2", "0.5", "I", "n", "(", ")", "[", "]", "{", "}", "|", "||", "‖",
                      "+", "-", "*", "/", "⊙", "⊘", "⊗", "./", ".*", ".^", "^", "^T", "^{-1}", "'", ".T", "ᵀ", "²", "_F",
                      "_2", ",", ">", "≥", "1{", "tr", "log", "det", "max(", "softmax", "exp", "σ", "ones(", "x^T", " "]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0..<(1 + Int(state >> 60)) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            _ = try? parse(text, ParserErrorTests.declarations)
            attempts += 1
        }
        #expect(attempts > 3000)
    }
}

// MARK: - Declarations

@Suite struct DeclarationTests {
    @Test(arguments: [
        ("X: n×d", "X", MatrixShape(n, d)),
        ("X: 10x4", "X", MatrixShape(.fixed(10), .fixed(4))),
        ("X: n x d", "X", MatrixShape(n, d)),
        ("X : n * d", "X", MatrixShape(n, d)),
        ("X: (n, d)", "X", MatrixShape(n, d)),
        ("X: [n, 3]", "X", MatrixShape(n, .fixed(3))),
        ("x: n", "x", .vector(n)),
        ("r: 1×n", "r", MatrixShape(.one, n)),
        ("lam", "lam", .scalar),
        ("lam: scalar", "lam", .scalar),
        ("lam: 1", "lam", .scalar),
        ("μ: n", "μ", .vector(n)),
        ("W1: d×h", "W1", MatrixShape(d, h)),
    ])
    func declaration(_ text: String, _ name: String, _ shape: MatrixShape) throws {
        let parsed = try parseDeclaration(text)
        #expect(parsed.name == name)
        #expect(parsed.shape == shape)
    }

    @Test(arguments: [
        ("", "error: empty declaration; expected one like 'X: n×d'\n  \n  ^"),
        ("1X: n", "error: invalid variable name '1X'; names start with a letter\n  1X: n\n  ^~"),
        ("X n", "error: expected ':' after the name, as in 'X: n×d'\n  X n\n    ^"),
        ("X:", "error: missing shape after ':'\n  X:\n    ^"),
        ("X: n×", "error: missing dimension\n  X: n×\n       ^"),
        ("X: n×0", "error: dimension '0' must be a positive integer\n  X: n×0\n       ^"),
        ("X: n×d×k", "error: a shape has one or two dimensions, got 3\n  X: n×d×k\n     ^~~~~"),
        ("X: n-d", "error: expected '×' between dimensions\n  X: n-d\n      ^"),
        ("X: (n, d", "error: missing ')' after the shape\n  X: (n, d\n          ^"),
    ])
    func badDeclaration(_ text: String, _ expected: String) {
        do {
            _ = try parseDeclaration(text)
            Issue.record("\(text) should not parse")
        } catch {
            #expect(error.kind == .declaration)
            #expect(error.description == expected)
        }
    }

    @Test func declarationsKeepOrderAndDimensions() {
        let declarations = Declarations([("X", MatrixShape(n, d)), ("w", .vector(d)), ("X", MatrixShape(n, m))])
        #expect(declarations.names == ["X", "w"])
        #expect(declarations.shape(of: "X") == MatrixShape(n, m))
        #expect(declarations.shape(of: "q") == nil)
        #expect(declarations.dimensionNames == ["n", "m", "d"])
        #expect(declarations.adding("b", .vector(h)).names == ["X", "w", "b"])
    }
}
