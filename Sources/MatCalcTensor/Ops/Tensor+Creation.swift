extension Tensor {
    /// A tensor of `shape` with every element `value` (torch.full).
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        let n = Shape.count(shape)
        let storage: TensorStorage
        switch dtype {
        case .float32: storage = .float32([Float](repeating: Float(value), count: n))
        case .float64: storage = .float64([Double](repeating: value, count: n))
        case .int64: storage = .int64([Int64](repeating: Int64(converting: value), count: n))
        case .bool: storage = .bool([Bool](repeating: value != 0, count: n))
        }
        return Tensor(shape: shape, storage: storage)
    }

    /// A tensor of zeros (torch.zeros).
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 0, dtype: dtype) }
    /// A tensor of ones (torch.ones).
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 1, dtype: dtype) }
    /// Zeros with the shape and dtype of `other` (torch.zeros_like).
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }
    /// Ones with the shape and dtype of `other` (torch.ones_like).
    public static func ones(like other: Tensor) -> Tensor { ones(other.shape, dtype: other.dtype) }

    /// The n×m matrix with ones on the diagonal (torch.eye); m defaults to n.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) -> Tensor {
        let cols = m ?? n
        var values = [Double](repeating: 0, count: n * cols)
        for i in 0..<Swift.min(n, cols) { values[i * cols + i] = 1 }
        return Tensor(shape: [n, cols], storage: TensorStorage.float64(values).converted(to: dtype))
    }

    /// Integers `start, start + step, …` below `end` as int64 (torch.arange with int arguments).
    public static func arange(_ end: Int) -> Tensor { arange(0, end) }

    /// Integers `start, start + step, …` below `end` as int64.
    public static func arange(_ start: Int, _ end: Int, step: Int = 1) -> Tensor {
        precondition(step != 0, "arange: step must be nonzero")
        let values = Swift.stride(from: start, to: end, by: step).map { Int64($0) }
        return Tensor(shape: [values.count], scalars: values)
    }

    /// Values `start + i·step` below `end` (torch.arange with float arguments; float32 by default).
    /// The count is ⌈(end − start)/step⌉ computed in double, as PyTorch does.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        precondition(step != 0, "arange: step must be nonzero")
        precondition(start.isFinite && end.isFinite, "arange: unsupported range: \(start) -> \(end)")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let values = (0..<n).map { start + Double($0) * step }
        return Tensor(shape: [n], storage: TensorStorage.float64(values).converted(to: dtype))
    }
}

extension Tensor: ExpressibleByFloatLiteral {
    /// A float literal is a rank-0 float32 tensor, as `torch.tensor(2.5)`.
    public init(floatLiteral value: Double) { self.init(Float(value)) }
}

extension Tensor: ExpressibleByIntegerLiteral {
    /// An integer literal is a rank-0 int64 tensor, as `torch.tensor(3)`.
    public init(integerLiteral value: Int64) { self.init(value) }
}

extension Tensor: ExpressibleByBooleanLiteral {
    /// A Boolean literal is a rank-0 bool tensor.
    public init(booleanLiteral value: Bool) { self.init(value) }
}

extension Tensor: ExpressibleByArrayLiteral {
    /// Nested literals stack like `torch.tensor([[1, 2], [3, 4.5]])`: elements must have equal
    /// shapes, and the dtype is their promotion (here float32).
    public init(arrayLiteral elements: Tensor...) {
        if elements.isEmpty {
            self.init(shape: [0], scalars: [Float]())
        } else {
            self = Tensor.stack(elements)
        }
    }
}
