import Testing
@testable import MatCalcTensor

// Expected values were computed with NumPy (float64 unless noted) and pasted as literals.

/// Checks shape, dtype and every element within `atol + rtol·|expected|` (NaN matches NaN,
/// infinities must match exactly).
private func expectClose(
    _ t: Tensor, _ expected: [Double], shape: [Int], dtype: DType? = nil,
    rtol: Double = 1e-12, atol: Double = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(t.shape == shape, "shape", sourceLocation: sourceLocation)
    if let dtype { #expect(t.dtype == dtype, "dtype", sourceLocation: sourceLocation) }
    let actual = t.scalars(as: Double.self)
    guard actual.count == expected.count else {
        Issue.record("count \(actual.count) ≠ \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let ok: Bool
        if e.isNaN { ok = a.isNaN } else if e.isInfinite { ok = a == e } else { ok = (a - e).magnitude <= atol + rtol * e.magnitude }
        #expect(ok, "element \(i): \(a) vs expected \(e)", sourceLocation: sourceLocation)
    }
}

/// Deterministic values in [-1, 1) from a linear congruential generator.
private func pseudoRandom(_ count: Int, seed: UInt64) -> [Double] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 52) - 1
    }
}

// Inputs whose products are exact in binary floating point, shared with the NumPy script.
private func f(_ count: Int) -> [Double] { (0..<count).map { Double(($0 * 7) % 11 - 5) / 4 } }
private func g(_ count: Int) -> [Double] { (0..<count).map { Double(($0 * 5) % 13 - 6) / 8 } }

private let a23: [[Double]] = [[0.1, -1.3, 2.7], [3.3, 0.25, -0.7]]
private let b32: [[Double]] = [[1.1, 0.2], [-0.4, 2.5], [0.9, -1.6]]

@Suite struct MatmulTests {
    @Test func dotOfVectors() {
        let d = Tensor([1.0, 2.0, 3.0] as [Double]).matmul(Tensor([4.0, 5.0, 6.0] as [Double]))
        expectClose(d, [32], shape: [], dtype: .float64)
    }

    @Test func matrixTimesMatrix() {
        expectClose(
            Tensor(a23).matmul(Tensor(b32)),
            [3.0600000000000005, -7.550000000000001, 2.9, 2.4050000000000002], shape: [2, 2], dtype: .float64)
        let a32 = Tensor(a23).to(.float32), b32f = Tensor(b32).to(.float32)
        expectClose(
            Tensor.matmul(a32, b32f),
            [3.059999942779541, -7.549999713897705, 2.9000003337860107, 2.4049999713897705],
            shape: [2, 2], dtype: .float32, rtol: 1e-6)
    }

    @Test func vectorTimesMatrixAndMatrixTimesVector() {
        expectClose(Tensor([0.5, -1.5, 2.0] as [Double]).matmul(Tensor(b32)), [2.95, -6.85], shape: [2])
        expectClose(Tensor(a23).matmul(Tensor([1.5, -0.5, 0.25] as [Double])), [1.475, 4.6499999999999995], shape: [2])
    }

    @Test func batchedTimesMatrixAndMatrixTimesBatched() {
        let a3 = Tensor(shape: [2, 2, 3], scalars: f(12))
        expectClose(
            a3.matmul(Tensor(b32)),
            [-2.025, 1.8, 0.5999999999999999, 2.075, 0.20000000000000007, 1.8, -0.19999999999999998, 1.5250000000000001],
            shape: [2, 2, 2])
        let b3 = Tensor(shape: [2, 3, 2], scalars: g(12))
        expectClose(
            Tensor(a23).matmul(b3),
            [-0.38750000000000007, 2.6625, -2.4374999999999996, -1.0625, 2.475, -0.9750000000000001, -1.41875, 1.4999999999999998],
            shape: [2, 2, 2])
    }

    @Test func vectorWithBatches() {
        let v = Tensor([1.0, -2.0, 0.5, 3.0] as [Double])
        expectClose(
            v.matmul(Tensor(shape: [2, 4, 3], scalars: g(24))),
            [0.125, 1.6875, -2.4375, -2.25, 0.125, 1.6875], shape: [2, 3])
        expectClose(
            Tensor(shape: [2, 3, 4], scalars: f(24)).matmul(v),
            [1.25, 2.25, -6.375, 2.875, -5.75, 2.125], shape: [2, 3])
    }

