extension Expr {
    /// The expression as LaTeX math (for `$…$`), with the same structure and parentheses as ``text``.
    ///
    /// `X^\top`, `X^{-1}`, `X^{-\top}`, `\|X\|_F^2`, `\operatorname{tr}(X)`, `\det(X)`, `\log\det(S)`,
    /// `\sigma(X w)`, `\max(X W, 0)`, `\mathbb{1}\{X W > 0\}`, `\odot`, `\oslash`, `\otimes`,
    /// `\operatorname{diag}`, `\operatorname{vec}`, `\operatorname{softmax}`, `\mathbf{1}` for ones
    /// vectors, `\frac{A}{s}` for division by a scalar. Parentheses that enclose other parentheses
    /// (or a fraction) are sized with `\left( … \right)`:
    /// `2 X^\top \left( (\max(X W, 0) - Y) \odot \mathbb{1}\{X W > 0\} \right)`.
    ///
    /// Variable names: Greek letters, written `λ` or `lambda`, become commands (`\lambda`); a
    /// trailing number or an `_` part becomes a subscript (`W1` → `W_{1}`); other multi-letter names
    /// are set in `\mathit{…}`. Only standard LaTeX and `amssymb` (`\mathbb`) are used; braces are
    /// balanced.
    public var latex: String { MathPrinter(latex: true).render(self).text }
}
