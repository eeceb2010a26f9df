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
    /// `nonSmooth` is not differentiable where `argument` = `kink` (a null set); the result holds
    /// almost everywhere, with `derivative` taken there (PyTorch's convention).
    case almostEverywhere(nonSmooth: Expr, argument: Expr, kink: Expr, derivative: Expr)

    /// The assumption in words, with expressions printed by `render`.
    public func describe(_ render: (Expr) -> String) -> String {
        switch self {
        case .invertible(let a): "\(render(a)) is invertible"
        case .positiveDeterminant(let a): "det(\(render(a))) > 0"
        case .positiveEntries(let a, let fn): "\(render(a)) > 0 entrywise (\(fn))"
        case .nonzeroEntries(let a): "\(render(a)) has no zero entries"
        case .nonzero(let a): "\(render(a)) ≠ 0"
        case .almostEverywhere(let f, let a, let kink, let derivative):
            "valid almost everywhere: \(render(f)) is not differentiable where \(render(a)) = \(render(kink)); the derivative there is taken as \(render(derivative))"
        }
    }
}
