extension Expr {
    /// One PyTorch expression that evaluates the expression from its variables (tensors).
    ///
    /// The array conventions are ``numpy()``'s: matrices 2-D, vectors (columns and rows) 1-D,
    /// scalars 0-d; variables and symbolic dimensions (`n`, `d`, as ints) are in scope by name, and
    /// `torch` is imported. No prelude is needed: `X.T`, `@`, `torch.outer`, `torch.sum`,
    /// `torch.trace`, `torch.linalg.det`, `torch.logdet` (and `torch.linalg.slogdet(A)[1]` for
    /// log |det A|), `torch.linalg.inv`, `torch.linalg.matrix_power`, `torch.relu` (also for
    /// `max(A, 0)`; other bounds `torch.clamp`), `torch.sigmoid`, `torch.softmax(x, dim=-1)`,
    /// `torch.logsumexp(x, dim=-1)`, `torch.kron`, `torch.diag`, `A.T.reshape(-1)` for the
    /// column-major vec, `torch.linalg.norm`. New tensors (`torch.ones`, `torch.eye`, 0–1 masks via
    /// `.to(…)`) take the dtype of the expression's first variable (`dtype=X.dtype`).
    ///
    /// - Throws: ``SymbolicError`` of kind `unsupported` for a differential `dX`, which has no value.
    public func pytorch() throws(SymbolicError) -> String {
        try CodePrinter(.pytorch, for: self).emit(self)
    }
}
