import Foundation

// Smart constructors: every node the engine builds goes through these, so results come out in a
// compact canonical form (numbers folded, identities and ones dropped, transposes at the leaves,
// like terms merged) without a separate cleanup pass.

extension Expr {
    /// The number if this is a numeric constant.
    public var numberValue: Double? {
        if case .number(let v) = self { return v }
        return nil
    }

    /// Whether this is the zero matrix (or the number 0).
    public var isZero: Bool {
        switch self {
        case .zeros: true
        case .number(let v): v == 0
        default: false
        }
    }

    /// Splits off a numeric coefficient: `3 A` → (3, A); `A` → (1, A).
    var coefficientAndCore: (Double, Expr) {
        switch self {
        case .scale(.number(let c), let core):
            let (inner, base) = core.coefficientAndCore
            return (c * inner, base)
        case .number(let v): return (v, .number(1))
        default: return (1, self)
        }
    }

    /// A + B + …: nested sums flattened, zeros dropped, like terms merged (2A + 3A = 5A).
    public static func add(_ terms: [Expr]) -> Expr {
        guard let shape = terms.first?.shape else { return .number(0) }
        var order: [Expr] = []
        var coefficients: [Expr: Double] = [:]
        func collect(_ e: Expr) {
            if case .sum(let inner) = e { inner.forEach(collect); return }
            if e.isZero { return }
            let (c, core) = e.coefficientAndCore
            if coefficients[core] == nil { order.append(core) }
            coefficients[core, default: 0] += c
        }
        terms.forEach(collect)
        let kept: [Expr] = order.compactMap { core in
            let c = coefficients[core]!
            return c == 0 ? nil : scaled(.number(c), core)
        }
        if kept.isEmpty { return shape.isScalar ? .number(0) : .zeros(shape) }
        // Σ cᵢ diag(xᵢ) = diag(Σ cᵢ xᵢ).
        if kept.count > 1, kept.allSatisfy({ if case .diag(let x) = $0.coefficientAndCore.1 { x.shape.isColumn } else { false } }) {
            return diagonalMatrix(add(kept.map { term in
                let (c, core) = term.coefficientAndCore
                guard case .diag(let x) = core else { return term }
                return scaled(.number(c), x)
            }))
        }
        return kept.count == 1 ? kept[0] : .sum(kept)
    }

    /// A + B.
    public static func + (a: Expr, b: Expr) -> Expr { add([a, b]) }
    /// −A.
    public static prefix func - (a: Expr) -> Expr { scaled(.number(-1), a) }
    /// A − B.
    public static func - (a: Expr, b: Expr) -> Expr { add([a, -b]) }

    /// s · A for a scalar-valued s: numbers fold, 1 disappears, 0 gives zeros.
    public static func scaled(_ s: Expr, _ a: Expr) -> Expr {
        // Either order is accepted; the scalar goes first.
        if !s.shape.isScalar && a.shape.isScalar { return scaled(a, s) }
        switch s {
        case .identity, .ones: return a
        default: break
        }
        if let c = s.numberValue {
            if c == 0 || a.isZero { return a.shape.isScalar ? .number(0) : .zeros(a.shape) }
            if c == 1 { return a }
            if let v = a.numberValue { return .number(c * v) }
            if case .scale(.number(let inner), let core) = a { return scaled(.number(c * inner), core) }
            if case .sum(let terms) = a, terms.allSatisfy({ $0.numberValue != nil || $0.coefficientAndCore.0 != 1 }) {
                return add(terms.map { scaled(s, $0) })
            }
            return .scale(s, a)
        }
        if a.isZero || s.isZero { return a.shape.isScalar ? .number(0) : .zeros(a.shape) }
        if let v = a.numberValue { return scaled(.number(v), s) }
        // Keep numbers outermost: s (c A) = c (s A).
        if case .scale(.number(let c), let core) = a { return scaled(.number(c), scaled(s, core)) }
        if case .scale(.number(let c), let core) = s { return scaled(.number(c), scaled(core, a)) }
        return .scale(s, a)
    }