    @Test(arguments: [DType.float32, .float64])
    func broadcastBatchDimensions(dtype: DType) {
        let a = Tensor(shape: [2, 1, 3, 4], scalars: f(24)).to(dtype)
        let b = Tensor(shape: [5, 4, 2], scalars: g(40)).to(dtype)
        let expected: [Double] = [
            0.8125, 0.0, -0.4375, 1.09375, 1.40625, -0.90625, 0.8125, 0.8125, -0.375, -0.46875, 1.1875, -0.71875,
            0.8125, 0.8125, -0.3125, -0.40625, 0.96875, -0.9375, 0.0, 0.8125, 0.96875, -0.34375, -0.46875, -1.15625,
            0.0, -1.21875, 1.03125, -0.28125, -0.6875, 0.65625, -0.53125, 1.21875, 1.3125, -0.78125, -0.96875,
            -0.71875, -0.34375, -0.625, 1.21875, -0.875, -1.0, 1.28125, -0.15625, -0.4375, 1.125, -0.96875, -1.03125,
            1.25, 0.84375, -0.25, -0.59375, -1.0625, -0.65625, 1.21875, 1.03125, -0.46875, -0.6875, 0.46875,
            -0.6875, 0.375,
        ]
        // Exact binary fractions: float32 and float64 both get the exact products.
        expectClose(a.matmul(b), expected, shape: [2, 5, 3, 2], dtype: dtype, rtol: 0, atol: 0)
    }

    @Test func dtypePromotionAndIntegers() {
        let i = Tensor([[1, 2], [3, 4]] as [[Int64]])
        let j = Tensor([[5, -6], [7, 8]] as [[Int64]])
        let p = i.matmul(j)
        #expect(p.dtype == .int64)
        #expect(p.scalars(as: Int64.self) == [19, 10, 43, 14])
        #expect(Tensor([2, 3] as [Int64]).matmul(Tensor([4, 5] as [Int64])).item(as: Int64.self) == 23)
        let mixed = i.matmul(Tensor([[0.5], [0.25]] as [[Float]]))
        expectClose(mixed, [1, 2.5], shape: [2, 1], dtype: .float32)
        let wide = Tensor([[0.5, 1]] as [[Float]]).matmul(Tensor([[2], [3]] as [[Double]]))
        expectClose(wide, [4], shape: [1, 1], dtype: .float64)
        // Integer accumulation wraps, as PyTorch's int64 matmul does.
        let big = Tensor([Int64.max, 2]).matmul(Tensor([1, 1] as [Int64]))
        #expect(big.item(as: Int64.self) == Int64.min + 1)
    }

    @Test func emptyDimensions() {
        // k = 0: a sum over nothing.
        let z = Tensor(shape: [3, 0], scalars: [Double]()).matmul(Tensor(shape: [0, 4], scalars: [Double]()))
        expectClose(z, [Double](repeating: 0, count: 12), shape: [3, 4])
        let zi = Tensor(shape: [2, 0], scalars: [Int64]()).matmul(Tensor(shape: [0, 2], scalars: [Int64]()))
        #expect(zi.shape == [2, 2] && zi.scalars(as: Int64.self) == [0, 0, 0, 0])
        #expect(Tensor(shape: [0], scalars: [Float]()).matmul(Tensor(shape: [0], scalars: [Float]())) == Tensor(Float(0)))
        // m = 0, n = 0, empty batch.
        #expect(Tensor(shape: [0, 3], scalars: [Float]()).matmul(Tensor(shape: [3, 4], scalars: [Float](repeating: 1, count: 12))).shape == [0, 4])
        #expect(Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6)).matmul(Tensor(shape: [3, 0], scalars: [Float]())).shape == [2, 0])
        let emptyBatch = Tensor(shape: [0, 2, 3], scalars: [Double]()).matmul(Tensor(shape: [4, 1, 3, 5], scalars: [Double](repeating: 1, count: 60)))
        #expect(emptyBatch.shape == [4, 0, 2, 5] && emptyBatch.isEmpty)
    }

