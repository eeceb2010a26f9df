/// A reduction over one dimension, or over all elements.
public enum ReductionOp: String, Sendable, CaseIterable {
    case sum, mean, max, min
}

/// The sum of `x` by pairwise summation in blocks of 8 running sums (NumPy's scheme): rounding error
/// grows as log n rather than n, and the 8 independent sums keep the adder busy.
@inlinable
func pairwiseSum<T: FloatingPoint>(_ x: UnsafeBufferPointer<T>) -> T {
    let n = x.count
    if n < 8 {
        var s = T.zero
        for v in x { s += v }
        return s
    }
    if n <= 128 {
        var r0 = x[0], r1 = x[1], r2 = x[2], r3 = x[3], r4 = x[4], r5 = x[5], r6 = x[6], r7 = x[7]
        var i = 8
        while i + 8 <= n {
            r0 += x[i]; r1 += x[i + 1]; r2 += x[i + 2]; r3 += x[i + 3]
            r4 += x[i + 4]; r5 += x[i + 5]; r6 += x[i + 6]; r7 += x[i + 7]
            i += 8
        }
        var s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n { s += x[i]; i += 1 }
        return s
    }
    let half = (n / 2) & ~7
    return pairwiseSum(UnsafeBufferPointer(rebasing: x[..<half])) + pairwiseSum(UnsafeBufferPointer(rebasing: x[half...]))
}

extension Tensor {
    /// Views `shape` as `[outer, size, inner]` around `dim`.
    private static func split(_ shape: [Int], at dim: Int) -> (outer: Int, size: Int, inner: Int) {
        (Shape.count(Array(shape[..<dim])), shape[dim], Shape.count(Array(shape[(dim + 1)...])))
    }

    /// Reduces one dimension of a contiguous buffer with `combine`, starting from the first
    /// element along it (callers handle empty dimensions).
    private static func reduceDim<T>(
        _ x: [T], _ outer: Int, _ size: Int, _ inner: Int, _ combine: (T, T) -> T
    ) -> [T] {
        [T](unsafeUninitializedCapacity: outer * inner) { out, n in
            x.withUnsafeBufferPointer { px in
                // A contiguous run per output: fold it in a register.
                if inner == 1 {
                    for o in 0..<outer {
                        var acc = px[o * size]
                        for s in 1..<Swift.max(size, 1) { acc = combine(acc, px[o * size + s]) }
                        out[o] = acc
                    }
                    return
                }
                for o in 0..<outer {
                    let base = o * size * inner
                    for j in 0..<inner { out[o * inner + j] = px[base + j] }
                    for s in 1..<Swift.max(size, 1) {
                        let row = base + s * inner
                        for j in 0..<inner { out[o * inner + j] = combine(out[o * inner + j], px[row + j]) }
                    }
                }
            }
            n = outer * inner
        }
    }

    /// One dimension reduced by sum, max or min (``reduce(_:dims:keepdim:)`` computes a mean as a scaled sum).
    private func reduced(_ op: ReductionOp, dim: Int) -> Tensor {
        precondition(op != .mean, "reduced(_:dim:): a mean is reduced as a sum")
        let (outer, size, inner) = Tensor.split(shape, at: dim)
        var outShape = shape
        outShape.remove(at: dim)
        if size == 0 {
            switch op {
            case .sum, .mean: return Tensor.zeros(outShape, dtype: dtype == .bool ? .int64 : dtype)
            case .max, .min:
                precondition(Shape.count(outShape) == 0,
                             "\(op.rawValue)(): Expected reduction dim \(dim) to have non-zero size.")
                return Tensor.zeros(outShape, dtype: dtype)
            }
        }
        func run<T: TensorFloat>(_: T.Type) -> [T] {
            let x = scalars(as: T.self)
            switch op {
            case .sum where inner == 1, .mean where inner == 1:
                return [T](unsafeUninitializedCapacity: outer) { out, n in
                    x.withUnsafeBufferPointer { px in
                        for o in 0..<outer { out[o] = pairwiseSum(UnsafeBufferPointer(rebasing: px[(o * size)..<(o * size + size)])) }
                    }
                    n = outer
                }
            case .sum, .mean: return Tensor.reduceDim(x, outer, size, inner, +)
            case .max: return Tensor.reduceDim(x, outer, size, inner) { a, b in a.isNaN ? a : (b.isNaN || b > a ? b : a) }
            case .min: return Tensor.reduceDim(x, outer, size, inner) { a, b in a.isNaN ? a : (b.isNaN || b < a ? b : a) }
            }
        }
        switch dtype {
        case .float32: return Tensor(shape: outShape, scalars: run(Float.self))
        case .float64: return Tensor(shape: outShape, scalars: run(Double.self))
        case .int64, .bool:
            let x = scalars(as: Int64.self)
            switch op {
            case .sum, .mean: return Tensor(shape: outShape, scalars: Tensor.reduceDim(x, outer, size, inner, &+))
            case .max, .min:
                let r = Tensor.reduceDim(x, outer, size, inner, op == .max ? Swift.max : Swift.min)
                return dtype == .bool ? Tensor(shape: outShape, scalars: r.map { $0 != 0 }) : Tensor(shape: outShape, scalars: r)
            }
        }
    }

