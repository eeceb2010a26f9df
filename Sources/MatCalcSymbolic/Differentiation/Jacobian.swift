// Jacobians of vector- and matrix-valued expressions, numerator layout: J = ∂ vec(f) / ∂ vec(V)ᵀ,
// with vec column-major. The same reverse sweep as for gradients, but the adjoint of a node C is
// the N × |C| matrix J_C = ∂ vec(f)/∂ vec(C)ᵀ, and the rules are the vec forms of the differentials:
// vec(L dA R) = (Rᵀ ⊗ L) vec(dA), vec(B ⊙ dA) = diag(vec B) vec(dA), vec(d A⁻¹) = −(A⁻ᵀ ⊗ A⁻¹) vec(dA).

/// The Jacobian of `f` with respect to `variable`: |f| × |V| (a column vector f of n entries and
/// a vector x of m entries give n × m; matrices count by vec).
///
/// - Throws: ``SymbolicError`` `.unsupported` for constructs whose vec form needs a commutation or
///   selection matrix (transposes of matrices, diag, Kronecker products, row-wise softmax).
public func jacobian(of f: Expr, wrt variable: String) throws(SymbolicError) -> (jacobian: Expr, assumptions: [Assumption]) {
    try jacobian(of: f, wrt: variable, shape: f.shape(of: variable) ?? .scalar)
}

/// The Jacobian, with the variable's shape given (it sizes a zero Jacobian when f does not depend on it).
func jacobian(of f: Expr, wrt variable: String, shape: MatrixShape) throws(SymbolicError) -> (jacobian: Expr, assumptions: [Assumption]) {
    var engine = JacobianEngine(variable: variable)
    let n = Dim.times(f.shape.rows, f.shape.cols)
    try engine.run(f, seed: .identity(n))
    let columns = Dim.times(shape.rows, shape.cols)
    return (engine.result ?? .zeros(MatrixShape(n, columns)), engine.assumptions)
}

/// The Hessian of a scalar objective with respect to one variable: n × n for a vector of n
/// entries, and with respect to vec(X) for a matrix X; the Jacobian of the gradient.
public func hessian(of f: Expr, wrt variable: String) throws(SymbolicError) -> (hessian: Expr, assumptions: [Assumption]) {
    let derivation = try differentiate(f, wrt: [variable])
    let g = derivation.gradient(of: variable) ?? .number(0)
    let h: Expr, more: [Assumption]
    do {
        (h, more) = try jacobian(of: g, wrt: variable, shape: f.shape(of: variable) ?? .scalar)
    } catch {
        throw SymbolicError(error.kind, "the Hessian with respect to \(variable) (the Jacobian of ∂f/∂\(variable) = \(g.text)): \(error.message)")
    }
    return (h.factored(), derivation.assumptions + more.filter { !derivation.assumptions.contains($0) })
}

extension Expr {
    /// A ⊗ B with the 1×1 identity and the number 1 dropped.
    static func kron(_ a: Expr, _ b: Expr) -> Expr {
        if case .identity(.one) = a { return b }
        if case .identity(.one) = b { return a }
        if a.shape.isScalar { return scaled(a, b) }
        if b.shape.isScalar { return scaled(b, a) }
        return .kronecker(a, b)
    }

    /// vec(A), which for a column is the column itself.
    static func vectorized(_ a: Expr) -> Expr { a.shape.isColumn ? a : .vec(a) }
}

struct JacobianEngine {
    let variable: String
    var terms: [(adjoint: Expr, target: Expr)] = []
    var assumptions: [Assumption] = []
    var variableShape: MatrixShape?
    var result: Expr?

    init(variable: String) { self.variable = variable }

    func depends(_ e: Expr) -> Bool { e.contains(variable: variable) }

    mutating func run(_ f: Expr, seed: Expr) throws(SymbolicError) {
        terms = depends(f) ? [(seed, f)] : []
        while let i = terms.indices.first(where: { i in
            if case .variable = terms[i].target { return false }
            return !terms.indices.contains { j in j != i && terms[j].target.strictlyContains(terms[i].target) }
        }) {
            let (j, c) = terms.remove(at: i)
            for (adjoint, target) in try expand(j, c) where depends(target) && !adjoint.isZero {
                if let k = terms.firstIndex(where: { $0.target == target }) {
                    terms[k].adjoint = terms[k].adjoint + adjoint
                } else {
                    terms.append((adjoint, target))
                }
            }
        }
        for (adjoint, target) in terms {
            if case .variable(_, let shape) = target {
                variableShape = shape
                result = adjoint
            }
        }
    }