    @Test func transposedOperandsWithoutCopy() {
        // The transposes, written out: a23ᵀ is 3×2, b32ᵀ is 2×3.
        let at = Tensor([[0.1, 3.3], [-1.3, 0.25], [2.7, -0.7]] as [[Double]])
        let bt = Tensor([[1.1, -0.4, 0.9], [0.2, 2.5, -1.6]] as [[Double]])
        let expected = Tensor(a23).matmul(Tensor(b32)).scalars(as: Double.self)
        expectClose(Tensor.matmul(at, Tensor(b32), transposeA: true, transposeB: false), expected, shape: [2, 2])
        expectClose(Tensor.matmul(Tensor(a23), bt, transposeA: false, transposeB: true), expected, shape: [2, 2])
        expectClose(Tensor.matmul(at, bt, transposeA: true, transposeB: true), expected, shape: [2, 2])
        // Batched, with a vector on the other side, and for int64.
        let batch = Tensor(shape: [2, 3, 2], scalars: f(12))
        let v = Tensor([1.0, -2.0, 0.5] as [Double])
        let viaT = Tensor.matmul(batch, v, transposeA: true, transposeB: false)
        expectClose(viaT, [-0.125, -2.375, 2.875, -2.125], shape: [2, 2])
        let ints = Tensor([[1, 2], [3, 4]] as [[Int64]])
        #expect(Tensor.matmul(ints, ints, transposeA: true, transposeB: false).scalars(as: Int64.self) == [10, 14, 14, 20])
        #expect(Tensor.matmul(ints, ints, transposeA: false, transposeB: true).scalars(as: Int64.self) == [5, 11, 11, 25])
    }

    @Test func shapeMismatchIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(shape: [10, 4], scalars: [Float](repeating: 0, count: 40))
                .matmul(Tensor(shape: [5, 4], scalars: [Float](repeating: 0, count: 20)))
        }.map { result in
            let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(stderr.contains("matmul: shapes [10, 4] and [5, 4] cannot be multiplied (4 ≠ 5)"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([true, false]).matmul(Tensor([true, true]))
        }.map { result in
            let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(stderr.contains("not implemented for 'Bool'"))
        }
    }
}

