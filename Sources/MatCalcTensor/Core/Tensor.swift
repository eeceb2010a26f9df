/// A dense n-dimensional array of `Float`, `Double`, `Int64` or `Bool`, stored row-major.
///
/// `Tensor` has value semantics: assigning it copies, and the element buffer is shared until one
/// copy is written (copy-on-write). Shapes are `[Int]`; a rank-0 tensor (`shape == []`) holds one
/// scalar. Operations follow PyTorch's semantics and names (broadcasting, dtype promotion,
/// `matmul`, `sum(dim:)`), so a PyTorch program reads across almost line by line.
public struct Tensor: Sendable {
    /// The size of each dimension, outermost first.
    public internal(set) var shape: [Int]
    /// The elements, contiguous and row-major.
    public internal(set) var storage: TensorStorage
    /// Autograd state, shared by every copy of this tensor: nil for tensors that do not require grad.
    /// (Values are copied on write; the gradient slot, like a PyTorch tensor's, is one object.)
    var autograd: AutogradMeta?

    /// Creates a tensor from its storage; the element count must match the shape.
    public init(shape: [Int], storage: TensorStorage) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(Shape.describe(shape))")
        precondition(
            Shape.count(shape) == storage.count,
            "Tensor: shape \(Shape.describe(shape)) needs \(Shape.count(shape)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor of `shape` from row-major `scalars`.
    public init<T: TensorScalar>(shape: [Int], scalars: [T]) {
        self.init(shape: shape, storage: T.storage(scalars))
    }

    /// A rank-0 tensor holding `scalar`.
    public init<T: TensorScalar>(_ scalar: T) { self.init(shape: [], scalars: [scalar]) }

    /// A 1-D tensor of `scalars`.
    public init<T: TensorScalar>(_ scalars: [T]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A 2-D tensor from rows of equal length.
    public init<T: TensorScalar>(_ rows: [[T]]) {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "Tensor: rows of unequal length")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A 3-D tensor from equally shaped matrices.
    public init<T: TensorScalar>(_ blocks: [[[T]]]) {
        let parts = blocks.map { Tensor($0) }
        let inner = parts.first?.shape ?? [0, 0]
        precondition(parts.allSatisfy { $0.shape == inner }, "Tensor: blocks of unequal shape")
        self.init(shape: [blocks.count] + inner, scalars: blocks.flatMap { $0.flatMap { $0 } })
    }

    /// The element type.
    public var dtype: DType { storage.dtype }
    /// The number of dimensions (PyTorch's `dim()`).
    public var rank: Int { shape.count }
    /// The number of elements (PyTorch's `numel()`).
    public var count: Int { storage.count }
    /// Whether the tensor holds no elements.
    public var isEmpty: Bool { storage.count == 0 }

    /// The row-major elements converted to `T`.
    public func scalars<T: TensorScalar>(as type: T.Type = T.self) -> [T] { storage.values(as: type) }

    /// The value of a one-element tensor (any shape), converted to `T`.
    public func item<T: TensorScalar>(as type: T.Type = T.self) -> T {
        precondition(count == 1, "item(): a tensor with \(count) elements cannot be converted to a scalar")
        return storage.values(as: type)[0]
    }

    /// The value of a one-element tensor as a Double.
    public var doubleValue: Double {
        precondition(count == 1, "item(): a tensor with \(count) elements cannot be converted to a scalar")
        return storage.double(at: 0)
    }

    /// The same values converted to `dtype` (PyTorch's `.to(dtype)`: float → int truncates).
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(shape: shape, storage: storage.converted(to: dtype))
        return dtype.isFloatingPoint ? out.recorded("ToCopyBackward0", .toDType(from: self.dtype), [self]) : out
    }

    /// The same elements viewed with another shape of equal element count (no autograd record).
    func withShape(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}

extension Tensor: Equatable {
    /// Exact equality of shape, dtype and every element (NaN ≠ NaN, as in IEEE).
    /// For tolerance-based comparison use ``allclose(_:rtol:atol:equalNaN:)``.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.storage == rhs.storage
    }
}
