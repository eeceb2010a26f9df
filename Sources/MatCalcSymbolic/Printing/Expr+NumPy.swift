extension Expr {
    /// One NumPy expression that evaluates the expression from its variables.
    ///
    /// Conventions: variables are in scope by their names and symbolic dimensions (`n`, `d`) as
    /// Python ints; a matrix is a 2-D array, a vector — column n×1 or row 1×n alike — a 1-D array
    /// of shape `(n,)`, a scalar a Python float or 0-d array. The result follows the same
    /// conventions. The emitter tracks which of the three every subexpression is and picks the
    /// operation: `xᵀ A x` → `x @ A @ x`, `a bᵀ` → `np.outer(a, b)`, `1ᵀ v` → `np.sum(v)`, `M 1` →
    /// `np.sum(M, axis=1)`; transposes of vectors vanish, `Xᵀ` → `X.T`.
    ///
    /// The code uses `np` and the helpers of ``numpyPrelude`` (`sigmoid`, `softmax`, `logsumexp`,
    /// `step`): `tr` → `np.trace`, `det` → `np.linalg.det`, `A⁻¹` → `np.linalg.inv`, `⊙` → `*`,
    /// `⊘` → `/`, entrywise powers `**`, relu and `max(A, 0)` → `np.maximum(A, 0)`, `1{A > B}` →
    /// `(A > B).astype(float)` (a bare bool mask `(A > B)` when it multiplies entrywise), `diag` →
    /// `np.diag`, `vec(A)` → `A.reshape(-1, order='F')` (column-major), `⊗` → `np.kron` (vector
    /// operands of a matrix-valued Kronecker product lifted to `a[:, None]` / `a[None, :]`), norms →
    /// `np.linalg.norm(A)` and `np.sum(np.abs(A))`. `log det A` → `np.linalg.slogdet(A)[1]`, which
    /// is log |det A|: the same as log det A where that is defined (det A > 0), and stable.
    ///
    /// - Throws: ``SymbolicError`` of kind `unsupported` for a differential `dX`, which has no value.
    public func numpy() throws(SymbolicError) -> String {
        try CodePrinter(.numpy, for: self).emit(self)
    }

    /// Python source defining the helpers that ``numpy()``'s code uses, after `import numpy as np`:
    /// `sigmoid` (stable), `softmax` (over a 1-D array, or each row of a 2-D one), `softmax_rows`,
    /// `logsumexp` (over all entries, max-shifted), `step` (1{x > 0} as floats), `relu` and `inv`.
    public static var numpyPrelude: String {
        """
        import numpy as np


        def sigmoid(x):
            return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


        def softmax(x):
            x = np.asarray(x, dtype=float)
            z = np.exp(x - np.max(x, axis=-1, keepdims=True))
            return z / np.sum(z, axis=-1, keepdims=True)


        def softmax_rows(x):
            return softmax(x)


        def logsumexp(x):
            x = np.asarray(x, dtype=float)
            m = np.max(x)
            if not np.isfinite(m):
                m = 0.0
            return m + np.log(np.sum(np.exp(x - m)))


        def step(x):
            return (np.asarray(x) > 0).astype(float)


        def relu(x):
            return np.maximum(x, 0)


        inv = np.linalg.inv

        """
    }
}