@Suite struct GEMMKernelTests {
    /// C = alpha·op(A)·op(B) + beta·C by the definition, in Double.
    private func naive(
        m: Int, n: Int, k: Int, a: [Double], lda: Int, transA: Bool, b: [Double], ldb: Int, transB: Bool,
        c: [Double], ldc: Int, alpha: Double, beta: Double
    ) -> [Double] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += x * y
                }
                out[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
        return out
    }

    private func check<T: TensorFloat>(
        _: T.Type, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, pad: Int, alpha: Double, beta: Double,
        tolerance: Double, builtin: Bool = false
    ) {
        // Leading dimensions `pad` larger than needed exercise the strided access.
        let lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad
        let a = pseudoRandom((transA ? k : m) * lda, seed: 1)
        let b = pseudoRandom((transB ? n : k) * ldb, seed: 2)
        var c = pseudoRandom(m * ldc, seed: 3)
        if beta == 0 { c[0] = .nan }  // must be overwritten, not read
        let expected = naive(
            m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
            c: c, ldc: ldc, alpha: alpha, beta: beta)
        let at = a.map { T(converting: $0) }, bt = b.map { T(converting: $0) }
        var ct = c.map { T(converting: $0) }
        ct.withUnsafeMutableBufferPointer { cp in
            // `gemm` hands products past the threshold to the run-time BLAS when there is one.
            if builtin {
                builtinGEMM(
                    m: m, n: n, k: k, a: at, lda: lda, transA: transA, b: bt, ldb: ldb, transB: transB,
                    c: cp.baseAddress!, ldc: ldc, alpha: T(converting: alpha), beta: T(converting: beta))
            } else {
                gemm(
                    m: m, n: n, k: k, a: at, lda: lda, transA: transA, b: bt, ldb: ldb, transB: transB,
                    c: cp.baseAddress!, ldc: ldc, alpha: T(converting: alpha), beta: T(converting: beta))
            }
        }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n { worst = max(worst, (Double(ct[i * ldc + j]) - expected[i * ldc + j]).magnitude) }
            // The padding of C is not written.
            for j in n..<ldc { #expect(Double(ct[i * ldc + j]) == Double(T(converting: c[i * ldc + j]))) }
        }
        #expect(worst <= tolerance, "m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB): max error \(worst)")
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveTripleLoop(transA: Bool, transB: Bool) {
        for (m, n, k) in [(37, 53, 29), (1, 1, 1), (5, 3, 300), (130, 1, 7), (2, 1100, 3)] {
            check(Double.self, m: m, n: n, k: k, transA: transA, transB: transB, pad: 0, alpha: 1, beta: 0, tolerance: 1e-12)
            check(Float.self, m: m, n: n, k: k, transA: transA, transB: transB, pad: 3, alpha: 1, beta: 0, tolerance: 1e-4)
            check(Double.self, m: m, n: n, k: k, transA: transA, transB: transB, pad: 2, alpha: -1.5, beta: 0.5, tolerance: 1e-12)
        }
    }

    /// Both paths on products past the BLAS threshold: the run-time BLAS (when one is installed; the
    /// built-in kernel otherwise) and the built-in kernel, each against the naive loop.
    @Test(arguments: [false, true])
    func largeProductsOnBothPaths(builtin: Bool) {
        print("matmul backend: \(BLASBackend.current)")
        #expect([(70, 90, 60), (65, 1, 1100), (1, 128, 600)].allSatisfy { $0.0 * $0.1 * $0.2 >= blasThreshold })
        for (m, n, k) in [(70, 90, 60), (65, 1, 1100), (1, 128, 600)] where m * n * k >= blasThreshold {
            for (tA, tB) in [(false, false), (true, false), (false, true), (true, true)] {
                check(Double.self, m: m, n: n, k: k, transA: tA, transB: tB, pad: 1, alpha: 0.5, beta: -2,
                      tolerance: 1e-11, builtin: builtin)
                check(Float.self, m: m, n: n, k: k, transA: tA, transB: tB, pad: 0, alpha: 1, beta: 0,
                      tolerance: 1e-3, builtin: builtin)
            }
        }
    }

    @Test func zeroInnerDimensionOnlyScales() {
        var c: [Double] = [1, 2, 3, 4]
        let empty: [Double] = [0]
        c.withUnsafeMutableBufferPointer { cp in
            gemm(m: 2, n: 2, k: 0, a: empty, lda: 1, b: empty, ldb: 2, c: cp.baseAddress!, ldc: 2, alpha: 1, beta: 2)
        }
        #expect(c == [2, 4, 6, 8])
    }
}

