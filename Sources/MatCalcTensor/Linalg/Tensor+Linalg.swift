// Matrix functions with PyTorch's names and semantics: trace, diag, vector norms, and the
// LU-based det, slogdet, logdet, inverse and solve.

// MARK: - Trace and diagonal

extension Tensor {
    /// The sum of the main diagonal of a matrix (`torch.trace`).
    ///
    /// Shapes: `[m, n]` → `[]`. Floating-point tensors keep their dtype; `int64` and `bool`
    /// give `int64`, as PyTorch's sum does. The trace of an empty matrix is 0.
    private func traceForward() -> Tensor {
        precondition(rank == 2, "trace: expected a matrix (2-D tensor), got shape \(Shape.describe(shape))")
        let rows = shape[0], cols = shape[1]
        let diagonal = (0..<Swift.min(rows, cols)).map { $0 * cols + $0 }
        switch storage {
        case .float32(let v):
            // Accumulating in Double keeps long float32 diagonals accurate.
            return Tensor(Float(diagonal.reduce(0.0) { $0 + Double(v[$1]) }))
        case .float64(let v):
            return Tensor(diagonal.reduce(0.0) { $0 + v[$1] })
        case .int64(let v):
            return Tensor(diagonal.reduce(Int64(0)) { $0 &+ v[$1] })
        case .bool(let v):
            return Tensor(Int64(diagonal.reduce(0) { $0 + (v[$1] ? 1 : 0) }))
        }
    }

    /// The diagonal matrix of a vector, or the main diagonal of a matrix (`torch.diag`, offset 0).
    ///
    /// Shapes: `[n]` → `[n, n]` (zeros off the diagonal); `[m, n]` → `[Swift.min(m, n)]`.
    /// The dtype is unchanged.
    private func diagForward() -> Tensor {
        precondition(
            rank == 1 || rank == 2, "diag: expected a 1-D or 2-D tensor, got shape \(Shape.describe(shape))")
        if rank == 1 {
            let n = shape[0]
            func embed<T: TensorScalar>(_ v: [T]) -> [T] {
                var out = [T](repeating: T(converting: 0), count: n * n)
                for i in 0..<n { out[i * n + i] = v[i] }
                return out
            }
            return Tensor(shape: [n, n], storage: storage.mapBuffer(embed, embed, embed, embed))
        }
        let rows = shape[0], cols = shape[1]
        func extract<T: TensorScalar>(_ v: [T]) -> [T] { (0..<Swift.min(rows, cols)).map { v[$0 * cols + $0] } }
        return Tensor(shape: [Swift.min(rows, cols)], storage: storage.mapBuffer(extract, extract, extract, extract))
    }
}


// MARK: - Norms

extension Tensor {
    /// The vector p-norm of all elements, `(Σ|x|ᵖ)^(1/p)` (`torch.linalg.vector_norm`).
    ///
    /// Shapes: any → `[]`, in the tensor's floating dtype (`int64`/`bool` give `float32`).
    /// `p = 2` is the Euclidean (for a matrix, Frobenius) norm, `1` the sum of magnitudes,
    /// `.infinity` the largest magnitude, `-.infinity` the smallest, `0` the number of nonzero
    /// elements; other `p`, negative included, use the formula. The result does not overflow
    /// or underflow unless the norm itself does. NaN elements give NaN.
    /// An empty tensor's norm is 0; for `p < 0` it has none (precondition failure).
    private func normForward(p: Double) -> Tensor {
        precondition(!p.isNaN, "norm: p must not be NaN")
        precondition(!(isEmpty && p < 0), "norm: the \(p) norm of an empty tensor is undefined")
        let value = Tensor.euclideanNormFastPath(self, p: p) ?? Tensor.vectorNorm(scalars(as: Double.self), p: p)
        return Tensor(shape: [], storage: TensorStorage.float64([value]).converted(to: dtype.floatingPromoted))
    }

