// The one printer behind `Expr.text` (Unicode) and `Expr.latex`: both write an expression the way
// papers do, with juxtaposition for products and only the parentheses precedence needs. They share
// the structure and the parenthesisation rules and differ only in their tokens.
//
// Binding, loosest first:
//   sum          A + B − C
//   infix        A ⊙ B, A ⊘ B, A ⊗ B (left-associative; ⊙ and ⊘ mix, ⊗ does not mix with them)
//   product      A B, 2 A, A / s, 1ᵀ x, log det(S)
//   postfix      Aᵀ, A⁻¹, A², ‖w‖²   (LaTeX \frac binds between postfix and atom)
//   atom         names, numbers, calls f(…), norms ‖…‖, indicators 1{…}, parenthesised groups
// A rendered piece that starts with a minus sign is parenthesised wherever a minus would be read
// as belonging to something else (a later factor, an infix right operand, a postfix base).

/// How tightly a printed piece binds (higher binds tighter).
enum MathLevel: Int, Comparable {
    case sum, infix, product, postfix, frac, atom

    static func < (a: MathLevel, b: MathLevel) -> Bool { a.rawValue < b.rawValue }
}

/// The infix operator at the top of a piece, when it is an infix piece.
enum InfixFamily {
    /// ⊙ and ⊘.
    case hadamard
    /// ⊗.
    case kronecker
}

/// A printed subexpression with what the enclosing printer needs to know about it.
struct MathPiece {
    var text: String
    var level: MathLevel
    /// The text starts with a minus sign.
    var leadingMinus = false
    /// The text contains grouping parentheses (LaTeX then sizes enclosing ones with \left \right).
    var hasGroup = false
    /// The text contains a tall construct (\frac).
    var tall = false
    /// The piece is a quotient `A / s` (which must not be followed by a juxtaposed factor).
    var isQuotient = false
    var infixFamily: InfixFamily? = nil
}

/// The printer; `latex` chooses the token set.
struct MathPrinter {
    let latex: Bool

    // MARK: - Tokens

    private var minus: String { latex ? "-" : "−" }

    private func number(_ x: Double) -> String {
        guard latex, x.isFinite else {
            if x.isInfinite { return latex ? (x < 0 ? "-\\infty" : "\\infty") : (x < 0 ? "−∞" : "∞") }
            return compactNumber(x, minus: minus)
        }
        let d = DecimalDigits(Swift.abs(x))
        let sign = x < 0 ? "-" : ""
        if d.prefersPlain { return sign + d.plain }
        let power = "10^{\(d.exponent)}"
        return sign + (d.digits.count == 1 && d.digits[0] == "1" ? power : d.mantissa + " \\cdot " + power)
    }

    /// `^{…}`, without braces for one character.
    private func latexSuperscript(_ s: String) -> String { s.count == 1 ? "^" + s : "^{" + s + "}" }

    private func name(_ n: String) -> String { latex ? latexName(n) : n }

    private func call(_ function: String, _ argument: MathPiece) -> MathPiece {
        let (open, close) = latex && argument.tall ? ("\\left(", "\\right)") : ("(", ")")
        return MathPiece(
            text: function + open + argument.text + close, level: .atom, hasGroup: argument.hasGroup, tall: argument.tall)
    }

    private func operatorName(_ n: String) -> String { latex ? "\\operatorname{\(n)}" : n }

    // MARK: - Grouping

    /// Parentheses around a piece; in LaTeX sized with \left \right when the content holds groups
    /// or tall constructs.
    private func group(_ p: MathPiece) -> MathPiece {
        let text =
            latex && (p.hasGroup || p.tall) ? "\\left( " + p.text + " \\right)" : "(" + p.text + ")"
        return MathPiece(text: text, level: .atom, hasGroup: true, tall: p.tall)
    }

    /// The piece, parenthesised unless it binds at least as tightly as `level` (and, unless
    /// `minusOK`, does not start with a minus sign).
    private func operand(_ p: MathPiece, atLeast level: MathLevel, minusOK: Bool = false) -> MathPiece {
        p.level < level || (p.leadingMinus && !minusOK) ? group(p) : p
    }

    /// Joins a coefficient and what it multiplies: a space, or a centred dot between two numerals.
    private func juxtapose(_ a: String, _ b: String) -> String {
        if let last = a.last, let first = b.first, last.isNumber, first.isNumber {
            return a + (latex ? " \\cdot " : " · ") + b
        }
        return a + " " + b
    }

    // MARK: - Rendering

