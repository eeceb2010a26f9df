/// One entry of a subscript: a single index (removes the dimension), a half-open range, or all.
public enum TensorIndex: Sendable, ExpressibleByIntegerLiteral {
    case at(Int)
    case range(Range<Int>)
    case all

    public init(integerLiteral value: Int) { self = .at(value) }
}

extension Tensor {
    /// The slice at `index` of dimension `dim`, which is removed (torch.select; negative counts from the end).
    public func select(dim: Int, index: Int) -> Tensor {
        precondition(rank > 0, "select() cannot be applied to a 0-dim tensor.")
        let d = Shape.wrapDim(dim, rank: rank, op: "select")
        let size = shape[d]
        precondition(index >= -size && index < size,
                     "select(): index \(index) out of range for tensor of size \(Shape.describe(shape)) at dimension \(d)")
        var outShape = shape
        outShape.remove(at: d)
        return narrow(dim: d, start: index < 0 ? index + size : index, length: 1).reshaped(outShape)
            .renamingGradFn("SelectBackward0")
    }

    /// `length` consecutive entries of dimension `dim` from `start` (torch.narrow).
    public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
        let d = Shape.wrapDim(dim, rank: rank, op: "narrow")
        precondition(start >= 0 && length >= 0 && start + length <= shape[d],
                     "narrow(): start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])).")
        let outer = Shape.count(Array(shape[..<d]))
        let inner = Shape.count(Array(shape[(d + 1)...]))
        let size = shape[d]
        func copy<T: TensorScalar>(_ x: [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(outer * length * inner)
            for o in 0..<outer {
                let base = (o * size + start) * inner
                out.append(contentsOf: x[base..<(base + length * inner)])
            }
            return out
        }
        var outShape = shape
        outShape[d] = length
        return Tensor(shape: outShape, storage: storage.mapBuffer(copy, copy, copy, copy))
            .recorded("SliceBackward0", .narrow(inputShape: shape, dim: d, start: start), [self])
    }

    /// Row `i` (the slice along dimension 0); negative counts from the end.
    public subscript(_ i: Int) -> Tensor { select(dim: 0, index: i) }

    /// Rows `range` (a slice of dimension 0).
    public subscript(_ range: Range<Int>) -> Tensor { narrow(dim: 0, start: range.lowerBound, length: range.count) }

    /// NumPy-style indexing, one entry per leading dimension: `x[.all, 1]` is column 1,
    /// `x[0, .range(1..<3)]` part of row 0.
    public subscript(_ indices: TensorIndex...) -> Tensor {
        precondition(indices.count <= rank, "too many indices for tensor of dimension \(rank)")
        var out = self
        var dim = 0
        for index in indices {
            switch index {
            case .at(let i): out = out.select(dim: dim, index: i)
            case .range(let r):
                out = out.narrow(dim: dim, start: r.lowerBound, length: r.count)
                dim += 1
            case .all: dim += 1
            }
        }
        return out
    }

    /// Joins tensors along an existing dimension (torch.cat); dtypes promote.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "cat(): expected a non-empty list of Tensors")
        // PyTorch skips 1-D empty tensors in cat (a legacy rule kept for compatibility).
        let parts = tensors.filter { !($0.rank == 1 && $0.count == 0) }
        guard let first = parts.first else { return tensors[0] }
        let d = Shape.wrapDim(dim, rank: first.rank, op: "cat")
        precondition(first.rank > 0, "cat(): zero-dimensional tensor cannot be concatenated")
        for t in parts {
            precondition(t.rank == first.rank,
                         "cat(): Tensors must have same number of dimensions: got \(first.rank) and \(t.rank)")
            for i in 0..<first.rank where i != d {
                precondition(t.shape[i] == first.shape[i],
                             "cat(): Sizes of tensors must match except in dimension \(d). Expected size \(first.shape[i]) but got size \(t.shape[i]) for tensor \(Shape.describe(t.shape)) in dimension \(i)")
            }
        }
        let dtype = parts.map(\.dtype).reduce(parts[0].dtype, DType.promoted)
        let outer = Shape.count(Array(first.shape[..<d]))
        var outShape = first.shape
        outShape[d] = parts.reduce(0) { $0 + $1.shape[d] }
        func join<T: TensorScalar>(_: T.Type) -> [T] {
            let buffers = parts.map { $0.scalars(as: T.self) }
            let blocks = parts.map { Shape.count(Array($0.shape[d...])) }
            var out = [T]()
            out.reserveCapacity(Shape.count(outShape))
            for o in 0..<outer {
                for (buffer, block) in zip(buffers, blocks) { out.append(contentsOf: buffer[(o * block)..<((o + 1) * block)]) }
            }
            return out
        }
        let out: Tensor
        switch dtype {
        case .float32: out = Tensor(shape: outShape, scalars: join(Float.self))
        case .float64: out = Tensor(shape: outShape, scalars: join(Double.self))
        case .int64: out = Tensor(shape: outShape, scalars: join(Int64.self))
        case .bool: out = Tensor(shape: outShape, scalars: join(Bool.self))
        }
        return out.recorded("CatBackward0", .cat(dim: d, sizes: parts.map { $0.shape[d] }), parts)
    }

    /// Stacks equally shaped tensors along a new dimension (torch.stack).
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack expects a non-empty TensorList")
        let shape = tensors[0].shape
        for (i, t) in tensors.enumerated() {
            precondition(t.shape == shape,
                         "stack expects each tensor to be equal size, but got \(Shape.describe(shape)) at entry 0 and \(Shape.describe(t.shape)) at entry \(i)")
        }
        let d = Shape.wrapDim(dim, rank: shape.count + 1, op: "stack")
        return cat(tensors.map { $0.unsqueeze(d) }, dim: d).renamingGradFn("StackBackward0")
    }
}