    /// The 2-norm of a float tensor in one pass, squares summed in Double by 4 running sums; nil when
    /// that sum under- or overflows (0 or ∞ with nonzero input), which the scaled general path handles.
    private static func euclideanNormFastPath(_ x: Tensor, p: Double) -> Double? {
        guard p == 2 else { return nil }
        func sumOfSquares<T: TensorFloat>(_ values: [T]) -> Double {
            values.withUnsafeBufferPointer { v in
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                var i = 0
                while i + 4 <= v.count {
                    let a = v[i].doubleValue, b = v[i + 1].doubleValue, c = v[i + 2].doubleValue, d = v[i + 3].doubleValue
                    s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d
                    i += 4
                }
                while i < v.count { let a = v[i].doubleValue; s0 += a * a; i += 1 }
                return (s0 + s1) + (s2 + s3)
            }
        }
        let sum: Double
        switch x.dtype {
        case .float32: sum = sumOfSquares(x.scalars(as: Float.self))
        case .float64: sum = sumOfSquares(x.scalars(as: Double.self))
        case .int64, .bool: return nil
        }
        return sum.isFinite && sum != 0 ? sum.squareRoot() : nil
    }

    /// The Frobenius norm, `sqrt(Σ x²)` over all elements: ``norm(p:)`` with `p = 2`.
    ///
    /// Shapes: any → `[]`.
    public func frobeniusNorm() -> Tensor { norm(p: 2) }

    private static func vectorNorm(_ x: [Double], p: Double) -> Double {
        switch p {
        case .infinity:
            var m = 0.0
            for v in x {
                if v.isNaN { return .nan }
                m = Swift.max(m, v.magnitude)
            }
            return m
        case -.infinity:
            var m = Double.infinity
            for v in x {
                if v.isNaN { return .nan }
                m = Swift.min(m, v.magnitude)
            }
            return m
        case 0:
            var nonzero = 0.0
            for v in x where v != 0 { nonzero += 1 }  // NaN ≠ 0 counts, as in PyTorch
            return nonzero
        case 1:
            return x.reduce(0) { $0 + $1.magnitude }
        default:
            let direct = powerSum(x, p: p, scale: 1)
            // A zero or infinite result of Σ|x|ᵖ may be under/overflow of the terms rather than
            // of the norm; recompute with every element divided by the largest magnitude.
            if p < 0 || (direct.isFinite && direct != 0) { return direct }
            let scale = vectorNorm(x, p: .infinity)
            if scale == 0 || !scale.isFinite { return scale }
            return scale * powerSum(x, p: p, scale: scale)
        }
    }

    /// `(Σ|x/scale|ᵖ)^(1/p)`.
    private static func powerSum(_ x: [Double], p: Double, scale: Double) -> Double {
        if p == 2 {
            let s = x.reduce(0) { $0 + ($1 / scale) * ($1 / scale) }
            return s.squareRoot()
        }
        let s = x.reduce(0) { $0 + Double.pow(($1 / scale).magnitude, p) }
        return Double.pow(s, 1 / p)
    }
}

// MARK: - LU-based functions

extension Tensor {
    /// The determinant of a square matrix, or of each matrix in a batch (`torch.linalg.det`).
    ///
    /// Shapes: `[*, n, n]` → `[*]`; floating point only. Computed by LU with partial pivoting;
    /// a singular matrix gives 0, and a `0×0` matrix 1.
    private func detForward() -> Tensor {
        let (batch, n, count) = squareBatchShape("det")
        switch storage {
        case .float32(let v): return Tensor(shape: batch, scalars: Tensor.eachLU(v, n: n, count: count) { $0.determinant(lu: $1, n: n) })
        case .float64(let v): return Tensor(shape: batch, scalars: Tensor.eachLU(v, n: n, count: count) { $0.determinant(lu: $1, n: n) })
        case .int64, .bool: preconditionFailure("unreachable: dtype checked")
        }
    }

    /// The sign and the log of the absolute value of the determinant (`torch.linalg.slogdet`).
    ///
    /// Shapes: `[*, n, n]` → `([*], [*])`; floating point only. `det = sign · exp(logAbsDet)`
    /// without the overflow of computing `det` first. A singular matrix gives
    /// `(0, -inf)`.
    private func slogdetForward() -> (sign: Tensor, logAbsDet: Tensor) {
        let (batch, n, count) = squareBatchShape("slogdet")
        func split<T: TensorFloat>(_ v: [T]) -> (sign: Tensor, logAbsDet: Tensor) {
            let pairs = Tensor.eachLU(v, n: n, count: count) { $0.signAndLogAbsDeterminant(lu: $1, n: n) }
            return (Tensor(shape: batch, scalars: pairs.map(\.sign)), Tensor(shape: batch, scalars: pairs.map(\.logAbs)))
        }
        switch storage {
        case .float32(let v): return split(v)
        case .float64(let v): return split(v)
        case .int64, .bool: preconditionFailure("unreachable: dtype checked")
        }
    }

