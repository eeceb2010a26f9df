extension Expr {
    /// The expression in Unicode math as papers write it, with only the parentheses precedence needs.
    ///
    /// Products are juxtaposed (`X W`), transposes and inverses are superscripts (`Xᵀ`, `A⁻¹`,
    /// `X⁻ᵀ` for both (X⁻¹)ᵀ and (Xᵀ)⁻¹), entrywise operations are `⊙`, `⊘`, `⊗`, and functions are
    /// named as usual: `tr(X)`, `det(X)`, `log det(S)`, `σ(X w)`, `softmax(z)`, `max(X W, 0)`,
    /// `1{X W > 0}`, `‖X‖_F`, `‖w‖²`. Ones vectors print as `1` (`1ᵀ log(A x)`), the sum of all
    /// entries as `1ᵀ A 1`, numbers compactly (`2`, `0.5`, `−1e-3`), and a sum's terms with a
    /// negative coefficient as subtractions (`A − 2 B`). For example
    /// `2 Xᵀ ((max(X W, 0) − Y) ⊙ 1{X W > 0})`.
    ///
    /// Binding, loosest first: sums; `⊙ ⊘ ⊗` (left-associative); products and scalings
    /// (`2 A`, `A / s`); postfix superscripts; atoms (names, calls, norms, parenthesised groups).
    /// An entrywise power of a non-scalar prints as `A^∘2`; `relu(A)` prints as `max(A, 0)` and
    /// `step(A)` as `1{A > 0}`. Differentials print as `dX`, `d(X W)`.
    public var text: String { MathPrinter(latex: false).render(self).text }
}
