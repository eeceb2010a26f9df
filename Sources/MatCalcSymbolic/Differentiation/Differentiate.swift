// Matrix calculus by differentials: df is kept as a sum of inner products ⟨G, dE⟩ = tr(Gᵀ dE) over
// subexpressions E. One rule per node kind rewrites ⟨G, d op(A, B)⟩ into ⟨Ḡ_A, dA⟩ + ⟨Ḡ_B, dB⟩
// (the differential of the op, then the trace identities that move everything to the left of
// dA). When only variables remain, df = Σ ⟨G_V, dV⟩ and ∂f/∂V = G_V. This is reverse-mode
// differentiation done symbolically; every rewrite is a step of the derivation.

/// The largest expression, in nodes, that ``differentiate(_:wrt:)`` accepts.
public let maximumNodes = 60_000

/// The largest gradient, in nodes of its tree, that ``differentiate(_:wrt:)`` returns (the corpus's
/// largest has under 500).
public let maximumGradientNodes = 20_000

/// Differentiates a scalar objective with respect to the given variables (all when `wrt` is nil).
///
/// - Throws: ``SymbolicError`` `.shape` when `f` is not a scalar, `.unsupported` for constructs
///   whose derivative the engine does not know (it never guesses).
public func differentiate(_ f: Expr, wrt requested: [String]? = nil) throws(SymbolicError) -> Derivation {
    // The engine's bookkeeping grows faster than linearly with the tree; past this size a
    // derivation would take many seconds, so say so instead.
    let size = f.nodeCount
    guard size <= maximumNodes else {
        throw SymbolicError(.unsupported, "the expression has \(size) nodes; differentiation is limited to \(maximumNodes) (about 10,000 terms)")
    }
    guard f.shape.isScalar else {
        throw SymbolicError(.shape, "a gradient needs a scalar objective, but f is \(f.shape); ask for a Jacobian instead")
    }
    let variables = requested ?? f.variableNames
    var engine = DifferentialEngine(variables: Set(variables))
    try engine.run(f)
    var gradients: [(String, Expr)] = []
    for v in variables {
        let gradient = engine.gradient(of: v, shape: engine.shapes[v] ?? .scalar)
        // Printing is linear in the size of the tree, and a small objective can have a huge gradient
        // (nested inverses and matrix powers multiply the terms: found by fuzzing).
        let size = gradient.nodeCount(upTo: maximumGradientNodes)
        guard size <= maximumGradientNodes else {
            throw SymbolicError(.unsupported, "the gradient with respect to \(v) has more than \(maximumGradientNodes) nodes; "
                                    + "results are limited to that size (about 4,000 terms)")
        }
        gradients.append((v, gradient.factored()))
    }
    return Derivation(objective: f, steps: engine.steps, gradients: gradients, assumptions: engine.assumptions)
}

struct DifferentialEngine {
    let variables: Set<String>
    /// Pending terms ⟨G, dE⟩, in order of appearance; each E appears once (adjoints are merged).
    var terms: [(adjoint: Expr, target: Expr)] = []
    var steps: [Derivation.Step] = []
    var assumptions: [Assumption] = []
    var shapes: [String: MatrixShape] = [:]

    init(variables: Set<String>) { self.variables = variables }

    /// Whether any requested variable occurs in `e`.
    func depends(_ e: Expr) -> Bool { variables.contains { e.contains(variable: $0) } }

    mutating func run(_ f: Expr) throws(SymbolicError) {
        collectShapes(f)
        terms = depends(f) ? [(.number(1), f)] : []
        record("differentiate the objective: df = d f")
        while let index = nextTermToExpand() {
            let (g, e) = terms.remove(at: index)
            let (rule, parts) = try expand(adjoint: g, of: e)
            for (adjoint, target) in parts where depends(target) && !adjoint.isZero { add(adjoint, target) }
            record(rule)
        }
    }

    mutating func collectShapes(_ e: Expr) {
        if case .variable(let name, let shape) = e { shapes[name] = shape }
        e.children.forEach { collectShapes($0) }
    }

    /// The next term whose target is not a variable and not inside another pending target (so
    /// all contributions to it have been merged before it is expanded).
    func nextTermToExpand() -> Int? {
        let candidates = terms.indices.filter { i in
            if case .variable = terms[i].target { return false }
            return !terms.indices.contains { j in j != i && terms[j].target.strictlyContains(terms[i].target) }
        }
        return candidates.first
    }

    mutating func add(_ adjoint: Expr, _ target: Expr) {
        if let i = terms.firstIndex(where: { $0.target == target }) {
            terms[i].adjoint = terms[i].adjoint + adjoint
        } else {
            terms.append((adjoint, target))
        }
    }

    mutating func record(_ rule: String) {
        let df = Expr.add(terms.map { Expr.displayInner($0.adjoint, .differential($0.target)) })
        if steps.last?.differential != df || steps.isEmpty {
            steps.append(Derivation.Step(rule: rule, differential: terms.isEmpty ? .number(0) : df))
        }
    }

    mutating func assume(_ assumption: Assumption) {
        if !assumptions.contains(assumption) { assumptions.append(assumption) }
    }

    func gradient(of variable: String, shape: MatrixShape) -> Expr {
        terms.first { if case .variable(variable, _) = $0.target { return true } else { return false } }?.adjoint
            ?? (shape.isScalar ? .number(0) : .zeros(shape))
    }
}

extension Expr {
    /// ⟨G, dE⟩ as a derivation writes it: `tr(Gᵀ dE)`, `gᵀ de` for columns, `de gᵀ` for rows, `g de` for scalars, with
    /// Gᵀ kept whole (not pushed into G) so the line reads like the hand derivation.
    static func displayInner(_ g: Expr, _ d: Expr) -> Expr {
        let (c, core) = g.coefficientAndCore
        let gT: Expr = core.shape.isScalar ? core : .transpose(core)
        let body: Expr
        if case .identity = core {
            body = .trace(d)
        } else if core.shape.isScalar {
            body = core.numberValue == 1 ? d : .product([core, d])
        } else if core.shape.isColumn {
            body = .product([gT, d])
        } else if core.shape.isRow {
            // ⟨g, de⟩ for rows is de gᵀ (gᵀ de would be an outer product).
            body = .product([d, gT])
        } else {
            body = .trace(.product([gT, d]))
        }
        return scaled(.number(c), body)
    }

    /// Whether `e` occurs inside this expression (not counting the expression itself).
    func strictlyContains(_ e: Expr) -> Bool {
        children.contains { $0 == e || $0.strictlyContains(e) }
    }
}
