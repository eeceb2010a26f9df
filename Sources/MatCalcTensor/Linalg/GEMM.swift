// The matrix-multiply kernel behind `matmul`, `inverse` and `solve`.
//
// The interface is BLAS's `?gemm` for row-major storage, C = alpha·op(A)·op(B) + beta·C; large
// products go to `cblas_sgemm`/`cblas_dgemm` when a BLAS was found at run time (BLAS.swift).

/// Computes `C = alpha·op(A)·op(B) + beta·C` for row-major matrices.
///
/// - Shapes: `op(A)` is `m×k`, `op(B)` is `k×n`, `C` is `m×n`.
/// - `a`, `lda`, `transA`: without `transA`, `A` is stored `m×k` and `op(A)[i, p] = a[i·lda + p]`;
///   with it, `A` is stored `k×m` and `op(A)[i, p] = a[p·lda + i]` (so `op(A) = Aᵀ`, no copy).
/// - `b`, `ldb`, `transB`: likewise, `B` stored `k×n`, or `n×k` when `transB`.
/// - `c`, `ldc`: `C[i, j] = c[i·ldc + j]`; it must not overlap `a` or `b`.
/// - As in BLAS, `beta == 0` overwrites `C` without reading it (NaNs there do not propagate),
///   and `alpha == 0` or `k == 0` only scales `C`.
func gemm<T: TensorFloat>(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<T>, lda: Int, transA: Bool = false,
    b: UnsafePointer<T>, ldb: Int, transB: Bool = false,
    c: UnsafeMutablePointer<T>, ldc: Int,
    alpha: T = 1, beta: T = 0
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension")
    precondition(ldc >= max(n, 1), "gemm: ldc \(ldc) < n \(n)")
    precondition(lda >= max(transA ? m : k, 1), "gemm: lda \(lda) too small")
    precondition(ldb >= max(transB ? k : n, 1), "gemm: ldb \(ldb) too small")
    if m == 0 || n == 0 { return }
    // Below ~40³ multiply-adds the library call costs more than it saves (BENCHMARKS.md).
    if m * n * k >= blasThreshold,
        CBLAS.shared.gemm(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                          c: c, ldc: ldc, alpha: alpha, beta: beta) {
        return
    }
    builtinGEMM(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB, c: c, ldc: ldc,
                alpha: alpha, beta: beta)
}

/// The size m·n·k from which `gemm` hands a product to the run-time BLAS, when there is one.
let blasThreshold = 40 * 40 * 40

/// The built-in kernel: `gemm` without a BLAS (same contract).
func builtinGEMM<T: TensorFloat>(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<T>, lda: Int, transA: Bool = false,
    b: UnsafePointer<T>, ldb: Int, transB: Bool = false,
    c: UnsafeMutablePointer<T>, ldc: Int,
    alpha: T = 1, beta: T = 0
) {
    if m == 0 || n == 0 { return }

    if beta == 0 {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
    } else if beta != 1 {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] *= beta }
        }
    }
    if k == 0 || alpha == 0 { return }

    // Element (i, p) of op(A) is a[i·rowStride + p·colStride].
    let aRowStride = transA ? 1 : lda
    let aColStride = transA ? lda : 1

    // Blocking: a kc×nc panel of op(B) (128 rows × 2 KiB = 256 KiB, half a typical L2) is
    // packed contiguously, which also turns op(B) = Bᵀ into unit-stride rows, and is reused
    // by every row of C; the four rows of C being updated (4 × 2 KiB) stay in L1.
    let nc = min(n, 2048 / MemoryLayout<T>.stride)
    let kc = min(k, 128)
    // On the stack when small (the homework's 4×4 panel), so a tiny product allocates nothing.
    withUnsafeTemporaryAllocation(of: T.self, capacity: kc * nc) { buffer in
        let panel = buffer.baseAddress!
        var j0 = 0
        while j0 < n {
            let jw = min(nc, n - j0)
            var p0 = 0
            while p0 < k {
                let pw = min(kc, k - p0)
                packPanel(b: b, ldb: ldb, transB: transB, p0: p0, pw: pw, j0: j0, jw: jw, into: panel)

                // Loop order i-p-j: the innermost loop runs over contiguous j in both C and the
                // panel, so it vectorizes. The loads and stores of C bound this loop, so each pass
                // updates four rows of C with four steps of p (16 multiply-adds per element of C
                // loaded); alpha is folded into the A scalars.
                var i = 0
                while i + 4 <= m {
                    let c0 = c + i * ldc + j0, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                    let aBase = a + i * aRowStride + p0 * aColStride
                    // alpha·op(A)[i ..< i+4, p0 + p].
                    func aColumn(_ p: Int) -> (T, T, T, T) {
                        let ap = aBase + p * aColStride
                        return (alpha * ap[0], alpha * ap[aRowStride], alpha * ap[2 * aRowStride], alpha * ap[3 * aRowStride])
                    }
                    var p = 0
                    while p + 4 <= pw {
                        rank4Update4(
                            c0, c1, c2, c3, aColumn(p), aColumn(p + 1), aColumn(p + 2), aColumn(p + 3),
                            panel + p * jw, jw)
                        p += 4
                    }
                    while p < pw {
                        rank1Update4(c0, c1, c2, c3, aColumn(p), panel + p * jw, jw)
                        p += 1
                    }
                    i += 4
                }
                while i < m {
                    let c0 = c + i * ldc + j0
                    let aBase = a + i * aRowStride + p0 * aColStride
                    for p in 0..<pw {
                        let a0 = alpha * aBase[p * aColStride]
                        let bp = panel + p * jw
                        for j in 0..<jw { c0[j] += a0 * bp[j] }
                    }
                    i += 1
                }
                p0 += pw
            }
            j0 += jw
        }
    }
}