    func render(_ e: Expr) -> MathPiece {
        switch e {
        case .variable(let n, _):
            return MathPiece(text: name(n), level: .atom)
        case .number(let x):
            return MathPiece(text: number(x), level: .atom, leadingMinus: x < 0)
        case .identity:
            return MathPiece(text: "I", level: .atom)
        case .ones(let s):
            let one = latex ? "\\mathbf{1}" : "1"
            if s.isOneByOne || s.isProperColumn { return MathPiece(text: one, level: .atom) }
            if s.isProperRow { return MathPiece(text: one + (latex ? "^\\top" : "ᵀ"), level: .postfix) }
            let sizes = latex ? "_{\(latexDim(s.rows)) \\times \(latexDim(s.cols))}" : "_{\(s.rows)×\(s.cols)}"
            return MathPiece(text: one + sizes, level: .atom)
        case .zeros:
            return MathPiece(text: "0", level: .atom)

        case .sum(let terms):
            guard let first = terms.first else { return MathPiece(text: "0", level: .atom) }
            var out = render(first)
            out.level = .sum
            for term in terms.dropFirst() {
                let (negated, positive) = term.negationSplit
                let p = operand(render(negated ? positive : term), atLeast: .infix)
                out.text += (negated ? " \(minus) " : " + ") + p.text
                out.hasGroup = out.hasGroup || p.hasGroup
                out.tall = out.tall || p.tall
            }
            out.isQuotient = false
            out.infixFamily = nil
            return out

        case .product(let factors):
            guard let first = factors.first else { return MathPiece(text: "1", level: .atom) }
            if factors.count == 1 { return render(first) }
            var head = render(first)
            // Matrix products associate and scalars commute, so a leading product or scale needs no
            // parentheses; a leading quotient does (`A / s B` would be unclear).
            if head.level < .product || head.isQuotient { head = group(head) }
            var out = MathPiece(
                text: head.text, level: .product, leadingMinus: head.leadingMinus, hasGroup: head.hasGroup, tall: head.tall)
            for factor in factors.dropFirst() {
                let p = operand(render(factor), atLeast: .postfix)
                out.text = juxtapose(out.text, p.text)
                out.hasGroup = out.hasGroup || p.hasGroup
                out.tall = out.tall || p.tall
            }
            return out

        case .scale(let s, let a):
            var body = render(a)
            if body.level < .product || body.leadingMinus { body = group(body) }
            if case .number(-1) = s {
                return MathPiece(
                    text: minus + body.text, level: .product, leadingMinus: true, hasGroup: body.hasGroup, tall: body.tall)
            }
            let coefficient = operand(render(s), atLeast: .postfix, minusOK: true)
            return MathPiece(
                text: juxtapose(coefficient.text, body.text), level: .product, leadingMinus: coefficient.leadingMinus,
                hasGroup: coefficient.hasGroup || body.hasGroup, tall: coefficient.tall || body.tall)

        case .divide(let a, let s):
            if latex {
                let top = render(a), bottom = render(s)
                return MathPiece(
                    text: "\\frac{\(top.text)}{\(bottom.text)}", level: .frac, hasGroup: top.hasGroup || bottom.hasGroup,
                    tall: true)
            }
            var top = render(a)
            if top.level < .product { top = group(top) }
            let bottom = operand(render(s), atLeast: .postfix)
            return MathPiece(
                text: top.text + " / " + bottom.text, level: .product, leadingMinus: top.leadingMinus,
                hasGroup: top.hasGroup || bottom.hasGroup, isQuotient: true)

        case .hadamard(let a, let b):
            return infix(a, latex ? "\\odot" : "⊙", b, family: .hadamard)
        case .hadamardDivide(let a, let b):
            return infix(a, latex ? "\\oslash" : "⊘", b, family: .hadamard)
        case .kronecker(let a, let b):
            return infix(a, latex ? "\\otimes" : "⊗", b, family: .kronecker)

        case .transpose(.inverse(let a)), .inverse(.transpose(let a)):
            return postfix(a, latex ? "^{-\\top}" : "⁻ᵀ")
        case .transpose(let a):
            return postfix(a, latex ? "^\\top" : "ᵀ")
        case .inverse(let a):
            return postfix(a, latex ? "^{-1}" : "⁻¹")
        case .matrixPower(let a, let k):
            return postfix(a, latex ? latexSuperscript(String(k)) : superscript(k))
        case .power(let a, let p):
            return power(a, p)

        case .apply(let f, let a):
            return apply(f, a)
        case .maximum(let a, let c):
            return call(latex ? "\\max" : "max", argumentList(render(a), number(c)))
        case .minimum(let a, let c):
            return call(latex ? "\\min" : "min", argumentList(render(a), number(c)))
        case .indicator(let a, let op, let b):
            return indicator(render(a), op, render(b))

        case .trace(.identity(let n)):
            // tr(I) would not say which size; the parser reads a dimension name back as tr(I_n).
            var size = MathPiece(text: latex ? latexDim(n) : n.description, level: .atom)
            if case .product = n { size.level = .product }
            return size
        case .trace(let a):
            return call(operatorName("tr"), render(a))
        case .det(let a):
            return call(latex ? "\\det" : "det", render(a))
        case .logdet(let a, let absolute):
            var p: MathPiece
            if absolute {
                let inner = call(latex ? "\\det" : "det", render(a))
                p = MathPiece(
                    text: latex ? "\\log\\lvert " + inner.text + " \\rvert" : "log |" + inner.text + "|", level: .product,
                    hasGroup: inner.hasGroup, tall: inner.tall)
            } else {
                p = call(latex ? "\\log\\det" : "log det", render(a))
            }
            p.level = .product
            return p
        case .diag(let a):
            return call(operatorName("diag"), render(a))
        case .vec(let a):
            return call(operatorName("vec"), render(a))
        case .sumEntries(let a):
            return sumEntries(a)
        case .norm(let a, let kind):
            return norm(render(a), kind, a.shape)
        case .softmax(let a):
            // Of a matrix, the softmax of each row, which the language calls softmax_rows.
            let rows = !a.shape.rows.isOne && !a.shape.cols.isOne
            return call(operatorName(rows ? (latex ? "softmax\\_rows" : "softmax_rows") : "softmax"), render(a))
        case .logsumexp(let a):
            return call(operatorName("logsumexp"), render(a))

        case .differential(let a):
            let d = latex ? "\\mathrm{d}" : "d"
            let p = render(a)
            if case .variable = a { return MathPiece(text: d + p.text, level: .atom) }
            let g = group(p)
            return MathPiece(text: d + g.text, level: .atom, hasGroup: true, tall: g.tall)
        }
    }