@Suite struct TraceDiagNormTests {
    @Test func trace() {
        expectClose(Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] as [[Double]]).trace(), [6], shape: [], dtype: .float64)
        expectClose(Tensor([[1.5, 2], [3, -4]] as [[Float]]).trace(), [-2.5], shape: [], dtype: .float32)
        let ints = Tensor([[7, 1], [1, -2]] as [[Int64]]).trace()
        #expect(ints == Tensor(Int64(5)))
        #expect(Tensor([[true, false], [true, true]]).trace() == Tensor(Int64(2)))
        #expect(Tensor(shape: [0, 3], scalars: [Double]()).trace() == Tensor(0.0))
    }

    @Test func diag() {
        let m = Tensor([1.0, -2.0, 3.0] as [Double]).diag()
        #expect(m == Tensor([[1, 0, 0], [0, -2, 0], [0, 0, 3]] as [[Double]]))
        #expect(Tensor([[1, 2, 3], [4, 5, 6]] as [[Int64]]).diag() == Tensor([1, 5] as [Int64]))
        #expect(Tensor([[1, 2], [3, 4], [5, 6]] as [[Float]]).diag() == Tensor([1, 4] as [Float]))
        #expect(Tensor([true, false]).diag() == Tensor([[true, false], [false, false]]))
        #expect(Tensor(shape: [0], scalars: [Double]()).diag().shape == [0, 0])
    }

    @Test func vectorNorms() {
        let v = Tensor([3.0, -4.0] as [Double])
        expectClose(v.norm(), [5], shape: [], dtype: .float64)
        expectClose(v.norm(p: 1), [7], shape: [])
        expectClose(v.norm(p: .infinity), [4], shape: [])
        expectClose(v.norm(p: -.infinity), [3], shape: [])
        let x = Tensor([0.3, -1.7, 2.2, 0, -0.05] as [Double])
        expectClose(x.norm(p: 3), [2.498031784190591], shape: [])
        expectClose(x.norm(p: 0.5), [12.662278409632435], shape: [])
        expectClose(x.norm(p: 0), [4], shape: [])
        expectClose(Tensor([0.3, -1.7, 2.2, -0.05] as [Double]).norm(p: -1), [0.04102376599634369], shape: [])
    }

    @Test func frobeniusNormAndDtypes() {
        let n: [[Double]] = [[0.3, 1.7, -2.2], [1.1, -0.4, 0.9], [2.5, 0.6, -1.3]]
        expectClose(Tensor(n).frobeniusNorm(), [4.277849927241488], shape: [])
        expectClose(Tensor(n).to(.float32).norm(), [4.2778496742248535], shape: [], dtype: .float32, rtol: 1e-6)
        // Integer and bool tensors give float32, as the default floating type.
        expectClose(Tensor([[3, 4], [0, 12]] as [[Int64]]).norm(), [13], shape: [], dtype: .float32)
        expectClose(Tensor([true, true, false, true]).norm(p: 1), [3], shape: [], dtype: .float32)
    }

    @Test func normEdgeCases() {
        expectClose(Tensor(-2.5).norm(), [2.5], shape: [])
        for p in [2.0, 1, 3, 0, .infinity] {
            expectClose(Tensor(shape: [0, 4], scalars: [Float]()).norm(p: p), [0], shape: [], dtype: .float32)
        }
        expectClose(Tensor([1.0, .nan, 2.0] as [Double]).norm(p: .infinity), [.nan], shape: [])
        expectClose(Tensor([1.0, .nan, 2.0] as [Double]).norm(), [.nan], shape: [])
        expectClose(Tensor([1.0, .infinity] as [Double]).norm(), [.infinity], shape: [])
        // Squares that overflow or underflow although the norm does not.
        expectClose(Tensor([1e200, -1e200] as [Double]).norm(), [1.4142135623730951e200], shape: [])
        expectClose(Tensor([3e-200, 4e-200] as [Double]).norm(), [5e-200], shape: [])
        expectClose(Tensor([3e-200, 4e-200] as [Double]).norm(p: 3), [4.497941445275415e-200], shape: [], rtol: 1e-14)
    }
}

private let m4: [[Double]] = [[4, -2, 1, 0.5], [3, 6, -4, 2], [2, 1, 8, -3], [0.5, -1, 2, 5]]
private let n3: [[Double]] = [[0.3, 1.7, -2.2], [1.1, -0.4, 0.9], [2.5, 0.6, -1.3]]
private let integral3: [[Double]] = [[1, 2, 3], [0, 1, 4], [5, 6, 0]]
/// `n3`, `2·n3ᵀ` and `integral3`.
private let batch3 = Tensor([n3, (0..<3).map { i in (0..<3).map { j in 2 * n3[j][i] } }, integral3])

@Suite struct DeterminantTests {
    @Test func knownDeterminants() {
        expectClose(Tensor(m4).det(), [1495.9999999999993], shape: [], dtype: .float64)
        expectClose(Tensor(n3).det(), [2.5979999999999994], shape: [])
        expectClose(Tensor(n3).to(.float32).det(), [2.5979998111724854], shape: [], dtype: .float32, rtol: 1e-5)
        expectClose(Tensor([[7.5]] as [[Double]]).det(), [7.5], shape: [])
        expectClose(Tensor(shape: [0, 0], scalars: [Double]()).det(), [1], shape: [])
    }

    @Test func permutationSign() {
        expectClose(Tensor([[0, 1], [1, 0]] as [[Double]]).det(), [-1], shape: [])
        expectClose(Tensor([[0, 1, 0], [0, 0, 1], [1, 0, 0]] as [[Double]]).det(), [1], shape: [])
        expectClose(Tensor([[0, 0, 1], [0, 1, 0], [1, 0, 0]] as [[Float]]).det(), [-1], shape: [], dtype: .float32)
        expectClose(Tensor([[0, 2], [3, 0]] as [[Double]]).det(), [-6], shape: [])
    }