    /// Reduces the given dims (negative counts from the end; none means all elements).
    public func reduce(_ op: ReductionOp, dims: [Int]? = nil, keepdim: Bool = false) -> Tensor {
        let all = dims == nil || dims!.isEmpty
        let wrapped = all ? Array(0..<rank) : dims!.map { Shape.wrapDim($0, rank: rank, op: op.rawValue) }
        precondition(all || Set(wrapped).count == wrapped.count, "\(op.rawValue): dim appears multiple times in the list of dims")
        if op == .mean {
            precondition(dtype.isFloatingPoint, "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype)")
            // The mean is the sum divided by the number of summed elements.
            let n = wrapped.reduce(1) { $0 * shape[$1] }
            return (reduce(.sum, dims: dims, keepdim: keepdim) / Double(n)).renamingGradFn(all ? "MeanBackward0" : "MeanBackward1")
        }
        var out = detach()
        if wrapped.count == rank && rank > 0 && op == .sum && (dtype == .float32 || dtype == .float64) {
            // All elements at once: one contiguous run (rows then columns would sum in another order).
            func total<T: TensorFloat>(_: T.Type) -> Tensor {
                Tensor(shape: [], scalars: [scalars(as: T.self).withUnsafeBufferPointer { pairwiseSum($0) }])
            }
            out = dtype == .float32 ? total(Float.self) : total(Double.self)
        } else if rank == 0 {
            out = op == .sum && dtype == .bool ? out.to(.int64) : out
        } else {
            for d in wrapped.sorted(by: >) { out = out.reduced(op, dim: d) }
        }
        if keepdim {
            var kept = shape
            for d in wrapped { kept[d] = 1 }
            out = out.withShape(kept)
        }
        switch op {
        case .sum:
            return out.recorded(all ? "SumBackward0" : "SumBackward1", .sum(inputShape: shape, dims: wrapped, keepdim: keepdim), [self])
        case .max, .min:
            if all { return out.recorded(op == .max ? "MaxBackward1" : "MinBackward1", .extremum(input: self, output: out), [self]) }
            return out
        case .mean:
            preconditionFailure("unreachable: mean is a scaled sum")
        }
    }

    /// Sum of all elements (rank 0), or over `dims`; bools and ints sum to int64.
    public func sum(dims: [Int]? = nil, keepdim: Bool = false) -> Tensor { reduce(.sum, dims: dims, keepdim: keepdim) }
    /// Sum over one dimension.
    public func sum(dim: Int, keepdim: Bool = false) -> Tensor { reduce(.sum, dims: [dim], keepdim: keepdim) }
    /// Mean of all elements, or over `dims` (floating point only, as in PyTorch).
    public func mean(dims: [Int]? = nil, keepdim: Bool = false) -> Tensor { reduce(.mean, dims: dims, keepdim: keepdim) }
    /// Mean over one dimension.
    public func mean(dim: Int, keepdim: Bool = false) -> Tensor { reduce(.mean, dims: [dim], keepdim: keepdim) }