    /// The matrix product of factors: nested products flattened, identities dropped, numeric
    /// and other scalar factors pulled out in front.
    public static func multiply(_ factors: [Expr]) -> Expr {
        var flat: [Expr] = []
        var scalars: [Expr] = []
        var coefficient = 1.0
        let rows = factors.first?.shape.rows ?? .one
        let cols = factors.last?.shape.cols ?? .one
        func collect(_ e: Expr) {
            switch e {
            case .product(let inner): inner.forEach(collect)
            case .identity: break
            case .diag(let x) where x.shape.isColumn:
                // diag(a) diag(b) = diag(a ⊙ b).
                if case .diag(let y)? = flat.last, y.shape.isColumn {
                    flat[flat.count - 1] = diagonalMatrix(hadamardProduct(y, x))
                } else {
                    flat.append(e)
                }
            case .scale(.number(let c), let core):
                coefficient *= c
                collect(core)
            case .scale(let s, let core):
                // Scalar factors commute: X (λ I) = λ X. The scalar stays one factor: a 1×1
                // product such as vᵀ v must not be spliced into the chain (X vᵀ v is not X (vᵀ v)).
                if case .product = s { scalars.append(s) } else { collect(s) }
                collect(core)
            case .number(let v): coefficient *= v
            case .matrixPower(let base, let k):
                appendPower(base, k)
            default:
                // A 1×1 factor between factors that are not vectors is a scalar multiple.
                if e.shape.isScalar { scalars.append(e) } else { appendPower(e, 1) }
            }
        }
        // Aⁱ Aʲ = Aⁱ⁺ʲ when either is written as a power (A A stays as written): the terms of d tr(Aᵏ)
        // become equal, so that like terms merge to k (Aᵀ)ᵏ⁻¹ instead of k products.
        func appendPower(_ base: Expr, _ k: Int) {
            if let last = flat.last {
                let (lastBase, j) = if case .matrixPower(let b, let j) = last { (b, j) } else { (last, 1) }
                if lastBase == base, j > 1 || k > 1 {
                    flat[flat.count - 1] = matrixPowered(base, j + k)
                    return
                }
            }
            flat.append(matrixPowered(base, k))
        }
        factors.forEach(collect)
        let shape = MatrixShape(rows, cols)
        if coefficient == 0 || flat.contains(where: \.isZero) { return shape.isScalar ? .number(0) : .zeros(shape) }
        var core: Expr
        if flat.isEmpty {
            core = shape.isScalar ? .number(1) : .identity(rows)
        } else {
            core = flat.count == 1 ? flat[0] : .product(flat)
        }
        for s in scalars.reversed() { core = core.numberValue == 1 ? s : scaled(s, core) }
        return scaled(.number(coefficient), core)
    }

    /// diag(x) of a column, with numbers pulled out (diag(c x) = c diag(x)) and diag(1) = I.
    public static func diagonalMatrix(_ x: Expr) -> Expr {
        guard x.shape.isColumn else { return .diag(x) }
        if case .ones(let s) = x { return .identity(s.rows) }
        let (c, core) = x.coefficientAndCore
        if c != 1 { return scaled(.number(c), diagonalMatrix(core)) }
        if core.isZero { return .zeros(MatrixShape(x.shape.rows, x.shape.rows)) }
        return .diag(x)
    }

    /// A ⊙ B: ones disappear, numbers move out, scalars (1×1 ⊙ 1×1) multiply.
    public static func hadamardProduct(_ a: Expr, _ b: Expr) -> Expr {
        if case .ones = a { return b }
        if case .ones = b { return a }
        if a.isZero || b.isZero { return a.shape.isScalar ? .number(0) : .zeros(a.shape) }
        if a.shape.isScalar { return multiply([a, b]) }
        if case .scale(.number(let c), let core) = a { return scaled(.number(c), hadamardProduct(core, b)) }
        if case .scale(.number(let c), let core) = b { return scaled(.number(c), hadamardProduct(a, core)) }
        return .hadamard(a, b)
    }

