/// The result of differentiating a scalar objective: the gradient of each variable, the chain of
/// differentials that led there, and the conditions under which it holds.
public struct Derivation: Sendable {
    /// One line of the worked solution: `df = …` after applying `rule`.
    public struct Step: Sendable, Hashable {
        /// The rule that produced this line, in words, with the Cookbook equation where one applies.
        public let rule: String
        /// df as a sum of inner products ⟨G, dE⟩, each printed as `tr(Gᵀ dE)`, `gᵀ de` or `g de`.
        public let differential: Expr
    }

    /// The objective, as differentiated.
    public let objective: Expr
    /// From `df = d f` to `df = Σ ⟨G_V, dV⟩`.
    public let steps: [Step]
    /// ∂f/∂V for each requested variable, in the variable's shape (Cookbook layout).
    public let gradients: [(variable: String, gradient: Expr)]
    /// What the result assumes: invertibility, positivity, validity almost everywhere at kinks.
    public let assumptions: [Assumption]

    /// The gradient with respect to `variable`.
    public func gradient(of variable: String) -> Expr? {
        gradients.first { $0.variable == variable }?.gradient
    }
}

extension Derivation: Equatable {
    public static func == (a: Derivation, b: Derivation) -> Bool {
        a.objective == b.objective && a.steps == b.steps && a.assumptions == b.assumptions
            && a.gradients.map(\.variable) == b.gradients.map(\.variable)
            && a.gradients.map(\.gradient) == b.gradients.map(\.gradient)
    }
}