    /// The largest element (rank 0); NaN if any element is NaN. Empty input is an error.
    public func max() -> Tensor {
        precondition(count > 0, "max(): Expected reduction dim to be specified for input.numel() == 0.")
        return reduce(.max)
    }
    /// The smallest element (rank 0); NaN if any element is NaN.
    public func min() -> Tensor {
        precondition(count > 0, "min(): Expected reduction dim to be specified for input.numel() == 0.")
        return reduce(.min)
    }
    /// The largest elements along `dim` and their indices (the first one on ties), as torch.max(dim).
    public func max(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremum(dim: dim, keepdim: keepdim, largest: true)
    }
    /// The smallest elements along `dim` and their indices.
    public func min(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremum(dim: dim, keepdim: keepdim, largest: false)
    }

    private func extremum(dim: Int, keepdim: Bool, largest: Bool) -> (values: Tensor, indices: Tensor) {
        let indices = argExtremum(dim: dim, keepdim: keepdim, largest: largest)
        if rank == 0 { return (self, indices) }
        let d = Shape.wrapDim(dim, rank: rank, op: largest ? "max" : "min")
        let values = detach().reduce(largest ? .max : .min, dims: [d], keepdim: keepdim)
        let rule = BackwardRule.extremumAlong(inputShape: shape, dim: d, keepdim: keepdim, indices: indices)
        return (values.recorded(largest ? "MaxBackward0" : "MinBackward0", rule, [self]), indices)
    }

    /// The flat index of the largest element (first on ties; a NaN counts as largest), as int64.
    public func argmax() -> Tensor {
        precondition(count > 0, "argmax(): Expected reduction dim to be specified for input.numel() == 0.")
        return flatten().argExtremum(dim: 0, keepdim: false, largest: true)
    }
    /// The index of the largest element along `dim`.
    public func argmax(dim: Int, keepdim: Bool = false) -> Tensor { argExtremum(dim: dim, keepdim: keepdim, largest: true) }
    /// The index of the smallest element along `dim`.
    public func argmin(dim: Int, keepdim: Bool = false) -> Tensor { argExtremum(dim: dim, keepdim: keepdim, largest: false) }

    private func argExtremum(dim: Int, keepdim: Bool, largest: Bool) -> Tensor {
        if rank == 0 { return Tensor(Int64(0)) }
        let d = Shape.wrapDim(dim, rank: rank, op: largest ? "argmax" : "argmin")
        let (outer, size, inner) = Tensor.split(shape, at: d)
        precondition(size > 0, "\(largest ? "argmax" : "argmin")(): Expected reduction dim \(d) to have non-zero size.")
        let x = scalars(as: Double.self)
        var indices = [Int64](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for j in 0..<inner {
                var best = x[o * size * inner + j]
                var bestIndex = 0
                if !best.isNaN {
                    for s in 1..<size {
                        let v = x[(o * size + s) * inner + j]
                        if v.isNaN || (largest ? v > best : v < best) {
                            best = v
                            bestIndex = s
                            if v.isNaN { break }
                        }
                    }
                }
                indices[o * inner + j] = Int64(bestIndex)
            }
        }
        var outShape = shape
        if keepdim { outShape[d] = 1 } else { outShape.remove(at: d) }
        return Tensor(shape: outShape, scalars: indices)
    }

    /// Sums a broadcast result back to `target`, the shape it was broadcast from (torch's
    /// `sum_to_size`): leading dims are summed away, dims where `target` has 1 are summed with keepdim.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(target, shape) == shape,
                     "sum(toShape:): \(Shape.describe(shape)) is not a broadcast of \(Shape.describe(target))")
        let lead = rank - target.count
        var dims = Array(0..<lead)
        for (i, size) in target.enumerated() where size == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
        let summed = dims.isEmpty ? self : sum(dims: dims, keepdim: true)
        return summed.reshaped(target)
    }
}
