// The one code emitter behind `Expr.numpy()`, `Expr.pytorch()` and `Expr.swift()`.
//
// Array conventions (all three languages): a matrix is 2-D, a vector (a column n×1 or a row 1×n)
// is 1-D, a scalar is a number or 0-d. The emitter tracks, for every subexpression, which of the
// three it is and chooses the operation accordingly:
//   column · row     → outer product          np.outer(a, b)
//   row · column     → scalar                 a @ b
//   row · matrix     → 1-D (a row)            a @ M
//   matrix · column  → 1-D (a column)         M @ b
//   scalar · anything, anything · scalar → *  s * A
//   1ᵀ v → sum(v), 1ᵀ M → column sums, M 1 → row sums, x 1 → sum(x)
// and transposes of vectors and scalars disappear.
//
// Binding (Python and Swift agree on the arithmetic operators): comparison < additive (+ -) <
// multiplicative (* / @) < unary minus < power (Python's **) < postfix (calls, attributes, .T,
// Swift methods). Operators associate to the left; a right operand that binds no tighter than its
// operator is parenthesised, and so is any right operand that starts with a minus sign.

/// The target language of the emitter.
enum CodeDialect {
    case numpy, pytorch, swift
}

/// What a value is in the target language.
enum ValueKind {
    /// A number or 0-d array.
    case scalar
    /// A 1-D array: a column or a row vector.
    case vector
    /// A 2-D array.
    case matrix
}

/// How tightly a piece of code binds (higher binds tighter).
enum CodeLevel: Int, Comparable {
    case comparison, additive, multiplicative, unary, power, postfix

