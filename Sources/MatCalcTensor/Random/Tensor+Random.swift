/// Random tensors drawn exactly as PyTorch's CPU generator draws them: after the same seed, the
/// same calls in the same order give the same bits as `torch.randn`, `torch.rand` and
/// `torch.randint`.
extension Tensor {
    /// A tensor of `shape` filled with standard normal values (`torch.randn`).
    ///
    /// - Parameters:
    ///   - shape: the dimensions, e.g. `[10, 4]`; `[]` makes a rank-0 tensor. An empty tensor
    ///     draws nothing.
    ///   - dtype: `.float32` or `.float64` (anything else is a precondition failure).
    ///   - generator: the generator to draw from; `nil` uses ``Generator/default``.
    ///   - kernel: the float32 kernel for 16 or more elements; ``NormalKernel/avx2`` (the default)
    ///     matches PyTorch on x86-64 on every platform.
    /// - Returns: a `shape`-shaped tensor of `dtype`.
    public static func randn(
        _ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, kernel: NormalKernel = .avx2
    ) -> Tensor {
        let n = elementCount(shape, op: "randn")
        let g = generator ?? .default
        switch dtype {
        case .float32:
            let values = g.withState { $0.normalFloats(count: n, kernel: kernel) }
            return Tensor(shape: shape, scalars: values)
        case .float64:
            let values = g.withState { $0.normalDoubles(count: n) }
            return Tensor(shape: shape, scalars: values)
        case .int64, .bool:
            preconditionFailure("randn: dtype must be float32 or float64, got \(dtype)")
        }
    }

    /// A tensor of the given dimensions filled with standard normal values:
    /// `Tensor.randn(10, 4)` is `torch.randn(10, 4)`; otherwise the same as the `[Int]` form.
    public static func randn(
        _ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, kernel: NormalKernel = .avx2
    ) -> Tensor {
        randn(shape, dtype: dtype, generator: generator, kernel: kernel)
    }

    /// A tensor of `shape` filled with uniform values in `[0, 1)` (`torch.rand`).
    ///
    /// float32 elements use 24 random bits (one 32-bit draw each), float64 elements 53 bits (one
    /// 64-bit draw each); `dtype` must be `.float32` or `.float64`.
    /// - Returns: a `shape`-shaped tensor of `dtype`.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil) -> Tensor {
        let n = elementCount(shape, op: "rand")
        let g = generator ?? .default
        switch dtype {
        case .float32:
            return Tensor(shape: shape, scalars: g.withState { $0.uniformFloats(count: n) })
        case .float64:
            return Tensor(shape: shape, scalars: g.withState { $0.uniformDoubles(count: n) })
        case .int64, .bool:
            preconditionFailure("rand: dtype must be float32 or float64, got \(dtype)")
        }
    }

    /// A tensor of the given dimensions filled with uniform values in `[0, 1)`:
    /// `Tensor.rand(2, 3)` is `torch.rand(2, 3)`.
    public static func rand(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil) -> Tensor {
        rand(shape, dtype: dtype, generator: generator)
    }

    /// An int64 tensor of `shape` filled with integers in `low ..< high` (`torch.randint`).
    ///
    /// Each element is `random() % (high - low) + low`, or `random64() % …` when
    /// `high - low >= 2^28` — PyTorch's biased plain modulo, reproduced on purpose.
    /// `high > low` is a precondition (PyTorch raises); it is checked before anything is drawn.
    /// - Returns: a `shape`-shaped `.int64` tensor.
    public static func randint(low: Int64 = 0, high: Int64, shape: [Int], generator: Generator? = nil) -> Tensor {
        precondition(
            low < high,
            "randint: expected low < high, but got low=\(low) >= high=\(high)")
        let n = elementCount(shape, op: "randint")
        let g = generator ?? .default
        let values = g.withState { $0.integers(count: n, low: low, high: high) }
        return Tensor(shape: shape, scalars: values)
    }

    /// The element count of a requested shape; traps on negative or overflowing dimensions.
    private static func elementCount(_ shape: [Int], op: String) -> Int {
        guard let n = Shape.checkedCount(shape) else {
            preconditionFailure("\(op): invalid shape \(Shape.describe(shape)) (negative or too many elements)")
        }
        return n
    }
}
