// The one table of differential rules: for each node kind, d op(A, …) and the identities that turn
// ⟨G, d op(A, …)⟩ into ⟨Ḡ_A, dA⟩ + …. A missing case is a compile error.

extension DifferentialEngine {
    /// Rewrites ⟨G, dE⟩ into inner products with the differentials of E's children.
    mutating func expand(adjoint g: Expr, of e: Expr) throws(SymbolicError) -> (String, [(Expr, Expr)]) {
        switch e {
        case .variable, .number, .identity, .ones, .zeros:
            return ("constants have zero differential", [])

        case .sum(let terms):
            return ("linearity: d(A + B) = dA + dB, d(c A) = c dA", terms.map { term in
                let (c, core) = term.coefficientAndCore
                return core.numberValue == nil ? (Expr.scaled(.number(c), g), core) : (g, term)
            })

        case .product(let factors):
            // d(F₁⋯Fₖ) = Σᵢ F₁⋯dFᵢ⋯Fₖ, and tr(Gᵀ L dF R) = tr((Lᵀ G Rᵀ)ᵀ dF) (cyclic trace).
            var parts: [(Expr, Expr)] = []
            for i in factors.indices where depends(factors[i]) {
                let left = Expr.multiply(Array(factors[..<i]))
                let right = Expr.multiply(Array(factors[(i + 1)...]))
                var adjoint = g
                if i > 0 { adjoint = Expr.multiply([Expr.transposed(left), adjoint]) }
                if i < factors.count - 1 { adjoint = Expr.multiply([adjoint, Expr.transposed(right)]) }
                parts.append((adjoint, factors[i]))
            }
            return ("product rule: d(A B) = dA B + A dB; cyclic trace: tr(Gᵀ A dB C) = tr((Aᵀ G Cᵀ)ᵀ dB)", parts)

        case .scale(let s, let a):
            return ("product rule for a scalar multiple: d(s A) = ds A + s dA, with ⟨G, ds A⟩ = ⟨G, A⟩ ds",
                    [(Expr.inner(a, g), s), (Expr.scaled(s, g), a)])

        case .divide(let a, let s):
            return ("quotient rule: d(A / s) = dA / s − A ds / s²",
                    [(Expr.divide(g, s), a), (-Expr.divide(Expr.inner(a, g), Expr.raised(s, 2)), s)])

        case .hadamard(let a, let b):
            return ("Hadamard product rule: d(A ⊙ B) = dA ⊙ B + A ⊙ dB; tr(Gᵀ (B ⊙ dA)) = tr((G ⊙ B)ᵀ dA)",
                    [(Expr.hadamardProduct(g, b), a), (Expr.hadamardProduct(g, a), b)])

        case .hadamardDivide(let a, let b):
            return ("quotient rule, entrywise: d(A ⊘ B) = dA ⊘ B − A ⊙ dB ⊘ (B ⊙ B)",
                    [(.hadamardDivide(g, b), a), (-Expr.hadamardProduct(g, .hadamardDivide(a, Expr.raised(b, 2))), b)])

        case .kronecker(let a, let b):
            // For C = A ⊗ B (A m×n, B p×q): Ā_ij = Σ_kl G[ip+k, jq+l] B_kl, i.e. the block sums
            // Ā = (I_m ⊗ 1_pᵀ) (G ⊙ (1_{m×n} ⊗ B)) (I_n ⊗ 1_q), and likewise
            // B̄ = (1_mᵀ ⊗ I_p) (G ⊙ (A ⊗ 1_{p×q})) (1_n ⊗ I_q).
            let (m, n) = (a.shape.rows, a.shape.cols), (p, q) = (b.shape.rows, b.shape.cols)
            func ones(_ d: Dim) -> Expr { .ones(.vector(d)) }
            let gradA = Expr.multiply([
                Expr.kron(.identity(m), Expr.transposed(ones(p))),
                Expr.hadamardProduct(g, Expr.kron(.ones(MatrixShape(m, n)), b)),
                Expr.kron(.identity(n), ones(q)),
            ])
            let gradB = Expr.multiply([
                Expr.kron(Expr.transposed(ones(m)), .identity(p)),
                Expr.hadamardProduct(g, Expr.kron(a, .ones(MatrixShape(p, q)))),
                Expr.kron(ones(n), .identity(q)),
            ])
            return ("Kronecker product: d(A ⊗ B) = dA ⊗ B + A ⊗ dB; ⟨G, dA ⊗ B⟩ sums each block of G ⊙ (1 ⊗ B)",
                    [(gradA, a), (gradB, b)])

        case .transpose(let a):
            return ("transpose: tr(Gᵀ dAᵀ) = tr((Gᵀ)ᵀ dA)", [(Expr.transposed(g), a)])

        case .inverse(let a):
            assume(.invertible(a))
            let inverseT = Expr.transposed(.inverse(a))
            return ("inverse: d(X⁻¹) = −X⁻¹ dX X⁻¹ (Cookbook eq. 59); tr(Gᵀ X⁻¹ dX X⁻¹) = tr((X⁻ᵀ G X⁻ᵀ)ᵀ dX)",
                    [(-Expr.multiply([inverseT, g, inverseT]), a)])

        case .matrixPower(let a, let k):
            // d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ ⇒ Ḡ = Σᵢ (Xᵀ)ⁱ G (Xᵀ)ᵏ⁻¹⁻ⁱ.
            let at = Expr.transposed(a)
            let adjoint = Expr.add((0..<k).map { i in Expr.multiply([.matrixPowered(at, i), g, .matrixPowered(at, k - 1 - i)]) })
            return ("matrix power: d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ", [(adjoint, a)])

        case .power(let a, let p):
            if p.rounded() != p { assume(.positiveEntries(a, function: "power \(p)")) } else if p < 0 { assume(.nonzeroEntries(a)) }
            // Frobenius norms raised to a power: d‖A‖ᵖ = p ‖A‖ᵖ⁻² tr(Aᵀ dA), without 0/0 at p = 2.
            if case .norm(let x, .frobenius) = a {
                if p < 2 { assume(.nonzero(x)) }
                let factor = Expr.scaled(.number(p), Expr.raised(a, p - 2))
                return ("power of the Frobenius norm: d‖A‖ᵖ = p ‖A‖ᵖ⁻² tr(Aᵀ dA)", [(Expr.scaled(Expr.scaled(g, factor), x), x)])
            }
            let derivative = Expr.scaled(.number(p), Expr.raised(a, p - 1))
            if a.shape.isScalar { return ("power rule: d(sᵖ) = p sᵖ⁻¹ ds", [(Expr.multiply([g, derivative]), a)]) }
            return ("entrywise power: d(A.^p) = p A.^(p−1) ⊙ dA", [(Expr.hadamardProduct(g, derivative), a)])

        case .apply(.log, let a) where a.softplusArgument != nil:
            // log(1 + exp(u)) is softplus(u), whose derivative is σ(u): no 1/(1 + eᵘ) ⊙ eᵘ left to simplify.
            let u = a.softplusArgument!
            return ("softplus: d log(1 + exp(u)) = σ(u) ⊙ du", [(Expr.hadamardProduct(g, .apply(.sigmoid, u)), u)])

        case .apply(let fn, let a):
            let (derivative, rule) = try elementwiseDerivative(fn, a)
            return (rule, [(Expr.hadamardProduct(g, derivative), a)])

        case .maximum(let a, let c):
            assume(.almostEverywhere(nonSmooth: e, argument: a, kink: .number(c), derivative: .indicator(a, .greater, .number(c))))
            return ("d max(A, c) = 1{A > c} ⊙ dA (valid almost everywhere)",
                    [(Expr.hadamardProduct(g, .indicator(a, .greater, .number(c))), a)])

        case .minimum(let a, let c):
            assume(.almostEverywhere(nonSmooth: e, argument: a, kink: .number(c), derivative: .indicator(a, .less, .number(c))))
            return ("d min(A, c) = 1{A < c} ⊙ dA (valid almost everywhere)",
                    [(Expr.hadamardProduct(g, .indicator(a, .less, .number(c))), a)])

        case .indicator(let a, _, let b):
            assume(.almostEverywhere(nonSmooth: e, argument: a, kink: b, derivative: .number(0)))
            return ("an indicator is piecewise constant: d 1{A > B} = 0 almost everywhere", [])

        case .trace(let a):
            return ("trace: d tr(A) = tr(dA) = tr(Iᵀ dA) (Cookbook eq. 99)", [(Expr.scaled(g, .identity(a.shape.rows)), a)])

        case .det(let a):
            assume(.invertible(a))
            return ("determinant: d det(X) = det(X) tr(X⁻¹ dX) (Cookbook eq. 49)",
                    [(Expr.scaled(Expr.multiply([g, e]), Expr.transposed(.inverse(a))), a)])

        case .logdet(let a, let absolute):
            assume(absolute ? .invertible(a) : .positiveDeterminant(a))
            return ("log-determinant: d log det(X) = tr(X⁻¹ dX)", [(Expr.scaled(g, Expr.transposed(.inverse(a))), a)])

        case .diag(let a):
            // diag(x) embeds a vector; ⟨G, diag(dx)⟩ = ⟨diag(G), dx⟩. diag(A) extracts; ⟨g, diag(dA)⟩ = ⟨diag(g), dA⟩.
            return ("diag: ⟨G, diag(dA)⟩ = ⟨diag(G), dA⟩", [(.diag(g), a)])

        case .vec:
            throw SymbolicError(.unsupported, "the gradient through vec(…) is not supported yet (Jacobians of vec are)")

        case .sumEntries(let a):
            return ("sum of entries: d sum(A) = sum(dA) = tr((1 1ᵀ)ᵀ dA)", [(Expr.scaled(g, .ones(a.shape)), a)])

        case .norm(let a, .frobenius):
            assume(.nonzero(a))
            return ("Frobenius norm: d‖A‖_F = tr(Aᵀ dA) / ‖A‖_F", [(Expr.scaled(g, .divide(a, e)), a)])

        case .norm(let a, .one):
            assume(.almostEverywhere(nonSmooth: e, argument: a, kink: .number(0), derivative: .apply(.sign, a)))
            return ("1-norm: d‖A‖₁ = tr(sign(A)ᵀ dA) (valid almost everywhere)", [(Expr.scaled(g, .apply(.sign, a)), a)])

        case .softmax(let a):
            // s = softmax(z): ds = (diag(s) − s sᵀ) dz ⇒ z̄ = s ⊙ G − (sᵀ G) s; row-wise for matrices.
            if a.shape.isColumn {
                return ("softmax: d softmax(z) = (diag(s) − s sᵀ) dz, s = softmax(z)",
                        [(Expr.hadamardProduct(e, g) - Expr.scaled(Expr.inner(e, g), e), a)])
            }
            let onesColumn = Expr.ones(.vector(a.shape.cols))
            let rowSums = Expr.multiply([Expr.hadamardProduct(e, g), onesColumn])
            let adjoint = Expr.hadamardProduct(e, g - Expr.multiply([rowSums, Expr.transposed(onesColumn)]))
            return ("row-wise softmax: for each row, d softmax(z) = (diag(s) − s sᵀ) dz", [(adjoint, a)])

        case .logsumexp(let a):
            let weights: Expr = a.shape.isColumn ? .softmax(a) : .divide(.apply(.exp, a), .sumEntries(.apply(.exp, a)))
            return ("log-sum-exp: d logsumexp(z) = softmax(z)ᵀ dz", [(Expr.scaled(g, weights), a)])

        case .differential:
            throw SymbolicError(.unsupported, "a differential dX cannot be differentiated again")
        }
    }

