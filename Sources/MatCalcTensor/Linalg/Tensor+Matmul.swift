extension Tensor {
    /// The matrix product of `self` and `other`, with `torch.matmul`'s rules.
    ///
    /// See ``matmul(_:_:)`` for the shapes.
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }

    /// The matrix product of `a` and `b`, with `torch.matmul`'s rules.
    ///
    /// Shapes, with `k` the contracted size:
    /// - `[k]` · `[k]` → `[]` (dot product)
    /// - `[m, k]` · `[k, n]` → `[m, n]`
    /// - `[k]` · `[k, n]` → `[n]` (a 1 is prepended to `a`, then removed)
    /// - `[m, k]` · `[k]` → `[m]`
    /// - `[*A, m, k]` · `[*B, k, n]` → `[broadcast(*A, *B), m, n]` when either operand has rank ≥ 3;
    ///   a 1-D operand takes part as above, with no batch dimensions.
    ///
    /// The operands are promoted with ``DType/promoted(_:_:)``. `float32` and `float64` use the
    /// GEMM kernel; `int64` accumulates in wrapping integer arithmetic; `bool` is rejected, as in
    /// PyTorch. A size-0 `k` gives zeros. Incompatible shapes are a precondition failure.
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        product(a, b, transposeA: false, transposeB: false)
            .recorded(matmulGradFnName(a.rank, b.rank), .matmul(lhs: a, rhs: b), [a, b])
    }

    /// `matmul(transposeA ? a.mT : a, transposeB ? b.mT : b)`, without copying the transposes when
    /// no graph is recorded: they become GEMM flags (`Xᵀ G` as BLAS computes it).
    ///
    /// - Shapes: a transposed operand must have rank ≥ 2; otherwise as ``matmul(_:_:)``.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        if GradMode.isEnabled && (a.requiresGrad || b.requiresGrad) {
            return (transposeA ? a.mT : a).matmul(transposeB ? b.mT : b)
        }
        return product(a, b, transposeA: transposeA, transposeB: transposeB)
    }

    /// PyTorch's grad_fn for torch.matmul, which depends on how it dispatched (mm, mv, dot, bmm).
    private static func matmulGradFnName(_ aRank: Int, _ bRank: Int) -> String {
        switch (aRank, bRank) {
        case (1, 1): "DotBackward0"
        case (2, 2): "MmBackward0"
        case (2, 1): "MvBackward0"
        case (1, 2): "SqueezeBackward4"
        case (2, _): "CloneBackward0"
        default: "UnsafeViewBackward0"
        }
    }

    /// The product's values, never recorded: `transposeA` (`transposeB`) swaps the last two
    /// dimensions of `a` (`b`), which must then have rank ≥ 2.
    static func product(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        let plan = MatmulPlan(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        let dtype = DType.promoted(a.dtype, b.dtype)
        switch dtype {
        case .float32:
            return Tensor(shape: plan.outShape, scalars: plan.run(a.scalars(as: Float.self), b.scalars(as: Float.self)))
        case .float64:
            return Tensor(shape: plan.outShape, scalars: plan.run(a.scalars(as: Double.self), b.scalars(as: Double.self)))
        case .int64:
            return Tensor(shape: plan.outShape, scalars: plan.runInt64(a.scalars(as: Int64.self), b.scalars(as: Int64.self)))
        case .bool:
            preconditionFailure("matmul: not implemented for 'Bool'")
        }
    }
}

/// The shapes, strides and batch layout of one `matmul` call, worked out before touching data.
struct MatmulPlan {
    let outShape: [Int]
    let m: Int, n: Int, k: Int
    /// Leading dimensions and transposition of the stored matrices, in `gemm`'s terms.
    let lda: Int, ldb: Int, transA: Bool, transB: Bool
    /// For each output matrix, the element offset of its `A` and `B` operands.
    let aOffsets: [Int], bOffsets: [Int]
    /// The number of output matrices.
    let batchCount: Int