/// Copies `op(B)[p0 ..< p0+pw, j0 ..< j0+jw]` into `panel` as a row-major `pw×jw` block.
@inline(__always)
private func packPanel<T: TensorFloat>(
    b: UnsafePointer<T>, ldb: Int, transB: Bool,
    p0: Int, pw: Int, j0: Int, jw: Int, into panel: UnsafeMutablePointer<T>
) {
    if transB {
        // op(B)[p, j] = b[j·ldb + p]: walk each stored row (one j) contiguously.
        for j in 0..<jw {
            let src = b + (j0 + j) * ldb + p0
            for p in 0..<pw { panel[p * jw + j] = src[p] }
        }
    } else {
        for p in 0..<pw {
            (panel + p * jw).update(from: b + (p0 + p) * ldb + j0, count: jw)
        }
    }
}

/// `C[r, j] += x[r] · b[j]` for the four rows `r` of C at `c0`…`c3` and `j < count`.
@inline(__always)
private func rank1Update4<T: TensorFloat>(
    _ c0: UnsafeMutablePointer<T>, _ c1: UnsafeMutablePointer<T>,
    _ c2: UnsafeMutablePointer<T>, _ c3: UnsafeMutablePointer<T>,
    _ x: (T, T, T, T), _ b: UnsafeMutablePointer<T>, _ count: Int
) {
    for j in 0..<count {
        let bj = b[j]
        c0[j] += x.0 * bj
        c1[j] += x.1 * bj
        c2[j] += x.2 * bj
        c3[j] += x.3 * bj
    }
}

/// `C[r, j] += x[r]·b[j] + y[r]·b[count + j] + z[r]·b[2·count + j] + w[r]·b[3·count + j]`:
/// four consecutive rows of the packed panel (p to p+3) applied to four rows of C at once.
@inline(__always)
private func rank4Update4<T: TensorFloat>(
    _ c0: UnsafeMutablePointer<T>, _ c1: UnsafeMutablePointer<T>,
    _ c2: UnsafeMutablePointer<T>, _ c3: UnsafeMutablePointer<T>,
    _ x: (T, T, T, T), _ y: (T, T, T, T), _ z: (T, T, T, T), _ w: (T, T, T, T),
    _ b: UnsafeMutablePointer<T>, _ count: Int
) {
    let b1 = b + count, b2 = b1 + count, b3 = b2 + count
    for j in 0..<count {
        let p = b[j], q = b1[j], r = b2[j], s = b3[j]
        c0[j] += (x.0 * p + y.0 * q) + (z.0 * r + w.0 * s)
        c1[j] += (x.1 * p + y.1 * q) + (z.1 * r + w.1 * s)
        c2[j] += (x.2 * p + y.2 * q) + (z.2 * r + w.2 * s)
        c3[j] += (x.3 * p + y.3 * q) + (z.3 * r + w.3 * s)
    }
}
