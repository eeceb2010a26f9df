/// Turns a `Syntax` tree into a shape-checked `Expr`: names are looked up, products, sums and powers
/// get their meaning from the shapes of their operands, and mismatches become errors that name the
/// operator and both shapes.
///
/// The literal `1` and the identity `I` take their size from context. They start with placeholder
/// dimensions (`?0`, `?1`, … — names no one can write) that unify through products, sums and
/// Hadamard products; `finalize` then substitutes what was learnt, sets what is still unknown to 1,
/// and turns 1×1 ones into the number 1. Unification is plain: a dimension equals a placeholder or
/// itself, never a different name (no solving n = d).
struct Elaborator {
    /// The largest |k| accepted in a matrix power Xᵏ (found by fuzzing: `A^99999` hung the Swift printer,
    /// whose work grows with k², and differentiation builds k terms).
    static let maximumMatrixPower = 100

    /// The largest product of the exponents of matrix powers nested in one another within `e` (1 if none),
    /// capped just past ``maximumMatrixPower``.
    static func matrixPowerWeight(_ e: Expr) -> Int {
        let inner = e.children.reduce(1) { Swift.max($0, matrixPowerWeight($1)) }
        guard case .matrixPower(_, let k) = e else { return inner }
        return Swift.min(Swift.max(1, k) * inner, maximumMatrixPower + 1)
    }

    private let declarations: Declarations
    private let chars: [Character]
    private var bindings: [String: Dim] = [:]
    private var placeholderCount = 0

    /// Names defined in a derivation (`let Z = max(X W, 0)`), declared as variables too: what `dZ/d(X W)` needs.
    private let definitions: [String: Expr]
    /// How the source was read where it could have been read otherwise, for `--explain`.
    private(set) var readings: [Reading] = []

    init(declarations: Declarations, chars: [Character], definitions: [String: Expr] = [:]) {
        self.declarations = declarations
        self.chars = chars
        self.definitions = definitions
    }

    /// An expression with its shape (which may still hold placeholders) and its source range.
    struct Typed {
        var expr: Expr
        var shape: MatrixShape
        var range: SourceRange
        /// The informal derivative `dZ/d(X W)` = g′(X W) of Z = g(X W): a product with it is a Hadamard product.
        var isEntrywiseDerivative = false
    }

    /// Elaborates the whole tree, unifies its shape with `expected` if given, and finalizes.
    mutating func elaborateRoot(_ syntax: Syntax, expecting expected: MatrixShape?) throws -> Expr {
        let root = try elaborate(syntax)
        if let expected, !expected.isScalar, case .number(0) = root.expr {
            // A bare `0` where a matrix is expected is the zero matrix (the text printer writes zeros as 0).
            return .zeros(expected)
        }
        if let expected, !unify(root.shape, expected) {
            throw SymbolicError(.shape, "the expression is \(describe(root.shape)) but \(describe(expected)) was expected",
                                at: root.range)
        }
        return finalize(root.expr)
    }

    // MARK: Placeholders and unification

    private mutating func fresh() -> Dim {
        defer { placeholderCount += 1 }
        return .named("?\(placeholderCount)")
    }

    private func isPlaceholder(_ d: Dim) -> Bool {
        if case .named(let name) = d { return name.hasPrefix("?") }
        return false
    }

    private func resolve(_ d: Dim) -> Dim {
        var d = d
        while case .named(let name) = d, let bound = bindings[name] { d = bound }
        return d
    }

    private func resolve(_ s: MatrixShape) -> MatrixShape { MatrixShape(resolve(s.rows), resolve(s.cols)) }

    /// Binds a placeholder to the other side: `bound` is false when the dimensions differ, and
    /// `placeholder` names the one bound, if any.
    private mutating func bind(_ a: Dim, _ b: Dim) -> (bound: Bool, placeholder: String?) {
        let a = root(a), b = root(b)
        if a == b { return (true, nil) }
        // Of two placeholders the newer one points to the older, which keeps chains short: in
        // `1 + 1 + …` every new `1` points to the first one.
        switch (placeholderNumber(a), placeholderNumber(b)) {
        case (let x?, let y?):
            let (newer, older) = x > y ? (a, b) : (b, a)
            bindings[newer.description] = older
            return (true, newer.description)
        case (_?, nil):
            bindings[a.description] = b
            return (true, a.description)
        case (nil, _?):
            bindings[b.description] = a
            return (true, b.description)
        case (nil, nil):
            return (false, nil)
        }
    }

    private func placeholderNumber(_ d: Dim) -> Int? {
        guard case .named(let name) = d, name.hasPrefix("?") else { return nil }
        return Int(name.dropFirst())
    }

    /// `resolve` with path compression.
    private mutating func root(_ d: Dim) -> Dim {
        let r = resolve(d)
        var d = d
        while case .named(let name) = d, let bound = bindings[name] {
            if bound != r { bindings[name] = r }
            d = bound
        }
        return r
    }