    /// Aᵀ pushed towards the leaves: (AB)ᵀ = BᵀAᵀ, (A + B)ᵀ = Aᵀ + Bᵀ, (Aᵀ)ᵀ = A, and scalars,
    /// identities and symmetric constants unchanged.
    public static func transposed(_ a: Expr) -> Expr {
        switch a {
        case .transpose(let inner): return inner
        case .number, .identity: return a
        case .ones(let s): return .ones(s.transposed)
        case .zeros(let s): return .zeros(s.transposed)
        // A sum of vector variables keeps its transpose, (x − μ)ᵀ, as a derivation writes it.
        case .sum(let terms) where !((a.shape.isColumn || a.shape.isRow) && terms.allSatisfy { $0.coefficientAndCore.1.isVariable }):
            return add(terms.map(transposed))
        case .product(let factors): return multiply(factors.reversed().map(transposed))
        case .scale(let s, let x): return scaled(s, transposed(x))
        case .divide(let x, let s): return .divide(transposed(x), s)
        case .hadamard(let x, let y): return hadamardProduct(transposed(x), transposed(y))
        case .hadamardDivide(let x, let y): return .hadamardDivide(transposed(x), transposed(y))
        case .apply(let f, let x): return .apply(f, transposed(x))
        case .power(let x, let p) where !x.shape.isScalar: return .power(transposed(x), p)
        case .maximum(let x, let c): return .maximum(transposed(x), c)
        case .minimum(let x, let c): return .minimum(transposed(x), c)
        case .indicator(let x, let op, let y): return .indicator(transposed(x), op, y.isScalar ? y : transposed(y))
        case .kronecker(let x, let y): return .kronecker(transposed(x), transposed(y))
        case .diag(let x) where x.shape.isColumn: return a
        default: return a.shape.isScalar ? a : .transpose(a)
        }
    }

    /// tr(A): a scalar's trace is itself; tr(c A) = c tr(A).
    public static func traced(_ a: Expr) -> Expr {
        if a.shape.isScalar { return a }
        if a.isZero { return .number(0) }
        if case .scale(let s, let x) = a { return scaled(s, traced(x)) }
        if case .identity(let n) = a, case .fixed(let k) = n { return .number(Double(k)) }
        return .trace(a)
    }

    /// ⟨A, B⟩ = tr(Aᵀ B) = Σ A ⊙ B, printed the way a derivation writes it: `aᵀ b` for columns,
    /// `a b` for scalars, `tr(Aᵀ B)` otherwise.
    public static func inner(_ a: Expr, _ b: Expr) -> Expr {
        if a.shape.isScalar { return multiply([a, b]) }
        if a.shape.isColumn { return multiply([transposed(a), b]) }
        if a.shape.isRow { return multiply([a, transposed(b)]) }
        return traced(multiply([transposed(a), b]))
    }

    /// A^p entrywise (for scalars the ordinary power): p = 1 is A, p = 0 is 1.
    /// The matrix power Aᵏ of a square matrix, k ≥ 0: A⁰ = I, A¹ = A, (Aʲ)ᵏ = Aʲᵏ, Iᵏ = I.
    public static func matrixPowered(_ a: Expr, _ k: Int) -> Expr {
        precondition(k >= 0, "a negative matrix power is a power of the inverse")
        if k == 0 { return .identity(a.shape.rows) }
        if k == 1 { return a }
        switch a {
        case .identity: return a
        case .matrixPower(let b, let j): return .matrixPower(b, j * k)
        default: return .matrixPower(a, k)
        }
    }

    public static func raised(_ a: Expr, _ p: Double) -> Expr {
        if p == 1 { return a }
        if p == 0 { return a.shape.isScalar ? .number(1) : .ones(a.shape) }
        if let v = a.numberValue { return .number(Foundation.pow(v, p)) }
        if case .power(let x, let q) = a, q.rounded() == q, p.rounded() == p { return raised(x, p * q) }
        return .power(a, p)
    }
}
