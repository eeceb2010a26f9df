// LU factorization with partial pivoting (LAPACK's getrf/getrs, unblocked), the one algorithm
// behind det, slogdet, logdet, inverse and solve.

/// The in-place LU factorization `P·A = L·U` of one `n×n` row-major matrix.
///
/// On return the strict lower triangle holds `L` (its unit diagonal is implied) and the upper
/// triangle holds `U`. Every pivot, zero or not, is kept, so `det = sign · Π U[i, i]` holds
/// for singular matrices too.
struct LUFactorization<T: TensorFloat> {
    /// At step `i`, row `i` was swapped with row `pivots[i]` (≥ i), as in LAPACK's `ipiv`.
    var pivots: [Int]
    /// The determinant of `P`: +1 or -1.
    var permutationSign: T
    /// Whether some pivot is zero or non-finite, or has a reciprocal that overflows: the matrix
    /// is singular to working precision and `inverse`/`solve` must refuse it.
    var isSingular: Bool

    /// Factors the `n×n` matrix at `a` (leading dimension `n`) in place.
    init(factoring a: UnsafeMutablePointer<T>, n: Int) {
        pivots = Array(0..<n)
        permutationSign = 1
        isSingular = false
        for j in 0..<n {
            // Partial pivoting: the largest |a[i, j]| for i ≥ j; a NaN wins, so it propagates
            // into det rather than being hidden behind a zero pivot.
            var best = j
            var bestMagnitude = a[j * n + j].magnitude
            if !bestMagnitude.isNaN {
                for i in (j + 1)..<n {
                    let v = a[i * n + j].magnitude
                    if v.isNaN || v > bestMagnitude {
                        best = i
                        bestMagnitude = v
                        if v.isNaN { break }
                    }
                }
            }
            pivots[j] = best
            if best != j {
                swapRows(a, j, best, n)
                permutationSign = -permutationSign
            }
            let pivot = a[j * n + j]
            if pivot == 0 || !pivot.isFinite || !(1 / pivot).isFinite {
                isSingular = true
            }
            // A zero pivot means the column below it is zero too: nothing to eliminate (LAPACK
            // carries on the same way), and U keeps the exact zero on its diagonal.
            if pivot == 0 { continue }
            let rowJ = a + j * n
            for i in (j + 1)..<n {
                let rowI = a + i * n
                // Dividing rather than multiplying by 1/pivot stays exact for tiny pivots.
                let l = rowI[j] / pivot
                rowI[j] = l
                if l == 0 { continue }
                for c in (j + 1)..<n { rowI[c] -= l * rowJ[c] }
            }
        }
    }

    /// Solves `A·X = B` in place for the `n×nrhs` row-major `b`, given `lu`, the factors this
    /// value was computed from.
    func solve(lu: UnsafePointer<T>, n: Int, b: UnsafeMutablePointer<T>, nrhs: Int) {
        for i in 0..<n where pivots[i] != i { swapRows(b, i, pivots[i], nrhs) }
        // Forward substitution with the unit lower triangle, then back substitution with U;
        // each innermost loop runs along a contiguous row of B.
        for i in 0..<n {
            let rowI = b + i * nrhs
            for p in 0..<i {
                let l = lu[i * n + p]
                if l == 0 { continue }
                let rowP = b + p * nrhs
                for c in 0..<nrhs { rowI[c] -= l * rowP[c] }
            }
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let rowI = b + i * nrhs
            for p in (i + 1)..<n {
                let u = lu[i * n + p]
                if u == 0 { continue }
                let rowP = b + p * nrhs
                for c in 0..<nrhs { rowI[c] -= u * rowP[c] }
            }
            let d = lu[i * n + i]
            for c in 0..<nrhs { rowI[c] /= d }
        }
    }

    /// `sign · Π U[i, i]`.
    func determinant(lu: UnsafePointer<T>, n: Int) -> T {
        var d = permutationSign
        for i in 0..<n { d *= lu[i * n + i] }
        return d
    }

    /// `(sign(det), log|det|)`, computed as a sum of logs so it neither overflows nor
    /// underflows: `(0, -inf)` for a zero pivot, NaN sign for a NaN pivot.
    func signAndLogAbsDeterminant(lu: UnsafePointer<T>, n: Int) -> (sign: T, logAbs: T) {
        var sign = permutationSign
        var logAbs: T = 0
        for i in 0..<n {
            let u = lu[i * n + i]
            if u.isNaN { return (.nan, .nan) }
            if u < 0 { sign = -sign }
            logAbs += T.log(u.magnitude)
        }
        if logAbs == -.infinity { sign = 0 }
        return (sign, logAbs)
    }
}

/// Swaps rows `r` and `s` of a row-major matrix with `width` columns.
@inline(__always)
private func swapRows<T>(_ a: UnsafeMutablePointer<T>, _ r: Int, _ s: Int, _ width: Int) {
    let x = a + r * width, y = a + s * width
    for c in 0..<width {
        let t = x[c]
        x[c] = y[c]
        y[c] = t
    }
}
