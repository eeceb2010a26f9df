import MatCalcSymbolic

/// Reads the claimed gradients off a derivation's last line: Σ c · tr(Gᵀ dV), tr(G dV), tr(dVᵀ G),
/// ⟨G, dV⟩ = sum(G ⊙ dV), gᵀ dv for a vector, s dλ for a scalar, each term giving ∂f/∂V = G.
enum FinalForm {
    /// The gradient for each variable whose differential the line holds, or nil when a term has
    /// another form.
    static func gradients(in line: Expr) -> [String: Expr]? {
        var result: [String: Expr] = [:]
        for term in terms(line) {
            guard let (v, g) = gradient(of: term) else { return nil }
            result[v] = result[v].map { Expr.add([$0, g]) } ?? g
        }
        return result
    }

    private static func terms(_ e: Expr) -> [Expr] {
        if case .sum(let ts) = e { return ts.flatMap(terms) }
        return [e]
    }

    private static func variable(_ e: Expr) -> String? { e.differentiatedVariable }

    private static func chain(_ factors: ArraySlice<Expr>) -> Expr { Expr.multiply(Array(factors)) }

    private static func gradient(of term: Expr) -> (String, Expr)? {
        switch term {
        case .scale(let c, let t) where !c.containsDifferential:
            return gradient(of: t).map { ($0.0, Expr.multiply([c, $0.1])) }
        case .trace(let inner):
            return traceGradient(inner)
        case .sumEntries(.hadamard(let a, let b)):
            if let v = variable(b), !a.containsDifferential { return (v, a) }
            if let v = variable(a), !b.containsDifferential { return (v, b) }
            return nil
        case .product(let fs) where term.shape.isScalar:
            // gᵀ dv (a row times the column dv) and dvᵀ g.
            if let v = fs.last.flatMap(variable), !fs.dropLast().contains(where: \.containsDifferential) {
                return (v, Expr.transposed(chain(fs.dropLast())))
            }
            if case .transpose(let d)? = fs.first, let v = variable(d), !fs.dropFirst().contains(where: \.containsDifferential) {
                return (v, chain(fs.dropFirst()))
            }
            return nil
        case .differential(.variable(let v, let shape)) where shape.isScalar:
            return (v, .number(1))
        default:
            return nil
        }
    }

    /// tr(A dV) = ⟨Aᵀ, dV⟩, tr(dV A) = ⟨Aᵀ, dV⟩, tr(A dVᵀ) = ⟨A, dV⟩, tr(dVᵀ A) = ⟨A, dV⟩.
    private static func traceGradient(_ inner: Expr) -> (String, Expr)? {
        switch inner {
        case .scale(let c, let t) where !c.containsDifferential:
            return traceGradient(t).map { ($0.0, Expr.multiply([c, $0.1])) }
        case .differential(.variable(let v, let shape)):
            return (v, .identity(shape.rows))
        case .product(let fs):
            let rest = { (slice: ArraySlice<Expr>) in !slice.contains(where: \.containsDifferential) }
            if let v = fs.last.flatMap(variable), rest(fs.dropLast()) { return (v, Expr.transposed(chain(fs.dropLast()))) }
            if let v = fs.first.flatMap(variable), rest(fs.dropFirst()) { return (v, Expr.transposed(chain(fs.dropFirst()))) }
            if case .transpose(let d)? = fs.last, let v = variable(d), rest(fs.dropLast()) { return (v, chain(fs.dropLast())) }
            if case .transpose(let d)? = fs.first, let v = variable(d), rest(fs.dropFirst()) { return (v, chain(fs.dropFirst())) }
            return nil
        default:
            return nil
        }
    }
}