    /// f′(A) entrywise, with the rule's wording and the assumptions it needs.
    mutating func elementwiseDerivative(_ fn: ElementwiseFunction, _ a: Expr) throws(SymbolicError) -> (Expr, String) {
        let chain = "chain rule for entrywise \(fn.rawValue): d f(A) = f′(A) ⊙ dA"
        switch fn {
        case .exp: return (.apply(.exp, a), chain + ", exp′ = exp")
        case .log:
            assume(.positiveEntries(a, function: "log"))
            return (Expr.raised(a, -1), chain + ", log′(x) = 1/x")
        case .sin: return (.apply(.cos, a), chain + ", sin′ = cos")
        case .cos: return (-Expr.apply(.sin, a), chain + ", cos′ = −sin")
        case .tanh: return (Expr.ones(a.shape) - Expr.raised(.apply(.tanh, a), 2), chain + ", tanh′ = 1 − tanh²")
        case .sigmoid:
            let s = Expr.apply(.sigmoid, a)
            return (Expr.hadamardProduct(s, Expr.ones(a.shape) - s), chain + ", σ′ = σ (1 − σ)")
        case .relu:
            assume(.almostEverywhere(nonSmooth: .apply(.relu, a), argument: a, kink: .number(0), derivative: .indicator(a, .greater, .number(0))))
            return (.indicator(a, .greater, .number(0)), chain + ", relu′(x) = 1{x > 0} (valid almost everywhere)")
        case .abs:
            assume(.almostEverywhere(nonSmooth: .apply(.abs, a), argument: a, kink: .number(0), derivative: .apply(.sign, a)))
            return (.apply(.sign, a), chain + ", |x|′ = sign(x) (valid almost everywhere)")
        case .sqrt:
            assume(.positiveEntries(a, function: "sqrt"))
            return (Expr.scaled(.number(0.5), Expr.raised(a, -0.5)), chain + ", sqrt′(x) = 1/(2 sqrt(x))")
        case .step, .sign:
            assume(.almostEverywhere(nonSmooth: .apply(fn, a), argument: a, kink: .number(0), derivative: .number(0)))
            return (a.shape.isScalar ? .number(0) : .zeros(a.shape), chain + ", \(fn.rawValue)′ = 0 almost everywhere")
        }
    }
}

extension Expr {
    /// u when this is 1 + exp(u) (ones or the number 1, in either order).
    var softplusArgument: Expr? {
        guard case .sum(let terms) = self, terms.count == 2 else { return nil }
        for (one, other) in [(terms[0], terms[1]), (terms[1], terms[0])] {
            let isOne: Bool
            switch one {
            case .ones: isOne = true
            case .number(1): isOne = true
            default: isOne = false
            }
            if isOne, case .apply(.exp, let u) = other { return u }
        }
        return nil
    }
}