    @Test func singularDeterminantIsZero() {
        expectClose(Tensor([[1, 2], [2, 4]] as [[Double]]).det(), [0], shape: [])
        expectClose(Tensor([[1, 2, 3], [4, 5, 6], [0, 0, 0]] as [[Double]]).det(), [0], shape: [])
        expectClose(Tensor(shape: [3, 3], scalars: [Float](repeating: 0, count: 9)).det(), [0], shape: [])
    }

    @Test func batchedDeterminants() {
        expectClose(batch3.det(), [2.5979999999999994, 20.783999999999995, 1], shape: [3], rtol: 1e-12)
        let v: [Double] = (0..<24).map { Double($0 % 5) }
        // det [[a, b], [c, d]] = ad - bc for each of the 6 matrices.
        let expected: [Double] = (0..<6).map { (i: Int) -> Double in
            let a = v[4 * i], b = v[4 * i + 1], c = v[4 * i + 2], d = v[4 * i + 3]
            return a * d - b * c
        }
        expectClose(Tensor(shape: [2, 3, 2, 2], scalars: v).det(), expected, shape: [2, 3])
        #expect(Tensor(shape: [0, 3, 3], scalars: [Double]()).det().shape == [0])
    }

    @Test func logdetAndSlogdet() {
        expectClose(Tensor(m4).logdet(), [7.310550158534422], shape: [])
        let (sign, logAbs) = Tensor(n3).slogdet()
        expectClose(sign, [1], shape: [])
        expectClose(logAbs, [0.9547419182484076], shape: [])
        // Negative determinant: logdet is NaN, slogdet has sign -1.
        let negative = Tensor([[2, 1], [1, -3]] as [[Double]])
        expectClose(negative.logdet(), [.nan], shape: [])
        expectClose(negative.slogdet().sign, [-1], shape: [])
        expectClose(negative.slogdet().logAbsDet, [1.9459101490553132], shape: [])
        // Zero determinant: -inf, sign 0.
        let singular = Tensor([[1, 2], [2, 4]] as [[Float]])
        expectClose(singular.logdet(), [-.infinity], shape: [], dtype: .float32)
        expectClose(singular.slogdet().sign, [0], shape: [], dtype: .float32)
        expectClose(singular.slogdet().logAbsDet, [-.infinity], shape: [])
        // A determinant that overflows Double still has a finite log.
        let huge = Tensor(shape: [3, 3], scalars: [1e200, 0, 0, 0, 1e200, 0, 0, 0, 1e200] as [Double])
        expectClose(huge.det(), [.infinity], shape: [])
        expectClose(huge.logdet(), [1381.5510557964276], shape: [], rtol: 1e-14)
        // Batched.
        expectClose(
            batch3.slogdet().logAbsDet, [0.9547419182484076, 3.0341834599282436, 0], shape: [3], atol: 1e-14)
        expectClose(batch3.slogdet().sign, [1, 1, 1], shape: [3])
    }
}

@Suite struct InverseSolveTests {
    @Test func inverseMatchesNumPy() throws {
        let inverse = try Tensor(m4).inverse()
        expectClose(
            inverse,
            [
                0.20320855614973263, 0.05949197860962566, 0.01336898395721925, -0.036096256684491984,
                -0.12299465240641712, 0.11530748663101603, 0.07085561497326204, 0.008689839572192522,
                -0.04545454545454546, -0.019886363636363636, 0.10227272727272729, 0.07386363636363638,
                -0.02673796791443851, 0.025066844919786096, -0.02807486631016043, 0.17580213903743316,
            ],
            shape: [4, 4], dtype: .float64, rtol: 1e-13, atol: 1e-15)
        let identity = Tensor([1.0, 1, 1, 1] as [Double]).diag().scalars(as: Double.self)
        expectClose(inverse.matmul(Tensor(m4)), identity, shape: [4, 4], atol: 1e-14)
        expectClose(Tensor(m4).matmul(inverse), identity, shape: [4, 4], atol: 1e-14)
    }