    private mutating func unify(_ a: Dim, _ b: Dim) -> Bool { bind(a, b).bound }

    /// Unifies both dimensions or neither.
    private mutating func unify(_ a: MatrixShape, _ b: MatrixShape) -> Bool {
        let rows = bind(a.rows, b.rows)
        guard rows.bound else { return false }
        // Checked before binding, so that undoing the rows' binding is all a failure has to undo.
        let ca = resolve(a.cols), cb = resolve(b.cols)
        if ca == cb || isPlaceholder(ca) || isPlaceholder(cb) { return unify(a.cols, b.cols) }
        if let placeholder = rows.placeholder { bindings[placeholder] = nil }
        return false
    }

    private func isScalar(_ s: MatrixShape) -> Bool { resolve(s) == .scalar }

    /// Whether the shape is 1×1 or can still become 1×1.
    private func canBeScalar(_ s: MatrixShape) -> Bool {
        let s = resolve(s)
        return (s.rows == .one || isPlaceholder(s.rows)) && (s.cols == .one || isPlaceholder(s.cols))
    }

    /// Makes a shape that `canBeScalar` 1×1.
    private mutating func makeScalar(_ s: MatrixShape) {
        _ = unify(s, .scalar)
    }

    /// Sets the placeholders of a shape to 1 (where an operation needs definite dimensions).
    private mutating func freeze(_ s: MatrixShape) -> MatrixShape {
        for d in [s.rows, s.cols] where isPlaceholder(resolve(d)) { _ = unify(d, .one) }
        return resolve(s)
    }

    // MARK: Messages

