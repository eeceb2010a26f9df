extension Expr {
    /// The shape of the expression, assuming it was built consistently (the elaborator checks).
    public var shape: MatrixShape {
        switch self {
        case .variable(_, let s), .ones(let s), .zeros(let s): return s
        case .number: return .scalar
        case .identity(let n): return MatrixShape(n, n)
        case .sum(let terms): return terms.first?.shape ?? .scalar
        case .product(let factors):
            guard let first = factors.first, let last = factors.last else { return .scalar }
            return MatrixShape(first.shape.rows, last.shape.cols)
        case .scale(_, let a), .divide(let a, _), .hadamard(let a, _), .hadamardDivide(let a, _): return a.shape
        case .kronecker(let a, let b):
            return MatrixShape(Dim.times(a.shape.rows, b.shape.rows), Dim.times(a.shape.cols, b.shape.cols))
        case .transpose(let a): return a.shape.transposed
        case .inverse(let a), .matrixPower(let a, _), .power(let a, _), .apply(_, let a), .maximum(let a, _),
            .minimum(let a, _), .indicator(let a, _, _), .softmax(let a), .differential(let a):
            return a.shape
        case .trace, .det, .logdet, .sumEntries, .norm, .logsumexp: return .scalar
        case .diag(let a): return a.shape.isColumn ? MatrixShape(a.shape.rows, a.shape.rows) : .vector(a.shape.rows)
        case .vec(let a): return .vector(Dim.times(a.shape.rows, a.shape.cols))
        }
    }

    /// Whether the expression is a variable.
    public var isVariable: Bool {
        if case .variable = self { return true }
        return false
    }

    /// Whether the expression is a scalar (1×1).
    public var isScalar: Bool { shape.isScalar }

    /// The direct subexpressions, in order.
    public var children: [Expr] {
        switch self {
        case .variable, .number, .identity, .ones, .zeros: return []
        case .sum(let xs), .product(let xs): return xs
        case .scale(let a, let b), .divide(let a, let b), .hadamard(let a, let b), .hadamardDivide(let a, let b),
            .kronecker(let a, let b), .indicator(let a, _, let b):
            return [a, b]
        case .transpose(let a), .inverse(let a), .matrixPower(let a, _), .power(let a, _), .apply(_, let a),
            .maximum(let a, _), .minimum(let a, _), .trace(let a), .det(let a), .logdet(let a, _), .diag(let a),
            .vec(let a), .sumEntries(let a), .norm(let a, _), .softmax(let a), .logsumexp(let a), .differential(let a):
            return [a]
        }
    }

    /// Whether `name` occurs in the expression.
    public func contains(variable name: String) -> Bool {
        if case .variable(let v, _) = self { return v == name }
        return children.contains { $0.contains(variable: name) }
    }

    /// The declared shape of the variable `name` where it occurs in the expression.
    public func shape(of name: String) -> MatrixShape? {
        if case .variable(name, let s) = self { return s }
        for child in children { if let s = child.shape(of: name) { return s } }
        return nil
    }

    /// The names of the variables in the expression, in order of first appearance.
    public var variableNames: [String] {
        var seen: [String] = []
        func walk(_ e: Expr) {
            if case .variable(let v, _) = e, !seen.contains(v) { seen.append(v) }
            e.children.forEach(walk)
        }
        walk(self)
        return seen
    }
}

extension Dim {
    /// The product of two dimensions (of Kronecker products and vec): fixed sizes multiply,
    /// a 1 disappears, anything else stays a product.
    public static func times(_ a: Dim, _ b: Dim) -> Dim {
        switch (a, b) {
        case (.fixed(let x), .fixed(let y)): return .fixed(x * y)
        case (.fixed(1), _): return b
        case (_, .fixed(1)): return a
        default: return .product(a, b)
        }
    }
}

extension Expr {
    /// Whether every node's operands fit (products' inner dimensions, equal shapes in sums and
    /// entrywise operations, square matrices under tr, det, inverse and powers, 1×1 scale factors).
    /// The elaborator guarantees this for what it builds; rewritten trees (a transpose dropped to see
    /// whether a derivation step lost it) must be checked before they are evaluated.
    public var hasConsistentShapes: Bool {
        guard children.allSatisfy(\.hasConsistentShapes) else { return false }
        func square(_ a: Expr) -> Bool { a.shape.rows == a.shape.cols }
        switch self {
        case .sum(let terms):
            return terms.dropFirst().allSatisfy { $0.shape == terms[0].shape }
        case .product(let factors):
            return zip(factors, factors.dropFirst()).allSatisfy { $0.shape.cols == $1.shape.rows }
        case .scale(let s, _), .divide(_, let s):
            return s.shape.isScalar
        case .hadamard(let a, let b), .hadamardDivide(let a, let b):
            return a.shape == b.shape
        case .indicator(let a, _, let b):
            return b.shape.isScalar || a.shape == b.shape
        case .inverse(let a), .matrixPower(let a, _), .trace(let a), .det(let a), .logdet(let a, _):
            return square(a)
        case .diag(let a):
            return a.shape.isColumn || square(a)
        case .variable, .number, .identity, .ones, .zeros, .kronecker, .transpose, .power, .apply, .maximum, .minimum,
            .vec, .sumEntries, .norm, .softmax, .logsumexp, .differential:
            return true
        }
    }
}