    @Test func inverseFloat32AndBatched() throws {
        let nInverse: [Double] = [
            -0.007698229407236257, 0.34257120862201706, 0.25019245573518084, 1.4164742109314863, 1.966897613548885,
            -1.0354118552732876, 0.6389530408006162, 1.5665896843725948, -0.7659738260200157,
        ]
        expectClose(try Tensor(n3).to(.float32).inverse(), nInverse, shape: [3, 3], dtype: .float32, rtol: 1e-5, atol: 1e-6)
        let batchInverse = try batch3.inverse()
        expectClose(
            batchInverse,
            nInverse + [
                -0.003849114703618168, 0.708237105465743, 0.31947652040030794, 0.17128560431100845, 0.9834488067744419,
                0.7832948421862972, 0.12509622786759045, -0.5177059276366437, -0.38298691301000776,
                -24, 18, 5, 20, -15, -4, -5, 4, 1,
            ],
            shape: [3, 3, 3], rtol: 1e-12, atol: 1e-13)
        // inverse · A ≈ I for each matrix of the batch.
        let products = batchInverse.matmul(batch3).scalars(as: Double.self)
        let identity = [1.0, 0, 0, 0, 1, 0, 0, 0, 1]
        expectClose(Tensor(shape: [3, 3, 3], scalars: products), identity + identity + identity, shape: [3, 3, 3], atol: 1e-12)
        #expect(try Tensor(shape: [2, 0, 0], scalars: [Float]()).inverse().shape == [2, 0, 0])
    }

    @Test func singularInverseThrows() {
        #expect(throws: TensorError.singularMatrix(operation: "inverse", shape: [2, 2])) {
            try Tensor([[1, 2], [2, 4]] as [[Double]]).inverse()
        }
        #expect(throws: TensorError.singularMatrix(operation: "inverse", shape: [3, 3])) {
            try Tensor(shape: [3, 3], scalars: [Float](repeating: 0, count: 9)).inverse()
        }
        // One singular matrix in a batch.
        let batch = Tensor([[[1, 0], [0, 1]], [[1, 1], [1, 1]]] as [[[Double]]])
        #expect(throws: TensorError.singularMatrix(operation: "inverse", shape: [2, 2, 2])) { try batch.inverse() }
        // A pivot whose reciprocal overflows, and a non-finite pivot.
        #expect(throws: TensorError.self) { try Tensor([[0x1p-1070, 0], [0, 1]] as [[Double]]).inverse() }
        #expect(throws: TensorError.self) { try Tensor([[Double.infinity, 0], [0, 1]] as [[Double]]).inverse() }
    }

    @Test func solveVectorAndMatrix() throws {
        let b = Tensor([1.0, -2.0, 0.5, 3.0] as [Double])
        expectClose(
            try Tensor(m4).solve(b),
            [-0.01737967914438504, -0.29211229946524064, 0.2670454545454546, 0.4364973262032086],
            shape: [4], rtol: 1e-13)
        let rhs = Tensor([[1.0, 0.5], [-2.0, 1.5], [0.5, -0.25], [3.0, 2.0]] as [[Double]])
        expectClose(
            try Tensor(m4).solve(rhs),
            [
                -0.01737967914438504, 0.11530748663101605, -0.29211229946524064, 0.11112967914438504,
                0.2670454545454546, 0.06960227272727276, 0.4364973262032086, 0.3828542780748663,
            ],
            shape: [4, 2], rtol: 1e-13)
        // Float32, with an int64 right-hand side promoted.
        let x = try Tensor(m4).to(.float32).solve(Tensor([1, -2, 0, 3] as [Int64]))
        #expect(x.dtype == .float32)
        let back = Tensor(m4).to(.float32).matmul(x)
        expectClose(back, [1, -2, 0, 3], shape: [4], rtol: 1e-5, atol: 1e-5)
    }

    @Test func batchedSolve() throws {
        // One vector broadcast against three matrices.
        let expected: [Double] = [
            0.10892994611239377, -3.543110084680525, -3.0411855273287154, -0.18167821401077744,
            0.5846805234795998, -0.09545804464973068, -27.9000000000001, 23.600000000000083, -6.200000000000021,
        ]
        let v = Tensor([0.7, -1.2, 2.1] as [Double])
        expectClose(try batch3.solve(v), expected, shape: [3, 3], rtol: 1e-12)
        // A batch of vectors: B has exactly A's shape without the last dimension.
        let vs = Tensor(shape: [3, 3], scalars: [0.7, -1.2, 2.1, 0.7, -1.2, 2.1, 0.7, -1.2, 2.1] as [Double])
        expectClose(try batch3.solve(vs), expected, shape: [3, 3], rtol: 1e-12)
        // One matrix against a batch of right-hand sides [2, 3, 1].
        let twoRhs = Tensor(shape: [2, 3, 1], scalars: [0.7, -1.2, 2.1, 0.7, -1.2, 2.1] as [Double])
        expectClose(try Tensor(n3).solve(twoRhs), Array(expected[0..<3]) + Array(expected[0..<3]), shape: [2, 3, 1], rtol: 1e-12)
    }

    @Test func singularSolveThrows() {
        #expect(throws: TensorError.singularMatrix(operation: "solve", shape: [2, 2])) {
            try Tensor([[1, 2], [2, 4]] as [[Double]]).solve(Tensor([1.0, 2.0] as [Double]))
        }
    }

    @Test func errorDescription() {
        #expect(
            TensorError.singularMatrix(operation: "inverse", shape: [2, 2]).description
                == "inverse: the [2, 2] matrix is singular (a zero pivot in its LU factorization)")
    }
}