    /// The natural log of the determinant (`torch.logdet`).
    ///
    /// Shapes: `[*, n, n]` → `[*]`; floating point only. As in PyTorch, a negative
    /// determinant gives NaN and a zero determinant `-inf`.
    private func logdetForward() -> Tensor {
        let (batch, n, count) = squareBatchShape("logdet")
        func logDet<T: TensorFloat>(_ v: [T]) -> [T] {
            Tensor.eachLU(v, n: n, count: count) { lu, a in
                let (sign, logAbs) = lu.signAndLogAbsDeterminant(lu: a, n: n)
                return sign < 0 ? .nan : sign == 0 ? -.infinity : logAbs
            }
        }
        switch storage {
        case .float32(let v): return Tensor(shape: batch, scalars: logDet(v))
        case .float64(let v): return Tensor(shape: batch, scalars: logDet(v))
        case .int64, .bool: preconditionFailure("unreachable: dtype checked")
        }
    }

    /// The inverse of a square matrix, or of each matrix in a batch (`torch.linalg.inv`).
    ///
    /// Shapes: `[*, n, n]` → `[*, n, n]`; floating point only. Computed by LU with partial
    /// pivoting.
    /// - Throws: ``TensorError/singularMatrix(operation:shape:)`` when a pivot is zero,
    ///   non-finite, or so small that its reciprocal overflows.
    private func inverseForward() throws -> Tensor {
        let (_, n, count) = squareBatchShape("inverse")
        func invert<T: TensorFloat>(_ v: [T]) throws -> [T] {
            // Solving A·X = I column block by column block: X starts as I and becomes A⁻¹.
            var out = [T](repeating: 0, count: v.count)
            for m in 0..<count {
                for i in 0..<n { out[m * n * n + i * n + i] = 1 }
            }
            try Tensor.eachLUSolve(
                v, n: n, count: count, into: &out, nrhs: n, rhsIndex: { CollectionOfOne($0) },
                op: "inverse", shape: shape)
            return out
        }
        switch storage {
        case .float32(let v): return Tensor(shape: shape, scalars: try invert(v))
        case .float64(let v): return Tensor(shape: shape, scalars: try invert(v))
        case .int64, .bool: preconditionFailure("unreachable: dtype checked")
        }
    }

    /// The solution `X` of `A·X = B`, with `self` as `A` (`torch.linalg.solve`).
    ///
    /// Shapes: `A` is `[*, n, n]`. `B` is a vector of `[*, n]` when it is 1-D or has exactly
    /// the shape `A.shape.dropLast()`; `X` then has `B`'s shape. Otherwise `B` is `[*, n, k]`
    /// and `X` is `[*, n, k]`. Batch dimensions broadcast. The operands are promoted with
    /// ``DType/promoted(_:_:)`` and the result must be floating point.
    /// - Throws: ``TensorError/singularMatrix(operation:shape:)`` when `A` (or a matrix of its
    ///   batch) is singular to working precision.
    private func solveForward(_ b: Tensor) throws -> Tensor {
        let dtype = DType.promoted(self.dtype, b.dtype)
        precondition(
            dtype.isFloatingPoint,
            "solve: expected floating point tensors, got \(self.dtype) and \(b.dtype)")
        let a = self.to(dtype), rhs = b.to(dtype)
        let (aBatch, n, aCount) = a.squareBatchShape("solve")
        let isVector = b.rank == 1 || (b.rank == rank - 1 && b.shape == Array(shape.dropLast()))
        let rhsShape = isVector ? b.shape + [1] : b.shape
        precondition(
            rhsShape.count >= 2 && rhsShape[rhsShape.count - 2] == n,
            "solve: incompatible shapes of A and B for the equation AX = B (\(Shape.describe(shape)) and \(Shape.describe(b.shape)))")
        let k = rhsShape[rhsShape.count - 1]
        let bBatch = Array(rhsShape.dropLast(2))
        guard let batch = Shape.broadcast(aBatch, bBatch) else {
            preconditionFailure(
                "solve: the batch dimensions of shapes \(Shape.describe(shape)) and \(Shape.describe(b.shape)) cannot be broadcast")
        }
        let outShape = isVector ? batch + [n] : batch + [n, k]
        let aIndex = BatchIndex.matrixIndices(aBatch, broadcastTo: batch)
        let bIndex = BatchIndex.matrixIndices(bBatch, broadcastTo: batch)
        let inputShape = shape

        func run<T: TensorFloat>(_ a: [T], _ rhs: [T]) throws -> [T] {
            // Each output matrix starts as its (broadcast) B and is overwritten by the solution.
            var out = [T]()
            out.reserveCapacity(bIndex.count * n * k)
            for i in bIndex { out += rhs[(i * n * k)..<((i + 1) * n * k)] }
            // `eachLUSolve` walks the A matrices; each owns the output matrices mapped to it.
            var owners = [[Int]](repeating: [], count: aCount)
            for (o, i) in aIndex.enumerated() { owners[i].append(o) }
            try Tensor.eachLUSolve(
                a, n: n, count: aCount, into: &out, nrhs: k, rhsIndex: { owners[$0] },
                op: "solve", shape: inputShape)
            return out
        }
        switch (a.storage, rhs.storage) {
        case (.float32(let av), .float32(let bv)): return Tensor(shape: outShape, scalars: try run(av, bv))
        case (.float64(let av), .float64(let bv)): return Tensor(shape: outShape, scalars: try run(av, bv))
        default: preconditionFailure("unreachable: dtypes promoted")
        }
    }

