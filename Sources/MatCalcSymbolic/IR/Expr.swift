/// An elementwise scalar function applied entry by entry.
public enum ElementwiseFunction: String, Hashable, Sendable, CaseIterable {
    case exp, log, sin, cos, tanh, sigmoid, relu, abs, sqrt
    /// The 0–1 step 1{x > 0}, the derivative of relu (with relu′(0) = 0).
    case step
    /// sign(x) ∈ {−1, 0, 1}, the derivative of abs (with abs′(0) = 0).
    case sign
}

/// The comparison in an indicator `1{A > B}`.
public enum Comparison: String, Hashable, Sendable, CaseIterable {
    case greater = ">", greaterOrEqual = "≥", less = "<", lessOrEqual = "≤"
}

/// The norms the language has.
public enum NormKind: String, Hashable, Sendable {
    /// ‖A‖_F, and ‖x‖₂ for vectors: the square root of the sum of squared entries.
    case frobenius
    /// ‖x‖₁: the sum of absolute values of the entries.
    case one
}

/// A matrix expression: the symbolic engine's one IR.
///
/// Every node is a matrix (see ``MatrixShape``); `shape` is checked when the tree is built by the
/// elaborator, so a well-formed `Expr` always has consistent shapes. Sums and products are n-ary so
/// that simplification can flatten and reorder them.
public indirect enum Expr: Hashable, Sendable {
    /// A declared variable with its shape.
    case variable(String, MatrixShape)
    /// A scalar constant.
    case number(Double)
    /// The n×n identity.
    case identity(Dim)
    /// The all-ones matrix (or vector) of a shape.
    case ones(MatrixShape)
    /// The zero matrix of a shape.
    case zeros(MatrixShape)

    /// A + B + …, all of one shape.
    case sum([Expr])
    /// The matrix product A B C …, inner dimensions agreeing.
    case product([Expr])
    /// s · A for a scalar-valued s (1×1).
    case scale(Expr, Expr)
    /// A / s for a scalar-valued s.
    case divide(Expr, Expr)
    /// A ⊙ B, equal shapes.
    case hadamard(Expr, Expr)
    /// A ⊘ B, equal shapes.
    case hadamardDivide(Expr, Expr)
    /// A ⊗ B.
    case kronecker(Expr, Expr)

    /// Aᵀ.
    case transpose(Expr)
    /// A⁻¹ of a square matrix.
    case inverse(Expr)
    /// A^k of a square matrix, k ≥ 0.
    case matrixPower(Expr, Int)
    /// Entrywise A.^p; for a scalar-valued A, the ordinary power.
    case power(Expr, Double)
    /// f(A) entrywise.
    case apply(ElementwiseFunction, Expr)
    /// max(A, c) entrywise against a constant.
    case maximum(Expr, Double)
    /// min(A, c) entrywise against a constant.
    case minimum(Expr, Double)
    /// The 0–1 mask 1{A op B}, equal shapes (B may be a scalar constant, then broadcast).
    case indicator(Expr, Comparison, Expr)

    /// tr(A) of a square matrix.
    case trace(Expr)
    /// det(A) of a square matrix.
    case det(Expr)
    /// log det(A) of a square matrix (log |det A| when `absolute`).
    case logdet(Expr, absolute: Bool)
    /// diag(x): the diagonal matrix of a column vector, or the diagonal (a column) of a square matrix.
    case diag(Expr)
    /// vec(A): the columns of A stacked into one column (column-major).
    case vec(Expr)
    /// The sum of all entries, 1ᵀ A 1.
    case sumEntries(Expr)
    /// A norm of all entries.
    case norm(Expr, NormKind)
    /// softmax of a column vector, or of each row of a matrix.
    case softmax(Expr)
    /// log Σ exp of all entries of a vector.
    case logsumexp(Expr)

    /// The differential dA of a subexpression: appears in derivation steps, never in results.
    case differential(Expr)
}