    mutating func expand(_ j: Expr, _ c: Expr) throws(SymbolicError) -> [(Expr, Expr)] {
        // A scalar node contributes J_C · vec(∂c/∂A)ᵀ for each child A: the gradient rules apply.
        if c.shape.isScalar && !c.isVariable {
            var local = DifferentialEngine(variables: [variable])
            let (_, parts) = try local.expand(adjoint: .number(1), of: c)
            assumptions += local.assumptions.filter { !assumptions.contains($0) }
            return parts.map { (g, a) in (Expr.multiply([j, Expr.transposed(Expr.vectorized(g))]), a) }
        }
        switch c {
        case .variable, .number, .identity, .ones, .zeros, .indicator:
            return []
        case .sum(let terms):
            return terms.map { (j, $0) }
        case .product(let factors):
            return factors.indices.filter { depends(factors[$0]) }.map { i in
                let left = Expr.multiply(Array(factors[..<i]))
                let right = Expr.multiply(Array(factors[(i + 1)...]))
                let l = i == 0 ? Expr.identity(factors[i].shape.rows) : left
                let r = i == factors.count - 1 ? Expr.identity(factors[i].shape.cols) : right
                return (Expr.multiply([j, Expr.kron(Expr.transposed(r), l)]), factors[i])
            }
        case .scale(let s, let a):
            return [(Expr.scaled(s, j), a), (Expr.multiply([j, Expr.vectorized(a)]), s)]
        case .divide(let a, let s):
            return [(.divide(j, s), a), (-Expr.divide(Expr.multiply([j, Expr.vectorized(a)]), Expr.raised(s, 2)), s)]
        case .hadamard(let a, let b):
            return [(Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(b))]), a), (Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(a))]), b)]
        case .hadamardDivide(let a, let b):
            return [(Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(Expr.raised(b, -1)))]), a),
                    (-Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(.hadamardDivide(a, Expr.raised(b, 2))))]), b)]
        case .transpose(let a) where a.shape.isColumn || a.shape.isRow:
            return [(j, a)]
        case .inverse(let a):
            assumptions.append(.invertible(a))
            let inverse = Expr.inverse(a)
            return [(-Expr.multiply([j, Expr.kron(Expr.transposed(inverse), inverse)]), a)]
        case .vec(let a):
            return [(j, a)]
        case .power(let a, let p):
            if p.rounded() != p { assumptions.append(.positiveEntries(a, function: "power \(p)")) }
            let derivative = Expr.scaled(.number(p), Expr.raised(a, p - 1))
            return [(Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(derivative))]), a)]
        case .apply(let fn, let a):
            var local = DifferentialEngine(variables: [variable])
            let (derivative, _) = try local.elementwiseDerivative(fn, a)
            assumptions += local.assumptions.filter { !assumptions.contains($0) }
            return [(Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(derivative))]), a)]
        case .maximum(let a, let k):
            assumptions.append(.almostEverywhere(nonSmooth: c, argument: a, kink: .number(k), derivative: .indicator(a, .greater, .number(k))))
            return [(Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(.indicator(a, .greater, .number(k))))]), a)]
        case .minimum(let a, let k):
            assumptions.append(.almostEverywhere(nonSmooth: c, argument: a, kink: .number(k), derivative: .indicator(a, .less, .number(k))))
            return [(Expr.multiply([j, Expr.diagonalMatrix(Expr.vectorized(.indicator(a, .less, .number(k))))]), a)]
        case .softmax(let a) where a.shape.isColumn:
            // d softmax(z) = (diag(s) − s sᵀ) dz.
            return [(Expr.multiply([j, Expr.diagonalMatrix(c) - Expr.multiply([c, Expr.transposed(c)])]), a)]
        case .matrixPower(let a, let k):
            // vec(Σᵢ Aⁱ dA Aᵏ⁻¹⁻ⁱ) = Σᵢ ((Aᵏ⁻¹⁻ⁱ)ᵀ ⊗ Aⁱ) vec(dA).
            let sum = Expr.add((0..<k).map { i in Expr.kron(Expr.transposed(.matrixPowered(a, k - 1 - i)), .matrixPowered(a, i)) })
            return [(Expr.multiply([j, sum]), a)]
        case .trace, .det, .logdet, .sumEntries, .norm, .logsumexp:
            // Scalar-valued: handled by the gradient rules above.
            return []
        case .transpose, .kronecker, .diag, .softmax:
            throw SymbolicError(.unsupported, "the Jacobian through this construct needs a commutation or selection matrix, which is not supported yet")
        case .differential:
            throw SymbolicError(.unsupported, "a differential dX cannot be differentiated again")
        }
    }
}