    /// Checks that the tensor is a floating-point `[*, n, n]` batch; returns `*`, `n` and the
    /// number of matrices.
    private func squareBatchShape(_ op: String) -> (batch: [Int], n: Int, count: Int) {
        precondition(dtype.isFloatingPoint, "\(op): expected a floating point tensor, got \(dtype)")
        precondition(
            rank >= 2 && shape[rank - 1] == shape[rank - 2],
            "\(op): expected a square matrix, got \(Shape.describe(shape))")
        let batch = Array(shape.dropLast(2))
        return (batch, shape[rank - 1], Shape.count(batch))
    }

    /// Factors each `n×n` matrix of the row-major batch `values` and maps its factorization
    /// (with a pointer to the factors) to a result.
    private static func eachLU<T: TensorFloat, R>(
        _ values: [T], n: Int, count: Int, _ body: (LUFactorization<T>, UnsafePointer<T>) -> R
    ) -> [R] {
        if n == 0 {
            // A 0×0 matrix has the empty factorization (det 1); its factors are never read.
            return withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { dummy in
                let empty = LUFactorization(factoring: dummy.baseAddress!, n: 0)
                return [R](repeating: body(empty, UnsafePointer(dummy.baseAddress!)), count: count)
            }
        }
        var work = values
        return work.withUnsafeMutableBufferPointer { w in
            (0..<count).map { m in
                let a = w.baseAddress! + m * n * n
                return body(LUFactorization(factoring: a, n: n), UnsafePointer(a))
            }
        }
    }

    /// Factors each of the `count` `n×n` matrices of `values` and, with the factors of matrix
    /// `m`, solves in place the `n×nrhs` matrices of `out` listed by `rhsIndex(m)`.
    /// Throws on a singular matrix, even when it has no right-hand side.
    private static func eachLUSolve<T: TensorFloat, S: Sequence<Int>>(
        _ values: [T], n: Int, count: Int, into out: inout [T], nrhs: Int, rhsIndex: (Int) -> S,
        op: String, shape: [Int]
    ) throws {
        if n == 0 || count == 0 { return }
        var work = values
        try work.withUnsafeMutableBufferPointer { w in
            try out.withUnsafeMutableBufferPointer { o in
                for m in 0..<count {
                    let a = w.baseAddress! + m * n * n
                    let lu = LUFactorization(factoring: a, n: n)
                    if lu.isSingular { throw TensorError.singularMatrix(operation: op, shape: shape) }
                    if nrhs == 0 { continue }
                    for r in rhsIndex(m) {
                        lu.solve(lu: a, n: n, b: o.baseAddress! + r * n * nrhs, nrhs: nrhs)
                    }
                }
            }
        }
    }
}