    // MARK: - Helpers for the cases

    private func argumentList(_ a: MathPiece, _ constant: String) -> MathPiece {
        var p = a
        p.text += ", " + constant
        return p
    }

    private func infix(_ a: Expr, _ symbol: String, _ b: Expr, family: InfixFamily) -> MathPiece {
        var left = render(a)
        if left.level < .infix || (left.level == .infix && left.infixFamily != family) { left = group(left) }
        let right = operand(render(b), atLeast: .product)
        return MathPiece(
            text: left.text + " " + symbol + " " + right.text, level: .infix, leadingMinus: left.leadingMinus,
            hasGroup: left.hasGroup || right.hasGroup, tall: left.tall || right.tall, infixFamily: family)
    }

    private func postfix(_ a: Expr, _ mark: String) -> MathPiece {
        let base = operand(render(a), atLeast: .atom)
        return MathPiece(text: base.text + mark, level: .postfix, hasGroup: base.hasGroup, tall: base.tall)
    }

    private func power(_ a: Expr, _ p: Double) -> MathPiece {
        if a.shape.isOneByOne {
            if p == 0.5 {
                let inner = render(a)
                if latex {
                    return MathPiece(text: "\\sqrt{\(inner.text)}", level: .atom, hasGroup: inner.hasGroup, tall: true)
                }
                let base = operand(inner, atLeast: .atom)
                return MathPiece(text: "√" + base.text, level: .postfix, hasGroup: base.hasGroup)
            }
            if p == p.rounded(), Swift.abs(p) < 1e9 {
                return postfix(a, latex ? latexSuperscript(compactNumber(p)) : superscript(Int(p)))
            }
            return postfix(a, latex ? "^{\(number(p))}" : "^" + number(p))
        }
        // Entrywise (Hadamard) power of a matrix: A^∘2.
        return postfix(a, latex ? "^{\\circ \(number(p))}" : "^∘" + number(p))
    }

