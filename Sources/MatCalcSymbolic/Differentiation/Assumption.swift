/// A condition a derived result relies on.
public enum Assumption: Hashable, Sendable {
    /// The matrix is invertible (inverse, det).
    case invertible(Expr)
    /// det of the matrix is positive (log det).
    case positiveDeterminant(Expr)
    /// Every entry is positive (log, sqrt, non-integer powers).
    case positiveEntries(Expr, function: String)
    /// No entry is zero (negative integer powers).
    case nonzeroEntries(Expr)
    /// The value is not zero (the Frobenius norm's derivative).
    case nonzero(Expr)
    /// The function is not differentiable on a null set; the result holds almost everywhere,
    /// with the stated convention at the kink.
    case almostEverywhere(function: String, argument: Expr, convention: String)

    /// The assumption in words, with expressions printed by `render`.
    public func describe(_ render: (Expr) -> String) -> String {
        switch self {
        case .invertible(let a): "\(render(a)) is invertible"
        case .positiveDeterminant(let a): "det(\(render(a))) > 0"
        case .positiveEntries(let a, let fn): "\(render(a)) > 0 entrywise (\(fn))"
        case .nonzeroEntries(let a): "\(render(a)) has no zero entries"
        case .nonzero(let a): "\(render(a)) ≠ 0"
        case .almostEverywhere(let fn, let a, let convention):
            "valid almost everywhere: \(fn) is not differentiable where \(render(a)) hits its kink; \(convention)"
        }
    }
}
