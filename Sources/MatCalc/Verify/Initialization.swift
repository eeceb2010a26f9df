import MatCalcTensor

/// How to draw a variable's values so that the expression is defined there (the corpus's `inits`).
public enum Initialization: String, Sendable, CaseIterable {
    /// N(0, 1) entries: exactly `torch.randn` of the shape.
    case gaussian
    /// 0.3 · N(0, 1), for matrix functions and exponentials.
    case small
    /// N(0, 1) + n I: invertible and moderately conditioned.
    case wellcond
    /// G Gᵀ + n I: symmetric positive definite.
    case spd
    /// (G + Gᵀ) / 2: symmetric.
    case sym
    /// U(0.5, 2) entries.
    case positive
    /// Random signs ±1.
    case pm1
    /// Random 0/1 entries.
    case zeroOne = "01"
    /// Positive entries summing to 1.
    case simplex
    /// Each row one-hot.
    case onehotRows = "onehot_rows"

    /// Whether the construction needs a square matrix.
    public var needsSquare: Bool { self == .wellcond || self == .spd || self == .sym }

    /// Draws a tensor of `shape` (`[]`, `[n]` or `[n, m]`) from `generator`.
    public func sample(_ shape: [Int], dtype: DType = .float64, generator: Generator) -> Tensor {
        let n = shape.first ?? 1
        switch self {
        case .gaussian:
            return Tensor.randn(shape, dtype: dtype, generator: generator)
        case .small:
            return Tensor.randn(shape, dtype: dtype, generator: generator) * 0.3
        case .wellcond:
            return Tensor.randn(shape, dtype: dtype, generator: generator) + Tensor.eye(n, dtype: dtype) * Double(n)
        case .spd:
            let g = Tensor.randn(shape, dtype: dtype, generator: generator)
            return g.matmul(g.t()) + Tensor.eye(n, dtype: dtype) * Double(n)
        case .sym:
            let g = Tensor.randn(shape, dtype: dtype, generator: generator)
            return (g + g.t()) * 0.5
        case .positive:
            return Tensor.rand(shape, dtype: dtype, generator: generator) * 1.5 + 0.5
        case .pm1:
            return (Tensor.rand(shape, dtype: dtype, generator: generator) > 0.5).to(dtype) * 2 - 1
        case .zeroOne:
            return (Tensor.rand(shape, dtype: dtype, generator: generator) > 0.5).to(dtype)
        case .simplex:
            let u = Tensor.rand(shape, dtype: dtype, generator: generator) + 0.1
            return u / u.sum()
        case .onehotRows:
            let rows = shape.count == 2 ? shape[0] : 1
            let cols = shape.last ?? 1
            let hot = Tensor.randint(low: 0, high: Int64(Swift.max(cols, 1)), shape: [rows], generator: generator)
            let positions = Tensor.arange(cols).reshaped(1, cols)
            return (positions .== hot.reshaped(rows, 1)).to(dtype).reshaped(shape)
        }
    }
}