// The public, differentiable entry points: each computes with the forward kernel above and records
// its one backward rule (BackwardRules.swift). The forward functions' comments give the details.
extension Tensor {
    /// The sum of the main diagonal of a matrix (`torch.trace`): `[m, n]` → `[]`.
    public func trace() -> Tensor {
        traceForward().recorded("TraceBackward0", .trace(inputShape: shape), [self])
    }

    /// The diagonal matrix of a vector (`[n]` → `[n, n]`), or the main diagonal of a matrix
    /// (`[m, n]` → `[min(m, n)]`), as `torch.diag`.
    public func diag() -> Tensor {
        rank == 1
            ? diagForward().recorded("DiagEmbedBackward0", .diagEmbed, [self])
            : diagForward().recorded("DiagonalBackward0_copy", .diagonal(inputShape: shape), [self])
    }

    /// The vector p-norm of all elements (`torch.linalg.vector_norm`): any shape → `[]`.
    /// At x = 0 the gradient is the subgradient 0, as in PyTorch.
    public func norm(p: Double = 2) -> Tensor {
        let out = normForward(p: p)
        return out.recorded("LinalgVectorNormBackward0", .norm(input: self, output: out, p: p), [self])
    }

    /// The determinant of a square matrix or a batch of them (`torch.linalg.det`): `[*, n, n]` → `[*]`.
    /// Its gradient det(A)·A⁻ᵀ needs A invertible; backward throws for a singular A.
    public func det() -> Tensor {
        let out = detForward()
        return out.recorded("LinalgDetBackward0", .det(input: self, output: out), [self])
    }

    /// The sign and log |det| of a square matrix or batch (`torch.linalg.slogdet`): `[*, n, n]` → `([*], [*])`.
    public func slogdet() -> (sign: Tensor, logAbsDet: Tensor) {
        let (sign, logAbs) = slogdetForward()
        return (sign, logAbs.recorded("LinalgSlogdetBackward0", .logAbsDet(input: self), [self]))
    }

    /// The natural log of the determinant (`torch.logdet`): `[*, n, n]` → `[*]`; NaN for a negative
    /// determinant, −inf for a zero one.
    public func logdet() -> Tensor {
        // PyTorch computes logdet through slogdet and a where() that maps negative signs to NaN.
        logdetForward().recorded("WhereBackward0", .logAbsDet(input: self), [self])
    }

    /// The inverse of a square matrix or batch (`torch.linalg.inv`): `[*, n, n]` → `[*, n, n]`.
    /// - Throws: ``TensorError/singularMatrix(operation:shape:)`` for a singular matrix.
    public func inverse() throws -> Tensor {
        let out = try inverseForward()
        return out.recorded("LinalgInvExBackward0", .inverse(input: self, output: out), [self])
    }

    /// The k-th power of a square matrix or batch (`torch.linalg.matrix_power`): `[*, n, n]` → `[*, n, n]`.
    /// k = 0 gives the identity, a negative k the power of the inverse. Composed of matmuls (by repeated
    /// squaring, ⌈log₂ k⌉ + popcount(k) − 1 products), so its gradient comes from theirs.
    /// - Throws: ``TensorError/singularMatrix(operation:shape:)`` for a negative k and a singular matrix.
    public func matrixPower(_ k: Int) throws -> Tensor {
        guard rank >= 2, shape[rank - 1] == shape[rank - 2] else {
            throw TensorError.invalidArgument("matrixPower: expected a square matrix or a batch of them, got shape \(shape)")
        }
        if k == 0 { return Tensor.eye(shape[rank - 1], dtype: dtype).expand(shape) }
        var base = k < 0 ? try inverse() : self
        var remaining = k.magnitude
        var result: Tensor? = nil
        while true {
            if remaining & 1 == 1 { result = result.map { $0.matmul(base) } ?? base }
            remaining >>= 1
            if remaining == 0 { return result! }
            base = base.matmul(base)
        }
    }

    /// The solution X of A·X = B with `self` as A (`torch.linalg.solve`): B is `[*, n]` or `[*, n, k]`.
    /// - Throws: ``TensorError/singularMatrix(operation:shape:)`` for a singular A.
    public func solve(_ b: Tensor) throws -> Tensor {
        let out = try solveForward(b)
        return out.recorded("LinalgSolveExBackward0", .solve(a: self, b: b, x: out), [self, b])
    }
}
