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

/// One element of a nested tensor literal: a number, a Boolean, or a nested list.
///
/// `Tensor` itself takes no number literals, so `1 - x` always means the number 1 and never a
/// rank-0 tensor (which would promote differently); write `Tensor(2.5)` for a rank-0 tensor.
public indirect enum TensorLiteral: Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case list([TensorLiteral])

    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TensorLiteral...) { self = .list(elements) }

    /// The nesting's shape; nil when sublists differ in length or mix numbers and lists.
    var shape: [Int]? {
        guard case .list(let items) = self else { return [] }
        guard let first = items.first else { return [0] }
        guard let inner = first.shape, items.allSatisfy({ $0.shape == inner }) else { return nil }
        return [items.count] + inner
    }

    /// The dtype torch.tensor infers: float32 if any float, else int64 if any int, else bool.
    var dtype: DType {
        switch self {
        case .int: .int64
        case .float: .float32
        case .bool: .bool
        case .list(let items): items.map(\.dtype).max() ?? .float32
        }
    }

    func flattened(into values: inout [Double]) {
        switch self {
        case .int(let v): values.append(Double(v))
        case .float(let v): values.append(v)
        case .bool(let v): values.append(v ? 1 : 0)
        case .list(let items): for item in items { item.flattened(into: &values) }
        }
    }
}

extension Tensor: ExpressibleByArrayLiteral {
    /// Nested literals build a tensor like `torch.tensor([[1, 2], [3, 4.5]])`: the lists must be
    /// rectangular, and the dtype is float32 if any element is a float literal, else int64 (or bool).
    public init(arrayLiteral elements: TensorLiteral...) {
        let literal = TensorLiteral.list(elements)
        guard let shape = literal.shape else {
            preconditionFailure("Tensor literal: expected a rectangular nesting of lists (sublists of equal length)")
        }
        var values: [Double] = []
        literal.flattened(into: &values)
        let dtype = elements.isEmpty ? DType.float32 : literal.dtype
        if dtype == .int64 {
            var ints: [Int64] = []
            func collect(_ l: TensorLiteral) {
                switch l {
                case .int(let v): ints.append(v)
                case .bool(let v): ints.append(v ? 1 : 0)
                case .float(let v): ints.append(Int64(v))
                case .list(let items): items.forEach(collect)
                }
            }
            collect(literal)
            self.init(shape: shape, scalars: ints)
        } else {
            self.init(shape: shape, storage: TensorStorage.float64(values).converted(to: dtype))
        }
    }
}