    private func text(_ range: SourceRange) -> String {
        let lower = Swift.min(range.lowerBound, chars.count), upper = Swift.min(range.upperBound, chars.count)
        var slice = chars[lower..<upper]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    private func describe(_ d: Dim) -> String {
        let d = resolve(d)
        return isPlaceholder(d) ? "?" : d.description
    }

    private func describe(_ s: MatrixShape) -> String { "\(describe(s.rows))×\(describe(s.cols))" }

    private func shapeError(_ message: String, at range: SourceRange) -> SymbolicError {
        SymbolicError(.shape, message, at: range)
    }

    /// "sum A + B: A is n×m, B is n×r; shapes differ", pointing at B.
    private func mismatch(_ what: String, _ op: String, _ left: SourceRange, _ leftShape: MatrixShape,
                          _ right: Typed) -> SymbolicError {
        let l = text(left), r = text(right.range)
        return shapeError(
            "\(what) \(l) \(op) \(r): \(l) is \(describe(leftShape)), \(r) is \(describe(right.shape)); shapes differ",
            at: right.range)
    }

    // MARK: Elaboration

    private mutating func elaborate(_ syntax: Syntax) throws -> Typed {
        let range = syntax.range
        switch syntax.kind {
        case .identifier(let name):
            return try identifier(name, range)
        case .number(let value):
            if value == 1 {
                let shape = MatrixShape(fresh(), fresh())
                return Typed(expr: .ones(shape), shape: shape, range: range)
            }
            return Typed(expr: .number(value), shape: .scalar, range: range)
        case .group(let inner):
            var typed = try elaborate(inner)
            typed.range = range
            return typed
        case .negate(let inner):
            let a = try elaborate(inner)
            return Typed(expr: .scale(.number(-1), a.expr), shape: a.shape, range: range)
        case .sum(let terms):
            return try sum(terms, range)
        case .juxtaposition, .binary(.product, _, _, _):
            return try product(try productFactors(syntax).map { try elaborate($0) }, range)
        case .binary(let op, let opRange, let lhs, let rhs):
            return try binary(op, text(opRange), try elaborate(lhs), try elaborate(rhs), range)
        case .comparison(let op, let opRange, let lhs, let rhs):
            return try comparison(op, text(opRange), lhs, rhs, range)
        case .postfix(let base, let op, let opRange):
            return try postfix(op, try elaborate(base), opRange, range)
        case .call(let name, let nameRange, let arguments):
            return try call(name, nameRange, arguments, range)
        case .norm(let inner, let sub):
            return try norm(try elaborate(inner), sub, range)
        case .absolute(let inner):
            let a = try elaborate(inner)
            return Typed(expr: .apply(.abs, a.expr), shape: a.shape, range: range)
        case .indicator(let comparison):
            var typed = try elaborate(comparison)
            typed.range = range
            return typed
        case .differential(let inner):
            let a = try elaborate(inner)
            return Typed(expr: .differential(a.expr), shape: a.shape, range: range)
        }
    }

    private mutating func identifier(_ name: String, _ range: SourceRange) throws -> Typed {
        if let shape = declarations.shape(of: name) {
            return Typed(expr: .variable(name, shape), shape: shape, range: range)
        }
        if name == "I" {
            let n = fresh()
            return Typed(expr: .identity(n), shape: MatrixShape(n, n), range: range)
        }
        if declarations.dimensionNames.contains(name) {
            // A dimension used as a number (`sqrt(d)`): the IR has no size node, and tr(I_d) = d.
            return Typed(expr: .trace(.identity(.named(name))), shape: .scalar, range: range)
        }
        var message = "unknown identifier '\(name)'"
        if let guess = suggestion(for: name, among: declarations.names + BuiltinFunction.allNames) {
            message += "; did you mean '\(guess)'?"
        } else if declarations.names.isEmpty {
            message += "; no variables are declared"
        } else {
            message += "; the declared variables are \(declarations.names.joined(separator: ", "))"
        }
        throw SymbolicError(.unknownName, message, at: range)
    }

    // MARK: Sums

    private mutating func sum(_ terms: [Syntax.Term], _ range: SourceRange) throws -> Typed {
        var typed: [Typed] = []
        var broadcast: [Bool] = []
        var shape = MatrixShape.scalar
        for (i, term) in terms.enumerated() {
            let t = try elaborate(term.syntax)
            var spread = false
            if i == 0 {
                shape = t.shape
            } else if !unify(shape, t.shape) {
                if canBeScalar(t.shape) {
                    makeScalar(t.shape)
                    spread = true
                } else if canBeScalar(shape) {
                    makeScalar(shape)
                    broadcast = broadcast.map { _ in true }
                    shape = t.shape
                } else {
                    let op = text(term.operatorRange ?? range)
                    let left = SourceRange(terms[0].syntax.range.lowerBound, terms[i - 1].syntax.range.upperBound)
                    throw mismatch(op == "+" ? "sum" : "difference", op, left, shape, t)
                }
            }
            broadcast.append(spread)
            typed.append(t)
        }
        let exprs = zip(terms, zip(typed, broadcast)).map { term, pair in
            let e = pair.1 ? Expr.scale(pair.0.expr, .ones(shape)) : pair.0.expr
            return term.negative ? Expr.scale(.number(-1), e) : e
        }
        return Typed(expr: .sum(exprs), shape: shape, range: range)
    }

    // MARK: Products

    /// The factors of a product written with juxtaposition, `*` or `@`, not looking into brackets.
    private func productFactors(_ syntax: Syntax) -> [Syntax] {
        switch syntax.kind {
        case .juxtaposition(let items): items.flatMap(productFactors)
        case .binary(.product, _, let a, let b): productFactors(a) + productFactors(b)
        default: [syntax]
        }
    }

    /// A product: 1×1 factors are scalar multiples (`2 X`, `lam ||w||^2`), the others a matrix
    /// product whose inner dimensions must agree.
    private mutating func product(_ factors: [Typed], _ range: SourceRange) throws -> Typed {
        var factors = factors
        // `dZ/d(X W) X dW` is g′(X W) ⊙ (X dW), as students write the chain rule for entrywise g.
        if let i = factors.indices.dropLast().first(where: { factors[$0].isEntrywiseDerivative }) {
            let m = factors[i]
            let restRange = SourceRange(factors[i + 1].range.lowerBound, factors[factors.count - 1].range.upperBound)
            let rest = try product(Array(factors[(i + 1)...]), restRange)
            guard unify(m.shape, rest.shape) else { throw mismatch("Hadamard product", "⊙", m.range, m.shape, rest) }
            readings.append(Reading("read '\(text(m.range)) \(text(rest.range))' as \(text(m.range)) ⊙ (\(text(rest.range)))",
                                    at: SourceRange(m.range.lowerBound, rest.range.upperBound)))
            let hadamard = Typed(expr: .hadamard(m.expr, rest.expr), shape: m.shape,
                                 range: SourceRange(m.range.lowerBound, rest.range.upperBound))
            factors.replaceSubrange(i..., with: [hadamard])
            if factors.count == 1 { return Typed(expr: hadamard.expr, shape: hadamard.shape, range: range) }
        }
        var scalars: [Expr] = []
        var chain: [Typed] = []
        for f in factors {
            if isScalar(f.shape) {
                scalars.append(f.expr)
                continue
            }
            guard let first = chain.first, let last = chain.last else {
                chain = [f]
                continue
            }
            if unify(last.shape.cols, f.shape.rows) {
                chain.append(f)
            } else if canBeScalar(f.shape) {
                makeScalar(f.shape)
                scalars.append(f.expr)
            } else if canBeScalar(MatrixShape(first.shape.rows, last.shape.cols)) {
                // `(1ᵀ y) softmax(z)`: what came before is a 1×1 row-times-column.
                makeScalar(MatrixShape(first.shape.rows, last.shape.cols))
                scalars.append(chainExpr(chain))
                chain = [f]
            } else {
                let leftRange = SourceRange(first.range.lowerBound, last.range.upperBound)
                let l = text(leftRange), r = text(f.range)
                let leftShape = MatrixShape(first.shape.rows, last.shape.cols)
                throw shapeError(
                    "matrix product \(l) \(r): \(l) is \(describe(leftShape)), \(r) is \(describe(f.shape)); "
                        + "inner dimensions \(describe(leftShape.cols)) and \(describe(f.shape.rows)) differ",
                    at: f.range)
            }
        }
        var expr: Expr
        var shape: MatrixShape
        if chain.isEmpty {
            expr = scalars.removeLast()
            shape = .scalar
        } else {
            expr = chainExpr(chain)
            shape = MatrixShape(chain[0].shape.rows, chain[chain.count - 1].shape.cols)
        }
        for s in scalars.reversed() { expr = .scale(s, expr) }
        return Typed(expr: expr, shape: shape, range: range)
    }

    private func chainExpr(_ chain: [Typed]) -> Expr { chain.count == 1 ? chain[0].expr : .product(chain.map(\.expr)) }

    // MARK: Binary operators

    private mutating func binary(_ op: Syntax.BinaryOperator, _ opText: String, _ a: Typed, _ b: Typed,
                                 _ range: SourceRange) throws -> Typed {
        switch op {
        case .product:
            preconditionFailure("products are elaborated by product(_:_:)")
        case .divide:
            if case .differential = a.expr, case .differential = b.expr { return try entrywiseDerivative(a, b, range) }
            guard canBeScalar(b.shape) else {
                throw shapeError("division \(text(a.range)) \(opText) \(text(b.range)): \(text(b.range)) is \(describe(b.shape)), "
                                    + "not a scalar; for entrywise division use ./ or ⊘", at: b.range)
            }
            makeScalar(b.shape)
            if case .ones(let shape) = a.expr, isPlaceholder(resolve(shape.rows)), isPlaceholder(resolve(shape.cols)) {
                // A literal 1 over a scalar is the reciprocal, whatever surrounds it: `(1/s) X` and
                // LaTeX's `\frac{1}{\sqrt{d}} G K` scale, rather than put a row of ones in front.
                makeScalar(a.shape)
            }
            return Typed(expr: .divide(a.expr, b.expr), shape: a.shape, range: range)
        case .hadamard:
            if unify(a.shape, b.shape) { return Typed(expr: .hadamard(a.expr, b.expr), shape: a.shape, range: range) }
            if canBeScalar(a.shape) {
                makeScalar(a.shape)
                return Typed(expr: .scale(a.expr, b.expr), shape: b.shape, range: range)
            }
            if canBeScalar(b.shape) {
                makeScalar(b.shape)
                return Typed(expr: .scale(b.expr, a.expr), shape: a.shape, range: range)
            }
            throw mismatch("Hadamard product", opText, a.range, a.shape, b)
        case .hadamardDivide:
            if unify(a.shape, b.shape) { return Typed(expr: .hadamardDivide(a.expr, b.expr), shape: a.shape, range: range) }
            if canBeScalar(b.shape) {
                makeScalar(b.shape)
                return Typed(expr: .divide(a.expr, b.expr), shape: a.shape, range: range)
            }
            if canBeScalar(a.shape) {
                makeScalar(a.shape)
                return Typed(expr: .hadamardDivide(.scale(a.expr, .ones(b.shape)), b.expr), shape: b.shape, range: range)
            }
            throw mismatch("entrywise division", opText, a.range, a.shape, b)
        case .kronecker:
            return kronecker(a, b, range)
        }
    }

    /// `dZ/dU` for Z defined as an entrywise function g of U: the matrix g′(U), by the engine's own rules
    /// (the gradient of Σᵢⱼ g(u)ᵢⱼ with respect to u is g′(u)).
    private mutating func entrywiseDerivative(_ a: Typed, _ b: Typed, _ range: SourceRange) throws -> Typed {
        let fraction = text(range)
        guard case .differential(.variable(let name, _)) = a.expr, let definition = definitions[name] else {
            throw SymbolicError(.unsupported, "\(fraction): a derivative dZ/dU needs Z defined by 'let Z = g(U)' "
                                    + "with g entrywise", at: range)
        }
        guard case .differential(let u) = finalize(b.expr), u.shape == definition.shape else {
            throw SymbolicError(.unsupported, "\(fraction): \(name) and \(text(b.range)) differ in shape", at: range)
        }
        let placeholder = Expr.variable("u\u{2032}", u.shape)
        let g = definition.replacing(u, with: placeholder)
        guard g != definition, g.isEntrywise(in: placeholder),
            let derivative = try? differentiate(.sumEntries(g), wrt: [placeholder.variableNames[0]]).gradients.first?.1
        else {
            throw SymbolicError(.unsupported, "\(fraction): \(name) = \(definition.text) is not an entrywise function of "
                                    + "\(u.text)", at: range)
        }
        let value = derivative.replacing(placeholder, with: u)
        readings.append(Reading("read '\(fraction)' as \(value.text), the entrywise derivative of \(name) = \(definition.text)",
                                at: range))
        return Typed(expr: value, shape: a.shape, range: range, isEntrywiseDerivative: true)
    }

    private mutating func kronecker(_ a: Typed, _ b: Typed, _ range: SourceRange) -> Typed {
        let sa = freeze(a.shape), sb = freeze(b.shape)
        return Typed(expr: .kronecker(a.expr, b.expr),
                     shape: MatrixShape(Dim.times(sa.rows, sb.rows), Dim.times(sa.cols, sb.cols)), range: range)
    }

    private static func flipped(_ c: Comparison) -> Comparison {
        switch c {
        case .greater: .less
        case .less: .greater
        case .greaterOrEqual: .lessOrEqual
        case .lessOrEqual: .greaterOrEqual
        }
    }

    /// A 0–1 mask. A numeric side stays a number (broadcast); a 1×1 expression against a matrix is
    /// spread over the matrix's shape.
    private mutating func comparison(_ op: Comparison, _ opText: String, _ lhs: Syntax, _ rhs: Syntax,
                                     _ range: SourceRange) throws -> Typed {
        if let c = rhs.constantValue {
            if let x = lhs.constantValue {
                let holds = switch op {
                case .greater: x > c
                case .greaterOrEqual: x >= c
                case .less: x < c
                case .lessOrEqual: x <= c
                }
                return Typed(expr: .number(holds ? 1 : 0), shape: .scalar, range: range)
            }
            let a = try elaborate(lhs)
            return Typed(expr: .indicator(a.expr, op, .number(c)), shape: a.shape, range: range)
        }
        if let c = lhs.constantValue {
            let b = try elaborate(rhs)
            return Typed(expr: .indicator(b.expr, Elaborator.flipped(op), .number(c)), shape: b.shape, range: range)
        }
        let a = try elaborate(lhs), b = try elaborate(rhs)
        if unify(a.shape, b.shape) { return Typed(expr: .indicator(a.expr, op, b.expr), shape: a.shape, range: range) }
        if canBeScalar(b.shape) {
            makeScalar(b.shape)
            return Typed(expr: .indicator(a.expr, op, .scale(b.expr, .ones(a.shape))), shape: a.shape, range: range)
        }
        if canBeScalar(a.shape) {
            makeScalar(a.shape)
            let spread = Expr.scale(a.expr, .ones(b.shape))
            return Typed(expr: .indicator(b.expr, Elaborator.flipped(op), spread), shape: b.shape, range: range)
        }
        throw mismatch("comparison", opText, a.range, a.shape, b)
    }

    // MARK: Postfix operators

    private mutating func requireSquare(_ a: Typed, _ what: String, hint: String = "") throws {
        guard unify(a.shape.rows, a.shape.cols) else {
            throw shapeError("\(what) needs a square matrix: \(text(a.range)) is \(describe(a.shape))\(hint)", at: a.range)
        }
    }

    private mutating func postfix(_ op: Syntax.Postfix, _ a: Typed, _ opRange: SourceRange,
                                  _ range: SourceRange) throws -> Typed {
        switch op {
        case .transpose:
            return Typed(expr: .transpose(a.expr), shape: a.shape.transposed, range: range)
        case .inverse:
            try requireSquare(a, "the inverse \(text(range))")
            return Typed(expr: .inverse(a.expr), shape: a.shape, range: range)
        case .inverseTranspose:
            try requireSquare(a, "the inverse \(text(range))")
            return Typed(expr: .transpose(.inverse(a.expr)), shape: a.shape, range: range)
        case .entrywisePower(let p):
            return Typed(expr: .power(a.expr, p), shape: a.shape, range: range)
        case .power(let p):
            if isScalar(a.shape) { return Typed(expr: .power(a.expr, p), shape: a.shape, range: range) }
            guard p == p.rounded(), abs(p) <= Double(Int32.max) else {
                guard canBeScalar(a.shape) else {
                    throw shapeError("\(text(range)): a non-integer power needs a scalar, but \(text(a.range)) is "
                                        + "\(describe(a.shape)); for an entrywise power use .^", at: opRange)
                }
                makeScalar(a.shape)
                return Typed(expr: .power(a.expr, p), shape: a.shape, range: range)
            }
            try requireSquare(a, "the matrix power \(text(range))", hint: "; for an entrywise power use .^")
            // Xᵏ's differential is a sum of k terms and its Swift code k − 1 products: bound k so that no
            // input can make differentiation or printing take time or memory in proportion to a huge k.
            // Powers nested in one another multiply: ((A²)⁷)⁶⁶ differentiates like A⁹²⁴. Bound the product.
            guard abs(p) * Double(Elaborator.matrixPowerWeight(a.expr)) <= Double(Elaborator.maximumMatrixPower) else {
                throw SymbolicError(.unsupported, "\(text(range)): matrix powers are supported up to exponent "
                                        + "±\(Elaborator.maximumMatrixPower), counting the powers nested inside", at: opRange)
            }
            let k = Int(p)
            let expr: Expr = k >= 0 ? .matrixPower(a.expr, k) : .matrixPower(.inverse(a.expr), -k)
            return Typed(expr: expr, shape: a.shape, range: range)
        }
    }

    // MARK: Norms and functions

    private mutating func norm(_ a: Typed, _ sub: Syntax.NormSubscript, _ range: SourceRange) throws -> Typed {
        switch sub {
        case .none, .frobenius:
            return Typed(expr: .norm(a.expr, .frobenius), shape: .scalar, range: range)
        case .two:
            try requireVector(a, "the 2-norm of a matrix (the spectral norm) is not supported", hint: "use ||·||_F")
            return Typed(expr: .norm(a.expr, .frobenius), shape: .scalar, range: range)
        case .one:
            try requireVector(a, "the 1-norm of a matrix (the induced norm) is not supported",
                              hint: "norm1(·) is the entrywise 1-norm")
            return Typed(expr: .norm(a.expr, .one), shape: .scalar, range: range)
        }
    }

    private mutating func requireVector(_ a: Typed, _ message: String, hint: String) throws {
        let s = freeze(a.shape)
        guard s.rows == .one || s.cols == .one else {
            throw SymbolicError(.unsupported, "\(message): \(text(a.range)) is \(describe(s)); \(hint)", at: a.range)
        }
    }

    private mutating func call(_ name: String, _ nameRange: SourceRange, _ arguments: [Syntax],
                               _ range: SourceRange) throws -> Typed {
        // Matrix functions (the matrix exponential, sine, …) are not entrywise functions: refuse
        // them by name rather than suggest the entrywise function of a similar name.
        let matrixFunctions = ["expm": "exp", "logm": "log", "sinm": "sin", "cosm": "cos", "sqrtm": "sqrt", "tanhm": "tanh"]
        if let entrywise = matrixFunctions[name] {
            throw SymbolicError(
                .unsupported,
                "the matrix function \(name) is not supported yet (\(entrywise)(X) is the entrywise \(entrywise), a different function)",
                at: nameRange)
        }
        guard let function = BuiltinFunction(named: name) else {
            var message = "unknown function '\(name)'"
            if let guess = suggestion(for: name, among: BuiltinFunction.allNames) {
                message += "; did you mean '\(guess)'?"
            }
            throw SymbolicError(.unknownName, message, at: nameRange)
        }
        guard function.arity.contains(arguments.count) else {
            let arity = function.arity
            let expected = arity.count == 1
                ? "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
                : "\(arity.lowerBound) or \(arity.upperBound) arguments"
            throw SymbolicError(.parse, "\(name) takes \(expected), got \(arguments.count)", at: range)
        }
        switch function {
        case .eye, .ones, .zeros:
            let dims = try arguments.map { (syntax: Syntax) throws -> Dim in try dimension(syntax) }
            let shape = dims.count == 1 ? MatrixShape.vector(dims[0]) : MatrixShape(dims[0], dims[1])
            let expr: Expr = switch function {
            case .eye: .identity(dims[0])
            case .ones: .ones(shape)
            default: .zeros(shape)
            }
            return Typed(expr: expr, shape: function == .eye ? MatrixShape(dims[0], dims[0]) : shape, range: range)
        case .max, .min:
            return try extremum(function, name, arguments, range)
        default:
            break
        }
        let a = try elaborate(arguments[0])
        func typed(_ expr: Expr, _ shape: MatrixShape) -> Typed { Typed(expr: expr, shape: shape, range: range) }
        if let f = function.elementwise {
            if f == .log {
                // log det(S) and log |det(X)| are the log-determinant.
                if case .det(let m) = a.expr { return typed(.logdet(m, absolute: false), .scalar) }
                if case .apply(.abs, .det(let m)) = a.expr { return typed(.logdet(m, absolute: true), .scalar) }
            }
            return typed(.apply(f, a.expr), a.shape)
        }
        switch function {
        case .tr:
            try requireSquare(a, name)
            return typed(.trace(a.expr), .scalar)
        case .det:
            try requireSquare(a, name)
            return typed(.det(a.expr), .scalar)
        case .logdet:
            try requireSquare(a, name)
            return typed(.logdet(a.expr, absolute: false), .scalar)
        case .inv:
            try requireSquare(a, name)
            return typed(.inverse(a.expr), a.shape)
        case .diag:
            let s = freeze(a.shape)
            if s.cols == .one { return typed(.diag(a.expr), MatrixShape(s.rows, s.rows)) }
            if s.rows == s.cols { return typed(.diag(a.expr), .vector(s.rows)) }
            throw shapeError("diag needs a column vector or a square matrix: \(text(a.range)) is \(describe(s))",
                at: a.range)
        case .vec:
            let s = freeze(a.shape)
            return typed(.vec(a.expr), .vector(Dim.times(s.rows, s.cols)))
        case .sum:
            return typed(.sumEntries(a.expr), .scalar)
        case .softmax:
            if unify(a.shape.cols, .one) || resolve(a.shape.rows) == .one { return typed(.softmax(a.expr), a.shape) }
            throw shapeError("softmax needs a vector: \(text(a.range)) is \(describe(a.shape)); "
                                + "use softmax_rows(·) for the softmax of each row", at: a.range)
        case .softmaxRows:
            let s = freeze(a.shape)
            if s.cols == .one && s.rows != .one {
                throw shapeError("softmax_rows of a column vector is all ones: \(text(a.range)) is \(describe(s)); "
                                    + "use softmax(·) for the softmax of a vector", at: a.range)
            }
            return typed(.softmax(a.expr), s)
        case .logsumexp:
            return typed(.logsumexp(a.expr), .scalar)
        case .norm:
            return typed(.norm(a.expr, .frobenius), .scalar)
        case .norm1:
            return typed(.norm(a.expr, .one), .scalar)
        case .norm2:
            return try norm(a, .two, range)
        case .kron:
            return kronecker(a, try elaborate(arguments[1]), range)
        case .inner:
            return try innerProduct(a, try elaborate(arguments[1]), range)
        default:
            preconditionFailure("\(function) is handled above")
        }
    }

    /// ⟨A, B⟩ = tr(Aᵀ B), the sum of the entrywise products: aᵀ b for columns, a bᵀ for rows.
    private mutating func innerProduct(_ a: Typed, _ b: Typed, _ range: SourceRange) throws -> Typed {
        guard unify(a.shape, b.shape) else {
            let l = text(a.range), r = text(b.range)
            throw shapeError("the inner product of \(l) and \(r) needs two operands of one shape: \(l) is "
                                + "\(describe(a.shape)), \(r) is \(describe(b.shape))", at: b.range)
        }
        let s = freeze(a.shape)
        let expr: Expr
        if s.cols == .one {
            expr = .product([.transpose(a.expr), b.expr])
        } else if s.rows == .one {
            expr = .product([a.expr, .transpose(b.expr)])
        } else {
            expr = .trace(.product([.transpose(a.expr), b.expr]))
        }
        return Typed(expr: expr, shape: .scalar, range: range)
    }

    /// `max(A, c)` / `min(A, c)` against a numeric constant, on either side.
    private mutating func extremum(_ function: BuiltinFunction, _ name: String, _ arguments: [Syntax],
                                   _ range: SourceRange) throws -> Typed {
        let constants = arguments.map(\.constantValue)
        if let x = constants[0], let y = constants[1] {
            return Typed(expr: .number(function == .max ? Swift.max(x, y) : Swift.min(x, y)), shape: .scalar, range: range)
        }
        guard let c = constants[1] ?? constants[0] else {
            throw SymbolicError(.unsupported, "\(name) needs a numeric constant as one argument, as in \(name)(X W, 0); "
                                    + "the \(function == .max ? "maximum" : "minimum") of two matrices is not supported",
                                at: range)
        }
        let a = try elaborate(constants[1] == nil ? arguments[1] : arguments[0])
        let expr: Expr = function == .max ? .maximum(a.expr, c) : .minimum(a.expr, c)
        return Typed(expr: expr, shape: a.shape, range: range)
    }

    /// A dimension argument of `eye`, `ones`, `zeros`: a declared dimension name or a positive integer.
    private func dimension(_ syntax: Syntax) throws -> Dim {
        switch syntax.kind {
        case .identifier(let name):
            let known = declarations.dimensionNames
            if known.contains(name) { return .named(name) }
            var message = "unknown dimension '\(name)'"
            if let guess = suggestion(for: name, among: known) {
                message += "; did you mean '\(guess)'?"
            } else if !known.isEmpty {
                message += "; the dimensions are \(known.joined(separator: ", "))"
            }
            throw SymbolicError(.unknownName, message, at: syntax.range)
        case .number(let x) where x == x.rounded() && x >= 1 && x <= Double(Int32.max):
            return .fixed(Int(x))
        default:
            throw SymbolicError(.parse, "expected a dimension (a name like n or a positive integer), found '\(text(syntax.range))'",
                                at: syntax.range)
        }
    }

    // MARK: Finalization

    /// A placeholder's final value: what unification found, or 1.
    private mutating func final(_ d: Dim) -> Dim {
        let d = resolve(d)
        if isPlaceholder(d) {
            _ = unify(d, .one)
            return .one
        }
        return d
    }

    private mutating func final(_ s: MatrixShape) -> MatrixShape { MatrixShape(final(s.rows), final(s.cols)) }

    /// Substitutes the dimensions learnt, and normalizes what only the final shapes decide: 1×1 ones
    /// and identities are the number 1, 1×1 factors of products are scalar multiples, powers and
    /// inverses of 1×1 expressions are scalar powers; numeric coefficients are multiplied together.
    private mutating func finalize(_ e: Expr) -> Expr {
        switch e {
        case .variable, .number:
            return e
        case .identity(let n):
            let n = final(n)
            return n == .one ? .number(1) : .identity(n)
        case .ones(let s):
            let s = final(s)
            return s == .scalar ? .number(1) : .ones(s)
        case .zeros(let s):
            return .zeros(final(s))
        case .sum(let terms):
            return .sum(terms.map { finalize($0) })
        case .product(let factors):
            return makeProduct(factors.map { finalize($0) })
        case .scale(let s, let a):
            return makeScale(finalize(s), finalize(a))
        case .divide(let a, let b):
            let a = finalize(a), b = finalize(b)
            if case .number(let x) = a, case .number(let y) = b, y != 0 { return .number(x / y) }
            return .divide(a, b)
        case .hadamard(let a, let b):
            return .hadamard(finalize(a), finalize(b))
        case .hadamardDivide(let a, let b):
            return .hadamardDivide(finalize(a), finalize(b))
        case .kronecker(let a, let b):
            return .kronecker(finalize(a), finalize(b))
        case .transpose(let a):
            let a = finalize(a)
            if case .number = a { return a }
            return .transpose(a)
        case .inverse(let a):
            let a = finalize(a)
            return a.shape.isScalar ? .power(a, -1) : .inverse(a)
        case .matrixPower(let a, let k):
            let a = finalize(a)
            guard a.shape.isScalar else { return Expr.matrixPowered(a, k) }
            if case .power(let b, -1) = a { return .power(b, -Double(k)) }
            return .power(a, Double(k))
        case .power(let a, let p):
            return .power(finalize(a), p)
        case .apply(let f, let a):
            return .apply(f, finalize(a))
        case .maximum(let a, let c):
            return .maximum(finalize(a), c)
        case .minimum(let a, let c):
            return .minimum(finalize(a), c)
        case .indicator(let a, let op, let b):
            return .indicator(finalize(a), op, finalize(b))
        case .trace(let a):
            return .trace(finalize(a))
        case .det(let a):
            return .det(finalize(a))
        case .logdet(let a, let absolute):
            return .logdet(finalize(a), absolute: absolute)
        case .diag(let a):
            return .diag(finalize(a))
        case .vec(let a):
            return .vec(finalize(a))
        case .sumEntries(let a):
            return .sumEntries(finalize(a))
        case .norm(let a, let kind):
            return .norm(finalize(a), kind)
        case .softmax(let a):
            return .softmax(finalize(a))
        case .logsumexp(let a):
            return .logsumexp(finalize(a))
        case .differential(let a):
            return .differential(finalize(a))
        }
    }

    /// s·a with numbers folded: 1·a = a, 2·(3·a) = 6·a, s·1 = s.
    private func makeScale(_ s: Expr, _ a: Expr) -> Expr {
        switch (s, a) {
        case (.number(1), _): return a
        case (_, .number(1)): return s
        case (.number(let x), .number(let y)): return .number(x * y)
        case (.number(let x), .scale(.number(let y), let b)): return makeScale(.number(x * y), b)
        case (.scale(.number(let x), let t), _): return makeScale(.number(x), makeScale(t, a))
        case (_, .number): return .scale(a, s)
        default: return .scale(s, a)
        }
    }

    /// A matrix product whose 1×1 factors (and numeric coefficients) become scalar multiples in
    /// front: `2 Xᵀ (A − B)` is scale(2, product([Xᵀ, A − B])).
    private func makeProduct(_ factors: [Expr]) -> Expr {
        var coefficient = 1.0
        var scalars: [Expr] = []
        var chain: [Expr] = []
        for factor in factors {
            var f = factor
            if case .scale(.number(let c), let inner) = f {
                coefficient *= c
                f = inner
            }
            if case .number(let c) = f {
                coefficient *= c
            } else if f.shape.isScalar {
                scalars.append(f)
            } else {
                chain.append(f)
            }
        }
        var result: Expr? = chain.isEmpty ? nil : chain.count == 1 ? chain[0] : .product(chain)
        for s in scalars.reversed() { result = result.map { .scale(s, $0) } ?? s }
        guard let result else { return .number(coefficient) }
        return makeScale(.number(coefficient), result)
    }
}

extension Expr {
    /// Whether the expression applies an entrywise function to `u` alone (numbers aside): g(u) with
    /// g(u)ᵢⱼ depending on uᵢⱼ only.
    fileprivate func isEntrywise(in u: Expr) -> Bool {
        switch self {
        case u: return true
        case .number, .ones: return true
        case .apply(_, let a), .maximum(let a, _), .minimum(let a, _), .power(let a, _): return a.isEntrywise(in: u)
        case .scale(.number, let a), .divide(let a, .number): return a.isEntrywise(in: u)
        case .sum(let terms): return terms.allSatisfy { $0.isEntrywise(in: u) }
        case .hadamard(let a, let b), .hadamardDivide(let a, let b), .indicator(let a, _, let b):
            return a.isEntrywise(in: u) && b.isEntrywise(in: u)
        default: return false
        }
    }
}