    private func apply(_ f: ElementwiseFunction, _ a: Expr) -> MathPiece {
        let arg = render(a)
        switch f {
        case .exp, .log, .sin, .cos, .tanh:
            return call(latex ? "\\" + f.rawValue : f.rawValue, arg)
        case .sigmoid:
            return call(latex ? "\\sigma" : "σ", arg)
        case .relu:
            return call(latex ? "\\max" : "max", argumentList(arg, "0"))
        case .step:
            return indicator(arg, .greater, MathPiece(text: "0", level: .atom))
        case .sign:
            return call(operatorName("sign"), arg)
        case .abs:
            if a.shape.isOneByOne {
                return MathPiece(
                    text: latex ? "\\lvert " + arg.text + " \\rvert" : "|" + arg.text + "|", level: .atom,
                    hasGroup: arg.hasGroup, tall: arg.tall)
            }
            return call(operatorName("abs"), arg)
        case .sqrt:
            if a.shape.isOneByOne {
                if latex { return MathPiece(text: "\\sqrt{\(arg.text)}", level: .atom, hasGroup: arg.hasGroup, tall: true) }
                let base = operand(arg, atLeast: .atom)
                return MathPiece(text: "√" + base.text, level: .postfix, hasGroup: base.hasGroup)
            }
            return call(operatorName("sqrt"), arg)
        }
    }

    private func indicator(_ a: MathPiece, _ op: Comparison, _ b: MathPiece) -> MathPiece {
        let symbol: String
        switch op {
        case .greater: symbol = ">"
        case .greaterOrEqual: symbol = latex ? "\\geq" : "≥"
        case .less: symbol = "<"
        case .lessOrEqual: symbol = latex ? "\\leq" : "≤"
        }
        let inner = a.text + " " + symbol + " " + b.text
        return MathPiece(
            text: latex ? "\\mathbb{1}\\{" + inner + "\\}" : "1{" + inner + "}", level: .atom,
            hasGroup: a.hasGroup || b.hasGroup, tall: a.tall || b.tall)
    }

    /// 1ᵀ x for a column, x 1 for a row, 1ᵀ A 1 otherwise.
    private func sumEntries(_ a: Expr) -> MathPiece {
        let one = latex ? "\\mathbf{1}" : "1"
        let oneT = one + (latex ? "^\\top" : "ᵀ")
        let body = operand(render(a), atLeast: .postfix)
        let text: String
        if a.shape.isProperColumn {
            text = oneT + " " + body.text
        } else if a.shape.isProperRow {
            text = body.text + " " + one
        } else {
            text = oneT + " " + body.text + " " + one
        }
        return MathPiece(text: text, level: .product, hasGroup: body.hasGroup, tall: body.tall)
    }

    /// ‖X‖_F for matrices, ‖x‖ for vectors (and scalars), ‖x‖₁ for the 1-norm.
    private func norm(_ a: MathPiece, _ kind: NormKind, _ shape: MatrixShape) -> MathPiece {
        let subscriptText: String
        switch kind {
        case .frobenius:
            let isMatrix = !shape.rows.isOne && !shape.cols.isOne
            subscriptText = isMatrix ? "_F" : ""
        case .one:
            subscriptText = latex ? "_1" : "₁"
        }
        let sized = latex && (a.hasGroup || a.tall)
        let (open, close) = latex ? (sized ? ("\\left\\| ", " \\right\\|") : ("\\|", "\\|")) : ("‖", "‖")
        return MathPiece(
            text: open + a.text + close + subscriptText, level: .atom, hasGroup: a.hasGroup, tall: a.tall)
    }
}

// MARK: - LaTeX names

private let greekLetters: Set<String> = [
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
]

/// The Greek letters the LaTeX printer writes as commands, by their Unicode letter (the LaTeX lexer
/// reads the commands back).
let unicodeGreek: [Character: String] = [
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega",
]

/// A name's LaTeX: Greek letters (`λ` or `lambda`) as commands, a trailing number or `_part` as a
/// subscript (`W1` → `W_{1}`, `x_i` → `x_{i}`), other multi-letter names in \mathit.
func latexName(_ name: String) -> String {
    func base(_ s: String) -> String {
        if s.count == 1, let g = unicodeGreek[s.first!] { return "\\" + g }
        if greekLetters.contains(s) { return "\\" + s }
        if s.count <= 1 { return s }
        return "\\mathit{" + s.map { $0 == "_" ? "\\_" : String($0) }.joined() + "}"
    }
    if let underscore = name.firstIndex(of: "_"), underscore != name.startIndex {
        let head = String(name[..<underscore])
        let tail = String(name[name.index(after: underscore)...])
        if !tail.isEmpty { return base(head) + "_{" + latexName(tail) + "}" }
    }
    let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
    if !digits.isEmpty && digits.count < name.count {
        return base(String(name.dropLast(digits.count))) + "_{" + String(digits.reversed()) + "}"
    }
    return base(name)
}

/// A dimension in LaTeX: `n`, `4`, `n d`.
func latexDim(_ d: Dim) -> String {
    switch d {
    case .named(let n): latexName(n)
    case .fixed(let k): String(k)
    case .product(let a, let b): latexDim(a) + " " + latexDim(b)
    }
}
