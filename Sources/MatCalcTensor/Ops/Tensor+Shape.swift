// Movement ops. Tensors are always contiguous, so transposes and permutes copy; reshapes don't.

extension Tensor {
    /// The same elements in a new shape; one dimension may be -1 and is inferred (torch.reshape).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        precondition(unknown.count <= 1, "reshape: only one dimension can be inferred")
        precondition(newShape.allSatisfy { $0 >= -1 }, "reshape: invalid shape dimension in \(Shape.describe(newShape))")
        if let u = unknown.first {
            let known = newShape.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            precondition(known != 0 && count % known == 0,
                         "reshape: shape \(Shape.describe(newShape)) is invalid for input of size \(count)")
            target[u] = count / known
        }
        precondition(Shape.count(target) == count, "reshape: shape \(Shape.describe(newShape)) is invalid for input of size \(count)")
        return viewed(target, "ViewBackward0")
    }

    /// Variadic spelling: `x.reshaped(2, -1)`.
    public func reshaped(_ dims: Int...) -> Tensor { reshaped(dims) }

    /// Flattens dims `startDim...endDim` into one (torch.flatten); rank 0 becomes rank 1.
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return viewed([1], "ViewBackward0") }
        let s = Shape.wrapDim(startDim, rank: rank, op: "flatten")
        let e = Shape.wrapDim(endDim, rank: rank, op: "flatten")
        precondition(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim")
        return viewed(Array(shape[..<s]) + [Shape.count(Array(shape[s...e]))] + Array(shape[(e + 1)...]), "ViewBackward0")
    }

    /// Inserts a dimension of size 1 at `dim` (torch.unsqueeze).
    public func unsqueeze(_ dim: Int) -> Tensor {
        let d = Shape.wrapDim(dim, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: d)
        return viewed(s, "UnsqueezeBackward0")
    }

    /// Removes all dimensions of size 1, or only `dim` if it has size 1 (torch.squeeze).
    public func squeeze(_ dim: Int? = nil) -> Tensor {
        guard let dim else { return viewed(shape.filter { $0 != 1 }, "SqueezeBackward0") }
        if rank == 0 { return self }
        let d = Shape.wrapDim(dim, rank: rank, op: "squeeze")
        guard shape[d] == 1 else { return self }
        var s = shape
        s.remove(at: d)
        return viewed(s, "SqueezeBackward1")
    }

    /// The same elements in `newShape`, recorded as a view for autograd.
    private func viewed(_ newShape: [Int], _ name: String) -> Tensor {
        withShape(newShape).recorded(name, .reshape(from: shape), [self])
    }

    /// Reorders dimensions: result dim i is input dim `dims[i]` (torch.permute).
    public func permute(_ dims: [Int]) -> Tensor {
        precondition(dims.count == rank,
                     "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        let perm = dims.map { Shape.wrapDim($0, rank: rank, op: "permute") }
        precondition(Set(perm).count == rank, "permute(): duplicate dims are not allowed.")
        if perm == Array(0..<rank) { return viewed(shape, "PermuteBackward0") }
        let outShape = perm.map { shape[$0] }
        let inStrides = Shape.strides(shape)
        let strides = perm.map { inStrides[$0] }
        let sources = Shape.offsets(of: outShape, strides: strides)
        func gather<T: TensorScalar>(_ x: [T]) -> [T] { sources.map { x[$0] } }
        return Tensor(shape: outShape, storage: storage.mapBuffer(gather, gather, gather, gather))
            .recorded("PermuteBackward0", .permute(perm), [self])
    }

    /// Variadic spelling: `x.permute(2, 0, 1)`.
    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    /// Swaps two dimensions (torch.transpose).
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        let a = Shape.wrapDim(dim0, rank: rank, op: "transpose")
        let b = Shape.wrapDim(dim1, rank: rank, op: "transpose")
        var perm = Array(0..<Swift.max(rank, 0))
        if rank > 0 { perm.swapAt(a, b) }
        return permute(perm).renamingGradFn("TransposeBackward0")
    }

    /// The transpose of a matrix; vectors and scalars are returned as they are (torch.t).
    public func t() -> Tensor {
        precondition(rank <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
        return (rank < 2 ? viewed(shape, "TBackward0") : transpose(0, 1)).renamingGradFn("TBackward0")
    }

    /// All dimensions reversed (torch's `.T`): the transpose of a matrix.
    public var T: Tensor { permute(Array((0..<rank).reversed())) }

    /// The transpose of the last two dimensions of a batch of matrices (torch's `.mT`).
    public var mT: Tensor {
        precondition(rank >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got \(rank)-D tensor.")
        return transpose(-2, -1)
    }

    /// The tensor broadcast to `shape`, materialised (torch.expand followed by contiguous()).
    public func expand(_ target: [Int]) -> Tensor {
        precondition(Shape.broadcast(shape, target) == target,
                     "expand: the expanded size of the tensor \(Shape.describe(shape)) must match the existing size at each non-singleton dimension; target \(Shape.describe(target))")
        func spread<T: TensorScalar>(_ x: [T]) -> [T] { broadcastBuffer(x, shape, to: target) }
        return Tensor(shape: target, storage: storage.mapBuffer(spread, spread, spread, spread))
            .recorded("ExpandBackward0", .expand(from: shape), [self])
    }
}
