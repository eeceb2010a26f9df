extension Expr {
    /// One Swift expression over MatCalc `Tensor`s that evaluates the expression (`import MatCalc`).
    ///
    /// The array conventions are ``numpy()``'s and PyTorch's: matrices are 2-D tensors, vectors
    /// (columns and rows) 1-D, scalars rank 0; variables (`Tensor`s) and symbolic dimensions (`Int`s)
    /// are in scope by name. Products are `.matmul` chains (`(2 * X.t()).matmul(…)`), outer products
    /// `a.unsqueeze(1).matmul(b.unsqueeze(0))`, masks `(A > 0)` multiplied in or converted with
    /// `.to(X.dtype)`, `max(A, 0)` is `.relu()` and other bounds `.clamp(min:)`; `.trace()`,
    /// `.det()`, `.logdet()`, `.slogdet().logAbsDet`, `.inverse()`, `.diag()`, `.norm()`,
    /// `.t().reshaped([-1])` for vec. `softmax`, `logsumexp`, `sign` and `Tensor.kron` are the
    /// helpers the MatCalc library adds to `Tensor`. When the expression inverts a matrix the code
    /// starts with `try` (which covers the whole expression), so it belongs in a throwing context.
    ///
    /// - Throws: ``SymbolicError`` of kind `unsupported` for a differential `dX`, which has no value.
    public func swift() throws(SymbolicError) -> String {
        try CodePrinter(.swift, for: self).emit(self)
    }
}
