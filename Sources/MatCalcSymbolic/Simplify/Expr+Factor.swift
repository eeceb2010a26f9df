extension Expr {
    /// Common matrix factors pulled out of sums, bottom-up: `A X + A Y` → `A (X + Y)` and
    /// `Bᵀ x + B x` → `(Bᵀ + B) x`. Only a factor shared by every term is pulled out.
    public func factored() -> Expr {
        switch self {
        case .sum(let terms): return Expr.factorSum(terms.map { $0.factored() })
        case .product(let fs): return .multiply(fs.map { $0.factored() })
        case .scale(let s, let a): return .scaled(s.factored(), a.factored())
        case .hadamard(let a, let b): return .hadamardProduct(a.factored(), b.factored())
        case .transpose(let a): return .transpose(a.factored())
        default: return self
        }
    }

    /// A term as scalar multiplier × matrix factors (`(2/s) A x` → (2/s, [A, x])).
    private var asFactors: (coefficient: Expr, factors: [Expr]) {
        var multiplier: Expr = .number(1)
        var core = self
        while case .scale(let s, let inner) = core, !inner.shape.isScalar {
            multiplier = .scaled(multiplier, s)
            core = inner
        }
        if case .product(let fs) = core { return (multiplier, fs) }
        return (multiplier, [core])
    }

    private static func factorSum(_ terms: [Expr]) -> Expr {
        let parts = terms.map(\.asFactors)
        guard parts.count >= 2, parts.allSatisfy({ !$0.factors.isEmpty }) else { return add(terms) }
        let shape = terms[0].shape
        if let last = parts[0].factors.last, !last.shape.isScalar, parts.allSatisfy({ $0.factors.last == last }),
            parts.contains(where: { $0.factors.count > 1 })
        {
            let rest = parts.map { p in
                scaled(p.coefficient, p.factors.count == 1 ? .identity(shape.rows) : multiply(Array(p.factors.dropLast())))
            }
            return multiply([factorSum(rest), last])
        }
        if let first = parts[0].factors.first, !first.shape.isScalar, parts.allSatisfy({ $0.factors.first == first }),
            parts.contains(where: { $0.factors.count > 1 })
        {
            let rest = parts.map { p in
                scaled(p.coefficient, p.factors.count == 1 ? .identity(shape.cols) : multiply(Array(p.factors.dropFirst())))
            }
            return multiply([first, factorSum(rest)])
        }
        return add(terms)
    }
}