@Suite struct MatrixPowerTests {
    /// A·A·…·A (k factors) by plain left-to-right products: the oracle for repeated squaring.
    private func sequentialPower(_ a: Tensor, _ k: Int) -> [Double] {
        var out = a
        for _ in 1..<k { out = out.matmul(a) }
        return out.scalars(as: Double.self)
    }

    @Test func positivePowersMatchRepeatedProducts() throws {
        let a = (Tensor(m4) / 8)
        for k in 1...13 { expectClose(try a.matrixPower(k), sequentialPower(a, k), shape: [4, 4], rtol: 1e-12, atol: 1e-14) }
        expectClose(try a.matrixPower(0), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], shape: [4, 4])
        #expect(try a.to(.float32).matrixPower(0).dtype == .float32)
    }

    @Test func negativePowersInvertFirst() throws {
        let a = Tensor(m4)
        let inverse = try a.inverse()
        for k in 1...4 {
            expectClose(try a.matrixPower(-k), sequentialPower(inverse, k), shape: [4, 4], rtol: 1e-12, atol: 1e-15)
        }
        #expect(throws: TensorError.singularMatrix(operation: "inverse", shape: [2, 2])) {
            try Tensor([[1, 2], [2, 4]] as [[Double]]).matrixPower(-1)
        }
    }

    @Test func batchesAndErrors() throws {
        expectClose(try batch3.matrixPower(3), sequentialPower(batch3, 3), shape: [3, 3, 3], rtol: 1e-12)
        let identity: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        expectClose(try batch3.matrixPower(0), identity + identity + identity, shape: [3, 3, 3])
        #expect(throws: TensorError.self) { try Tensor([[1, 2, 3]] as [[Double]]).matrixPower(2) }
        #expect(throws: TensorError.self) { try Tensor([1.0, 2] as [Double]).matrixPower(2) }
    }

    @Test func gradientOfTheTraceOfAPowerIsKTimesTheTransposedPowerBeforeIt() throws {
        let a = (Tensor(m4) / 8).requiringGrad()
        try a.matrixPower(5).trace().backward()
        // d tr(A⁵) = 5 tr(A⁴ dA)  ⇒  ∂/∂A = 5 (A⁴)ᵀ.
        let expected = try (Tensor(m4) / 8).matrixPower(4).t() * 5
        expectClose(a.grad!, expected.scalars(as: Double.self), shape: [4, 4], rtol: 1e-12)
        let report = try gradcheck({ try $0[0].matrixPower(-3).sum() }, inputs: [Tensor(m4)])
        #expect(report.passed)
    }
}