    static func < (a: CodeLevel, b: CodeLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Emitted code for a subexpression.
struct CodePiece {
    var code: String
    var level: CodeLevel
    var shape: MatrixShape
    var leadingMinus = false
    /// The value when the code is a bare number literal.
    var literal: Double? = nil
    /// The code is a bare comparison `(A > B)`, a boolean mask.
    var isMask = false

    var kind: ValueKind { shape.valueKind }
}

extension MatrixShape {
    /// What a value of this shape is in the emitted code.
    var valueKind: ValueKind { isOneByOne ? .scalar : (rows.isOne || cols.isOne ? .vector : .matrix) }
}

struct CodePrinter {
    let dialect: CodeDialect
    /// The variable whose dtype new tensors (ones, eye, masks) take, in PyTorch and Swift.
    let dtypeSource: String?

    init(_ dialect: CodeDialect, for e: Expr) {
        self.dialect = dialect
        self.dtypeSource = e.variableNames.first
    }

    /// The complete expression.
    func emit(_ e: Expr) throws(SymbolicError) -> String {
        var p = try render(e)
        if dialect == .swift {
            if p.literal != nil { p = tensor(p) }
            if e.throwsInSwift { return "try " + p.code }
        }
        return p.code
    }

    // MARK: - Small pieces

    private var isPython: Bool { dialect != .swift }

    /// `np.`, `torch.`.
    private var lib: String { dialect == .numpy ? "np." : "torch." }

    private func numberLiteral(_ x: Double) -> CodePiece {
        let code: String
        if x.isFinite {
            code = compactNumber(x)
        } else if x.isNaN {
            code = isPython ? "float('nan')" : "Double.nan"
        } else {
            code = isPython ? (x < 0 ? "-float('inf')" : "float('inf')") : (x < 0 ? "-Double.infinity" : "Double.infinity")
        }
        return CodePiece(
            code: code, level: x < 0 ? .unary : .postfix, shape: .scalar, leadingMinus: x < 0, literal: x)
    }

    /// A number literal that reads as floating point (`2.0`, `0.5`).
    private func floatLiteral(_ x: Double) -> String {
        let s = numberLiteral(x).code
        guard x.isFinite, !s.contains("."), !s.contains("e") else { return s }
        return s + ".0"
    }

    /// A literal made a tensor where the language needs one (Swift receivers, torch functions).
    private func tensor(_ p: CodePiece) -> CodePiece {
        guard let x = p.literal else { return p }
        switch dialect {
        case .numpy: return p
        case .pytorch:
            return CodePiece(code: "torch.tensor(\(floatLiteral(x))\(dtypeArgument))", level: .postfix, shape: p.shape)
        case .swift:
            return CodePiece(code: "Tensor(\(floatLiteral(x)))", level: .postfix, shape: p.shape)
        }
    }

    /// `, dtype=X.dtype` / `, dtype: X.dtype`, or nothing without variables.
    private var dtypeArgument: String {
        guard let v = dtypeSource, dialect != .numpy else { return "" }
        return dialect == .swift ? ", dtype: \(v).dtype" : ", dtype=\(v).dtype"
    }

    /// The floating dtype masks are converted to.
    private var dtypeValue: String {
        switch dialect {
        case .numpy: return "float"
        case .pytorch: return dtypeSource.map { "\($0).dtype" } ?? "torch.get_default_dtype()"
        case .swift: return dtypeSource.map { "\($0).dtype" } ?? ".float32"
        }
    }

    private func dimCode(_ d: Dim) -> String {
        switch d {
        case .named(let n): return n
        case .fixed(let k): return String(k)
        case .product(let a, let b): return dimCode(a) + " * " + dimCode(b)
        }
    }

    private func parenthesised(_ p: CodePiece) -> CodePiece {
        CodePiece(code: "(" + p.code + ")", level: .postfix, shape: p.shape, isMask: p.isMask)
    }

    /// The piece as a right operand (or unary operand) that must bind tighter than `level`.
    private func operand(_ p: CodePiece, above level: CodeLevel) -> CodePiece {
        p.level <= level || p.leadingMinus ? parenthesised(p) : p
    }

    /// The piece as a left operand of an operator at `level`.
    private func leftOperand(_ p: CodePiece, at level: CodeLevel) -> CodePiece {
        p.level < level ? parenthesised(p) : p
    }

    /// The piece as the receiver of `.method`, `.T` or `[…]`.
    private func receiver(_ p: CodePiece) -> CodePiece {
        let t = tensor(p)
        return t.level < .postfix || t.leadingMinus ? parenthesised(t) : t
    }

    private func call(_ function: String, _ args: String..., shape: MatrixShape) -> CodePiece {
        CodePiece(code: function + "(" + args.joined(separator: ", ") + ")", level: .postfix, shape: shape)
    }

    /// `receiver.method(args)` (Swift) / `receiver.attribute` (Python, with `args == nil`).
    private func member(_ p: CodePiece, _ name: String, _ args: String? = nil, shape: MatrixShape) -> CodePiece {
        let r = receiver(p)
        return CodePiece(code: r.code + "." + name + (args.map { "(" + $0 + ")" } ?? ""), level: .postfix, shape: shape)
    }

    /// A binary operator; in Swift two literals would make a number, not a tensor, so the left
    /// one becomes a tensor.
    private func binary(
        _ l: CodePiece, _ op: String, _ r: CodePiece, level: CodeLevel, shape: MatrixShape, rightMayBeSameLevel: Bool = false
    ) -> CodePiece {
        var left = l
        if dialect == .swift, l.literal != nil, r.literal != nil { left = tensor(l) }
        left = leftOperand(left, at: level)
        let right = rightMayBeSameLevel && r.level == level && !r.leadingMinus ? r : operand(r, above: level)
        return CodePiece(
            code: left.code + " " + op + " " + right.code, level: level, shape: shape, leadingMinus: left.leadingMinus)
    }

    /// A function of one tensor: `np.f(A)`, `torch.f(A)`, `A.f()`.
    private func function(_ name: String, _ p: CodePiece, shape: MatrixShape? = nil) -> CodePiece {
        let shape = shape ?? p.shape
        switch dialect {
        case .numpy: return call("np." + name, p.code, shape: shape)
        case .pytorch: return call("torch." + name, tensor(p).code, shape: shape)
        case .swift: return member(p, name, "", shape: shape)
        }
    }

    // MARK: - Rendering

    func render(_ e: Expr) throws(SymbolicError) -> CodePiece {
        switch e {
        case .variable(let name, let shape):
            return CodePiece(code: name, level: .postfix, shape: shape)
        case .number(let x):
            return numberLiteral(x)
        case .identity(let n):
            if n.isOne { return numberLiteral(1) }
            switch dialect {
            case .numpy: return call("np.eye", dimCode(n), shape: e.shape)
            case .pytorch: return call("torch.eye", dimCode(n) + dtypeArgument, shape: e.shape)
            case .swift: return call("Tensor.eye", dimCode(n) + dtypeArgument, shape: e.shape)
            }
        case .ones(let s):
            return filled("ones", s, 1)
        case .zeros(let s):
            return filled("zeros", s, 0)

        case .sum(let terms):
            guard let first = terms.first else { return numberLiteral(0) }
            var out = try render(first)
            for term in terms.dropFirst() {
                let (negated, positive) = term.negationSplit
                out = binary(out, negated ? "-" : "+", try render(negated ? positive : term), level: .additive, shape: e.shape)
            }
            return out

        case .product(let factors):
            return try product(factors, shape: e.shape)

        case .scale(let s, let a):
            let body = try render(a)
            if case .number(-1) = s { return negate(body) }
            return binary(try render(s), "*", body, level: .multiplicative, shape: e.shape, rightMayBeSameLevel: true)
        case .divide(let a, let s):
            return binary(try render(a), "/", try render(s), level: .multiplicative, shape: e.shape)

        case .hadamard(let a, let b):
            var l = try render(a), r = try render(b)
            // A 0–1 mask multiplies in as a bool array (bool × float is float in all three).
            if !(isMaskExpr(a) && isMaskExpr(b)) {
                if isMaskExpr(a) { l = try rawMask(a) }
                if isMaskExpr(b) { r = try rawMask(b) }
            }
            return binary(l, "*", r, level: .multiplicative, shape: e.shape)
        case .hadamardDivide(let a, let b):
            return binary(try render(a), "/", try render(b), level: .multiplicative, shape: e.shape)
        case .kronecker(let a, let b):
            return try kronecker(a, b, shape: e.shape)

        case .transpose(let a):
            var p = try render(a)
            guard p.kind == .matrix else {
                p.shape = e.shape
                return p
            }
            return dialect == .swift ? member(p, "t", "", shape: e.shape) : member(p, "T", shape: e.shape)
        case .inverse(let a):
            let p = try render(a)
            if p.kind == .scalar {
                if let x = p.literal { return numberLiteral(1 / x) }
                return binary(numberLiteral(1), "/", p, level: .multiplicative, shape: e.shape)
            }
            switch dialect {
            case .numpy: return call("np.linalg.inv", p.code, shape: e.shape)
            case .pytorch: return call("torch.linalg.inv", p.code, shape: e.shape)
            case .swift: return member(p, "inverse", "", shape: e.shape)
            }
        case .matrixPower(let a, let k):
            let p = try render(a)
            if p.kind == .scalar { return power(p, Double(k)) }
            switch dialect {
            case .numpy: return call("np.linalg.matrix_power", p.code, String(k), shape: e.shape)
            case .pytorch: return call("torch.linalg.matrix_power", p.code, String(k), shape: e.shape)
            case .swift: return member(p, "matrixPower", String(k), shape: e.shape)
            }
        case .power(let a, let exponent):
            return power(try render(a), exponent)

        case .apply(let f, let a):
            return try apply(f, a, shape: e.shape)
        case .maximum(let a, let c):
            let p = try render(a)
            switch dialect {
            case .numpy: return call("np.maximum", p.code, compactNumber(c), shape: e.shape)
            case .pytorch:
                return c == 0
                    ? call("torch.relu", tensor(p).code, shape: e.shape)
                    : call("torch.clamp", tensor(p).code, "min=" + compactNumber(c), shape: e.shape)
            case .swift:
                return c == 0 ? member(p, "relu", "", shape: e.shape) : member(p, "clamp", "min: " + compactNumber(c), shape: e.shape)
            }
        case .minimum(let a, let c):
            let p = try render(a)
            switch dialect {
            case .numpy: return call("np.minimum", p.code, compactNumber(c), shape: e.shape)
            case .pytorch: return call("torch.clamp", tensor(p).code, "max=" + compactNumber(c), shape: e.shape)
            case .swift: return member(p, "clamp", "max: " + compactNumber(c), shape: e.shape)
            }
        case .indicator:
            return floatMask(try rawMask(e))

        case .trace(let a):
            let p = try render(a)
            if p.kind == .scalar { return p }
            return function("trace", p, shape: .scalar)
        case .det(let a):
            let p = try render(a)
            if p.kind == .scalar { return p }
            switch dialect {
            case .numpy: return call("np.linalg.det", p.code, shape: .scalar)
            case .pytorch: return call("torch.linalg.det", p.code, shape: .scalar)
            case .swift: return member(p, "det", "", shape: .scalar)
            }
        case .logdet(let a, let absolute):
            let p = try render(a)
            if p.kind == .scalar {
                return function("log", absolute ? function("abs", p) : p, shape: .scalar)
            }
            switch dialect {
            case .numpy:
                // slogdet is stable; its sign is dropped (log det is used where det > 0).
                return CodePiece(code: "np.linalg.slogdet(\(p.code))[1]", level: .postfix, shape: .scalar)
            case .pytorch:
                return absolute
                    ? CodePiece(code: "torch.linalg.slogdet(\(p.code))[1]", level: .postfix, shape: .scalar)
                    : call("torch.logdet", p.code, shape: .scalar)
            case .swift:
                return absolute
                    ? CodePiece(code: receiver(p).code + ".slogdet().logAbsDet", level: .postfix, shape: .scalar)
                    : member(p, "logdet", "", shape: .scalar)
            }
        case .diag(let a):
            let p = try render(a)
            if p.kind == .scalar {
                var q = p
                q.shape = e.shape
                return q
            }
            return function("diag", p, shape: e.shape)
        case .vec(let a):
            var p = try render(a)
            guard p.kind == .matrix else {
                p.shape = e.shape
                return p
            }
            switch dialect {
            case .numpy: return member(p, "reshape", "-1, order='F'", shape: e.shape)
            case .pytorch: return member(member(p, "T", shape: a.shape.transposed), "reshape", "-1", shape: e.shape)
            case .swift: return member(member(p, "t", "", shape: a.shape.transposed), "reshaped", "[-1]", shape: e.shape)
            }
        case .sumEntries(let a):
            let p = try render(a)
            return p.kind == .scalar ? p : sumAll(p)
        case .norm(let a, let kind):
            let p = try render(a)
            switch (kind, dialect) {
            case (.frobenius, .numpy): return call("np.linalg.norm", p.code, shape: .scalar)
            case (.frobenius, .pytorch):
                return p.kind == .scalar ? function("abs", p) : call("torch.linalg.norm", p.code, shape: .scalar)
            case (.frobenius, .swift): return member(p, "norm", "", shape: .scalar)
            case (.one, .swift): return member(p, "norm", "p: 1", shape: .scalar)
            case (.one, _): return sumAll(function("abs", p))
            }
        case .softmax(let a):
            let p = try render(a)
            if p.kind == .scalar { return numberLiteral(1) }
            switch dialect {
            case .numpy: return call("softmax", p.code, shape: e.shape)
            case .pytorch: return call("torch.softmax", p.code, "dim=-1", shape: e.shape)
            case .swift: return member(p, "softmax", "dim: -1", shape: e.shape)
            }
        case .logsumexp(let a):
            let p = try render(a)
            if p.kind == .scalar { return p }
            switch dialect {
            case .numpy: return call("logsumexp", p.code, shape: .scalar)
            case .pytorch:
                let flat = p.kind == .vector ? p : member(p, "reshape", "-1", shape: .vector(.one))
                return call("torch.logsumexp", flat.code, "dim=-1", shape: .scalar)
            case .swift: return member(p, "logsumexp", "", shape: .scalar)
            }

        case .differential:
            let language = dialect == .numpy ? "NumPy" : dialect == .pytorch ? "PyTorch" : "Swift"
            throw SymbolicError(
                .unsupported, "cannot emit \(language) code for the differential \(e.text): differentials only appear in derivations")
        }
    }

    // MARK: - Helpers for the cases

    private func filled(_ what: String, _ s: MatrixShape, _ value: Double) -> CodePiece {
        if s.isOneByOne { return CodePiece(code: floatLiteral(value), level: .postfix, shape: s, literal: value) }
        let dims = s.valueKind == .vector ? [s.rows.isOne ? s.cols : s.rows] : [s.rows, s.cols]
        let list = dims.map(dimCode).joined(separator: ", ")
        switch dialect {
        case .numpy: return call("np." + what, dims.count == 1 ? list : "(" + list + ")", shape: s)
        case .pytorch: return call("torch." + what, list + dtypeArgument, shape: s)
        case .swift: return call("Tensor." + what, "[" + list + "]" + dtypeArgument, shape: s)
        }
    }

    private func negate(_ p: CodePiece) -> CodePiece {
        if let x = p.literal { return numberLiteral(-x) }
        let body = p.level < .multiplicative || p.leadingMinus ? parenthesised(p) : p
        return CodePiece(code: "-" + body.code, level: Swift.min(body.level, .unary), shape: p.shape, leadingMinus: true)
    }

    private func power(_ p: CodePiece, _ exponent: Double) -> CodePiece {
        if dialect == .swift {
            return member(p, "pow", compactNumber(exponent), shape: p.shape)
        }
        let base = p.level < .postfix || p.leadingMinus ? parenthesised(p) : p
        return CodePiece(code: base.code + " ** " + compactNumber(exponent), level: .power, shape: p.shape)
    }

    /// Σ of all entries.
    private func sumAll(_ p: CodePiece) -> CodePiece {
        switch dialect {
        case .numpy: return call("np.sum", p.code, shape: .scalar)
        case .pytorch: return call("torch.sum", tensor(p).code, shape: .scalar)
        case .swift: return member(p, "sum", "", shape: .scalar)
        }
    }

    /// Sums of a matrix down its columns (`axis` 0, a row) or along its rows (`axis` 1, a column).
    private func sumAxis(_ p: CodePiece, _ axis: Int, shape: MatrixShape) -> CodePiece {
        switch dialect {
        case .numpy: return call("np.sum", p.code, "axis=\(axis)", shape: shape)
        case .pytorch: return call("torch.sum", p.code, "dim=\(axis)", shape: shape)
        case .swift: return member(p, "sum", "dim: \(axis)", shape: shape)
        }
    }

    private func product(_ factors: [Expr], shape: MatrixShape) throws(SymbolicError) -> CodePiece {
        guard let first = factors.first else { return numberLiteral(1) }
        if factors.count == 1 { return try render(first) }
        var acc: CodePiece? = nil
        var pendingOnesRow = false
        for (i, f) in factors.enumerated() {
            if i == 0 && f.isOnesRow {
                pendingOnesRow = true
                continue
            }
            if pendingOnesRow {
                pendingOnesRow = false
                let p = try render(f)
                switch p.kind {
                case .vector where !f.isOnesColumn: acc = sumAll(p)
                case .matrix: acc = sumAxis(p, 0, shape: MatrixShape(.one, p.shape.cols))
                default: acc = multiply(try render(first), p)
                }
                continue
            }
            if let a = acc, f.isOnesColumn, a.kind != .scalar {
                acc = a.kind == .matrix ? sumAxis(a, 1, shape: MatrixShape(a.shape.rows, .one)) : sumAll(a)
                continue
            }
            let p = try render(f)
            acc = acc.map { multiply($0, p) } ?? p
        }
        var out = acc!
        out.shape = shape
        return out
    }

    /// The matrix product of two consecutive factors, by what they are.
    private func multiply(_ a: CodePiece, _ b: CodePiece) -> CodePiece {
        let shape = MatrixShape(a.shape.rows, b.shape.cols)
        if a.kind == .scalar || b.kind == .scalar {
            return binary(a, "*", b, level: .multiplicative, shape: shape)
        }
        if a.shape.isProperColumn && b.shape.isProperRow {
            switch dialect {
            case .numpy: return call("np.outer", a.code, b.code, shape: shape)
            case .pytorch: return call("torch.outer", a.code, b.code, shape: shape)
            case .swift:
                let column = member(a, "unsqueeze", "1", shape: MatrixShape(a.shape.rows, .one))
                return member(column, "matmul", member(b, "unsqueeze", "0", shape: b.shape).code, shape: shape)
            }
        }
        if dialect == .swift { return member(a, "matmul", b.code, shape: shape) }
        return binary(a, "@", b, level: .multiplicative, shape: shape)
    }

    private func kronecker(_ a: Expr, _ b: Expr, shape: MatrixShape) throws(SymbolicError) -> CodePiece {
        var l = try render(a), r = try render(b)
        if l.kind == .scalar || r.kind == .scalar {
            return binary(l, "*", r, level: .multiplicative, shape: shape)
        }
        if shape.valueKind == .matrix {
            // A vector factor of a matrix-valued product is lifted to its 2-D orientation.
            l = lifted(l)
            r = lifted(r)
        }
        switch dialect {
        case .numpy: return call("np.kron", l.code, r.code, shape: shape)
        // torch.kron (2.13) fails on non-contiguous operands such as a transpose; make them contiguous.
        case .pytorch: return call("torch.kron", "(\(l.code)).contiguous()", "(\(r.code)).contiguous()", shape: shape)
        case .swift: return call("Tensor.kron", l.code, r.code, shape: shape)
        }
    }

    /// A 1-D vector as the 2-D column or row it stands for.
    private func lifted(_ p: CodePiece) -> CodePiece {
        guard p.kind == .vector else { return p }
        let column = p.shape.isProperColumn
        if dialect == .swift { return member(p, "unsqueeze", column ? "1" : "0", shape: p.shape) }
        let r = receiver(p)
        return CodePiece(code: r.code + (column ? "[:, None]" : "[None, :]"), level: .postfix, shape: p.shape)
    }

    private func apply(_ f: ElementwiseFunction, _ a: Expr, shape: MatrixShape) throws(SymbolicError) -> CodePiece {
        let p = try render(a)
        switch f {
        case .exp, .log, .sin, .cos, .tanh, .abs, .sqrt:
            return function(f.rawValue, p)
        case .sign:
            return function("sign", p)
        case .sigmoid:
            return dialect == .numpy ? call("sigmoid", p.code, shape: shape) : function("sigmoid", p)
        case .relu:
            return dialect == .numpy ? call("np.maximum", p.code, "0", shape: shape) : function("relu", p)
        case .step:
            return dialect == .numpy ? call("step", p.code, shape: shape) : floatMask(try rawMask(.apply(.step, a)))
        }
    }

    /// Whether the expression is a 0–1 mask (an indicator or step).
    private func isMaskExpr(_ e: Expr) -> Bool {
        switch e {
        case .indicator, .apply(.step, _): return true
        default: return false
        }
    }

    /// The bool array `(A > B)` of an indicator or step.
    private func rawMask(_ e: Expr) throws(SymbolicError) -> CodePiece {
        let a: Expr, op: Comparison, b: Expr
        switch e {
        case .indicator(let x, let o, let y): (a, op, b) = (x, o, y)
        case .apply(.step, let x): (a, op, b) = (x, .greater, .number(0))
        default: preconditionFailure("not a mask: \(e)")
        }
        let symbol: String
        switch op {
        case .greater: symbol = ">"
        case .greaterOrEqual: symbol = ">="
        case .less: symbol = "<"
        case .lessOrEqual: symbol = "<="
        }
        var l = try render(a)
        if dialect == .swift { l = tensor(l) }
        let r = try render(b)
        let left = l.level < .additive ? parenthesised(l) : l
        let right = r.level <= .comparison ? parenthesised(r) : r
        return CodePiece(
            code: "(" + left.code + " " + symbol + " " + right.code + ")", level: .postfix, shape: e.shape, isMask: true)
    }

    /// A mask as 0.0 / 1.0 in the working floating dtype.
    private func floatMask(_ mask: CodePiece) -> CodePiece {
        let method = dialect == .numpy ? "astype" : "to"
        return CodePiece(code: mask.code + "." + method + "(" + dtypeValue + ")", level: .postfix, shape: mask.shape)
    }
}

extension Expr {
    /// 1ᵀ: a ones row, or the transpose of a ones column.
    var isOnesRow: Bool {
        switch self {
        case .ones(let s): return s.isProperRow
        case .transpose(.ones(let s)): return s.isProperColumn
        default: return false
        }
    }

    /// 1: a ones column, or the transpose of a ones row.
    var isOnesColumn: Bool {
        switch self {
        case .ones(let s): return s.isProperColumn
        case .transpose(.ones(let s)): return s.isProperRow
        default: return false
        }
    }

    /// Whether the emitted Swift calls a throwing method: `inverse()` or `matrixPower(_:)` of a matrix
    /// larger than 1×1.
    var throwsInSwift: Bool {
        switch self {
        case .inverse(let a), .matrixPower(let a, _): if !a.shape.isOneByOne { return true }
        default: break
        }
        return children.contains { $0.throwsInSwift }
    }
}