    init(_ aShape: [Int], _ bShape: [Int], transposeA: Bool, transposeB: Bool) {
        precondition(
            !aShape.isEmpty && !bShape.isEmpty,
            "matmul: both arguments need to be at least 1-D, got shapes \(Shape.describe(aShape)) and \(Shape.describe(bShape))")
        precondition(!transposeA || aShape.count >= 2, "matmul: cannot transpose the 1-D tensor \(Shape.describe(aShape))")
        precondition(!transposeB || bShape.count >= 2, "matmul: cannot transpose the 1-D tensor \(Shape.describe(bShape))")

        // A 1-D `a` is a 1×k row, a 1-D `b` a k×1 column; neither has batch dimensions.
        let aRows = aShape.count == 1 ? 1 : aShape[aShape.count - 2]
        let aCols = aShape[aShape.count - 1]
        let bRows = bShape.count == 1 ? bShape[0] : bShape[bShape.count - 2]
        let bCols = bShape.count == 1 ? 1 : bShape[bShape.count - 1]
        let aBatch = Array(aShape.dropLast(min(2, aShape.count)))
        let bBatch = Array(bShape.dropLast(min(2, bShape.count)))

        m = transposeA ? aCols : aRows
        k = transposeA ? aRows : aCols
        n = transposeB ? bRows : bCols
        let kB = transposeB ? bCols : bRows
        if k != kB {
            func logical(_ s: [Int], _ t: Bool) -> String {
                t ? Shape.describe(s.dropLast(2) + [s[s.count - 1], s[s.count - 2]]) : Shape.describe(s)
            }
            preconditionFailure(
                "matmul: shapes \(logical(aShape, transposeA)) and \(logical(bShape, transposeB)) cannot be multiplied (\(k) ≠ \(kB))")
        }
        lda = aCols
        ldb = bCols
        transA = transposeA
        transB = transposeB
        // Two matrices, the common case: no batch to work out.
        if aShape.count == 2 && bShape.count == 2 {
            outShape = [m, n]
            batchCount = 1
            aOffsets = [0]
            bOffsets = [0]
            return
        }
        guard let batch = Shape.broadcast(aBatch, bBatch) else {
            preconditionFailure(
                "matmul: the batch dimensions of shapes \(Shape.describe(aShape)) and \(Shape.describe(bShape)) cannot be broadcast")
        }
        outShape = batch + (aShape.count == 1 ? [] : [m]) + (bShape.count == 1 ? [] : [n])
        batchCount = Shape.count(batch)
        let aSize = aRows * aCols, bSize = bRows * bCols
        aOffsets = BatchIndex.matrixIndices(aBatch, broadcastTo: batch).map { $0 * aSize }
        bOffsets = BatchIndex.matrixIndices(bBatch, broadcastTo: batch).map { $0 * bSize }
    }

    /// The row-major output elements for floating-point operands.
    func run<T: TensorFloat>(_ a: [T], _ b: [T]) -> [T] {
        let outCount = batchCount * m * n
        if outCount == 0 { return [] }
        if k == 0 { return [T](repeating: 0, count: outCount) }
        let aMatrices = aOffsets, bMatrices = bOffsets
        // `gemm` with beta = 0 writes every element of C without reading it: no zero fill first.
        return uninitializedBuffer(outCount) { cp in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    let a0 = ap.baseAddress!, b0 = bp.baseAddress!, c0 = cp.baseAddress!
                    let sameB = bMatrices.allSatisfy { $0 == 0 }
                    if batchCount > 1 && !transA && sameB && aMatrices == Array(stride(from: 0, to: batchCount * m * k, by: m * k)) {
                        // Every output matrix uses the same B and consecutive A's: one tall GEMM.
                        gemm(m: batchCount * m, n: n, k: k, a: a0, lda: lda, b: b0, ldb: ldb, transB: transB, c: c0, ldc: n)
                    } else {
                        for batch in 0..<batchCount {
                            gemm(
                                m: m, n: n, k: k,
                                a: a0 + aMatrices[batch], lda: lda, transA: transA,
                                b: b0 + bMatrices[batch], ldb: ldb, transB: transB,
                                c: c0 + batch * m * n, ldc: n)
                        }
                    }
                }
            }
        }
    }

    /// The row-major output elements for int64 operands (wrapping arithmetic).
    func runInt64(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        let outCount = batchCount * m * n
        var out = [Int64](repeating: 0, count: outCount)
        if outCount == 0 || k == 0 { return out }
        // Element (i, p) of op(A) is at i·aRow + p·aCol; likewise for op(B).
        let (aRow, aCol) = transA ? (1, lda) : (lda, 1)
        let (bRow, bCol) = transB ? (1, ldb) : (ldb, 1)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { cp in
                    for batch in 0..<batchCount {
                        let aBase = ap.baseAddress! + aOffsets[batch]
                        let bBase = bp.baseAddress! + bOffsets[batch]
                        let cBase = cp.baseAddress! + batch * m * n
                        for i in 0..<m {
                            let ci = cBase + i * n
                            for p in 0..<k {
                                let aip = aBase[i * aRow + p * aCol]
                                let bp = bBase + p * bRow
                                for j in 0..<n { ci[j] = ci[j] &+ aip &* bp[j * bCol] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
