/// Why an expression could not be evaluated.
public enum EvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A variable of the expression has no value.
    case missingVariable(String)
    /// A dimension's name has no size (neither in `sizes` nor from a variable's tensor).
    case unknownDimension(String)
    /// A variable's tensor does not have the variable's shape (or a dimension's sizes disagree).
    case shapeMismatch(variable: String, expected: String, got: [Int])
    /// The expression has no value (a differential).
    case unsupported(String)

    /// The error as a sentence: `the variable 'x' should have shape [3, 1] but its tensor has shape [2]`.
    public var description: String {
        switch self {
        case .missingVariable(let v): "no value for the variable '\(v)'"
        case .unknownDimension(let d): "no size for the dimension '\(d)'"
        case .shapeMismatch(let v, let expected, let got):
            "the variable '\(v)' should have shape \(expected) but its tensor has shape \(Shape.describe(got))"
        case .unsupported(let what): "cannot evaluate \(what)"
        }
    }
}

/// Evaluates an expression numerically with `Tensor` operations.
///
/// Every operation is a recorded MatCalcTensor op (or composed from them), so autograd records
/// through the evaluation: with variables that require grad, `backward()` on the result gives the
/// gradients of the expression.
///
/// - Parameters:
///   - e: the expression.
///   - variables: a tensor for each variable, in its natural (PyTorch) shape: a matrix `[n, m]`, a
///     vector — column or row — 1-D `[n]`, a scalar rank 0 `[]`. The 2-D forms (`[n, 1]`, `[1, n]`,
///     `[1, 1]`) and, for scalars, `[1]` are accepted too.
///   - sizes: sizes of the symbolic dimensions. A name missing here is taken from the variables'
///     tensors; fixed dimensions need nothing.
///   - dtype: the floating dtype of the constants (numbers, identities, ones, masks); by default the
///     promoted dtype of the variables, or `float64` for an expression without variables.
/// - Returns: the value as a 2-D tensor of the expression's shape: a matrix `[n, m]`, a column
///   `[n, 1]`, a row `[1, n]`, a scalar `[1, 1]`. ``Tensor/naturalShaped(as:)`` reshapes it to the
///   PyTorch convention (and to what the code of `Expr.numpy()`, `pytorch()`, `swift()` returns).
/// - Throws: ``EvaluationError`` for missing or mis-shaped variables, unknown sizes and
///   differentials; `TensorError.singularMatrix` when a matrix to invert is singular.
///
/// Conventions at kinks and for special functions: `max(A, c)` and `min(A, c)` have derivative
/// 1{A > c} and 1{A < c} (0 at ties, like relu); `step` and `sign` and indicators are 0–1 / ±1
/// masks with zero derivative; `log det` is `torch.logdet` (NaN for a negative determinant), the
/// absolute form log |det A| via `slogdet`; softmax and logsumexp are max-shifted (stable);
/// softmax of a matrix is taken in each row, logsumexp over all entries; `vec` is column-major.
public func evaluate(
    _ e: Expr, variables: [String: Tensor], sizes: [String: Int], dtype: DType? = nil
) throws -> Tensor {
    try Evaluator(e, variables: variables, sizes: sizes, dtype: dtype).value(e)
}

/// Evaluates several expressions over the same variables, computing each repeated subexpression once
/// (`X W` in f, ∂f/∂W and ∂f/∂X): what evaluating a derived gradient together with f costs.
///
/// Same conventions and errors as ``evaluate(_:variables:sizes:dtype:)``. Subexpressions are shared
/// when the expressions have at most 20,000 nodes in all (past that, looking them up costs more).
public func evaluate(
    _ exprs: [Expr], variables: [String: Tensor], sizes: [String: Int], dtype: DType? = nil
) throws -> [Tensor] {
    let all = Expr.sum(exprs)
    let evaluator = try Evaluator(all, variables: variables, sizes: sizes, dtype: dtype)
    if exprs.reduce(0, { $0 + $1.nodeCount(upTo: 20_000) }) <= 20_000 { evaluator.memo = [:] }
    return try exprs.map { try evaluator.value($0) }
}

extension Tensor {
    /// The tensor in the natural (PyTorch) shape for a matrix shape: rank 0 for a scalar, 1-D for
    /// a column or row vector, 2-D `[rows, cols]` for a matrix. The inverse of what ``evaluate(_:variables:sizes:dtype:)``
    /// does to its inputs; apply it to its result to compare with NumPy or PyTorch code.
    public func naturalShaped(as shape: MatrixShape) -> Tensor {
        let rowsOne = shape.rows.size(in: [:]) == 1, colsOne = shape.cols.size(in: [:]) == 1
        if rowsOne && colsOne { return reshaped([]) }
        if rowsOne || colsOne { return reshaped([-1]) }
        return rank == 2 ? self : reshaped([shape.rows.size(in: [:]) ?? -1, shape.cols.size(in: [:]) ?? -1])
    }
}

/// The evaluation of one expression: resolved sizes, the constants' dtype, the variables in 2-D.
private final class Evaluator {
    var sizes: [String: Int]
    var inputs: [String: Tensor] = [:]
    let dtype: DType
    /// Values of the subexpressions computed so far, when they are shared (nil: not shared).
    var memo: [Expr: Tensor]? = nil

    init(_ e: Expr, variables: [String: Tensor], sizes: [String: Int], dtype: DType?) throws {
        self.sizes = sizes
        var declared: [String: MatrixShape] = [:]
        func collect(_ x: Expr) {
            if case .variable(let name, let shape) = x, declared[name] == nil { declared[name] = shape }
            x.children.forEach(collect)
        }
        collect(e)
        let names = e.variableNames
        for name in names where variables[name] == nil { throw EvaluationError.missingVariable(name) }

        // Sizes of names the caller did not give come from the variables' tensors.
        for name in names {
            let shape = declared[name]!, t = variables[name]!
            let dims = Evaluator.tensorDims(t, for: shape)
            for (dim, size) in zip([shape.rows, shape.cols], [dims.rows, dims.cols]) {
                if case .named(let n) = dim, self.sizes[n] == nil, let size { self.sizes[n] = size }
            }
        }
        var promoted: DType? = nil
        for name in names {
            let shape = declared[name]!, t = variables[name]!
            let rows = try Evaluator.size(shape.rows, self.sizes), cols = try Evaluator.size(shape.cols, self.sizes)
            let dims = Evaluator.tensorDims(t, for: shape)
            guard dims.rows == rows, dims.cols == cols else {
                throw EvaluationError.shapeMismatch(variable: name, expected: "[\(rows), \(cols)]", got: t.shape)
            }
            inputs[name] = t.reshaped([rows, cols])
            if t.dtype.isFloatingPoint { promoted = promoted.map { DType.promoted($0, t.dtype) } ?? t.dtype }
        }
        self.dtype = dtype ?? promoted ?? .float64
    }

    /// The rows and columns a variable's tensor stands for (nil where it cannot be one).
    private static func tensorDims(_ t: Tensor, for shape: MatrixShape) -> (rows: Int?, cols: Int?) {
        let rowsOne = shape.rows.size(in: [:]) == 1, colsOne = shape.cols.size(in: [:]) == 1
        switch t.rank {
        case 0: return (1, 1)
        case 1:
            if rowsOne && colsOne { return t.shape[0] == 1 ? (1, 1) : (nil, nil) }
            if colsOne { return (t.shape[0], 1) }
            if rowsOne { return (1, t.shape[0]) }
            return (nil, nil)
        case 2: return (t.shape[0], t.shape[1])
        default: return (nil, nil)
        }
    }

    func size(_ d: Dim) throws -> Int { try Evaluator.size(d, sizes) }

    private static func size(_ d: Dim, _ sizes: [String: Int]) throws -> Int {
        if let s = d.size(in: sizes) { return s }
        throw EvaluationError.unknownDimension(Evaluator.firstUnknownName(d, sizes) ?? d.description)
    }

    private static func firstUnknownName(_ d: Dim, _ sizes: [String: Int]) -> String? {
        switch d {
        case .named(let n): sizes[n] == nil ? n : nil
        case .fixed: nil
        case .product(let a, let b): firstUnknownName(a, sizes) ?? firstUnknownName(b, sizes)
        }
    }

    private func constant(_ x: Double) -> Tensor { Tensor.full([1, 1], x, dtype: dtype) }
    private func scalar(_ x: Double) -> Tensor { Tensor.full([], x, dtype: dtype) }
    private func mask(_ t: Tensor) -> Tensor { t.to(dtype) }

    /// The value, 2-D.
    func value(_ e: Expr) throws -> Tensor {
        guard memo != nil, !e.children.isEmpty else { return try compute(e) }
        if let known = memo?[e] { return known }
        let result = try compute(e)
        memo?[e] = result
        return result
    }

    private func compute(_ e: Expr) throws -> Tensor {
        switch e {
        case .variable(let name, _):
            return inputs[name]!
        case .number(let x):
            return constant(x)
        case .identity(let n):
            return Tensor.eye(try size(n), dtype: dtype)
        case .ones(let s):
            return Tensor.ones([try size(s.rows), try size(s.cols)], dtype: dtype)
        case .zeros(let s):
            return Tensor.zeros([try size(s.rows), try size(s.cols)], dtype: dtype)

        case .sum(let terms):
            guard let first = terms.first else { return constant(0) }
            var out = try value(first)
            for t in terms.dropFirst() { out = out + (try value(t)) }
            return out
        case .product(let factors):
            guard let first = factors.first else { return constant(1) }
            var out = try value(first)
            for f in factors.dropFirst() { out = out.matmul(try value(f)) }
            return out
        case .scale(let s, let a):
            return try value(s) * value(a)
        case .divide(let a, let s):
            return try value(a) / value(s)
        case .hadamard(let a, let b):
            return try value(a) * value(b)
        case .hadamardDivide(let a, let b):
            return try value(a) / value(b)
        case .kronecker(let a, let b):
            return Tensor.kron(try value(a), try value(b))

        case .transpose(let a):
            return try value(a).t()
        case .inverse(let a):
            return try value(a).inverse()
        case .matrixPower(let a, let k):
            return try value(a).matrixPower(k)
        case .power(let a, let p):
            return try value(a).pow(p)

        case .apply(let f, let a):
            let x = try value(a)
            switch f {
            case .exp: return x.exp()
            case .log: return x.log()
            case .sin: return x.sin()
            case .cos: return x.cos()
            case .tanh: return x.tanh()
            case .sigmoid: return x.sigmoid()
            case .relu: return x.relu()
            case .abs: return x.abs()
            case .sqrt: return x.sqrt()
            case .step: return mask(x > 0)
            case .sign: return x.sign()
            }
        case .maximum(let a, let c):
            // where(A > c, A, c): the derivative is 1{A > c}, 0 at ties (like relu at 0).
            let x = try value(a)
            return Tensor.where(x > c, x, scalar(c))
        case .minimum(let a, let c):
            let x = try value(a)
            return Tensor.where(x < c, x, scalar(c))
        case .indicator(let a, let op, let b):
            let x = try value(a), y = try value(b)
            switch op {
            case .greater: return mask(x > y)
            case .greaterOrEqual: return mask(x >= y)
            case .less: return mask(x < y)
            case .lessOrEqual: return mask(x <= y)
            }

        case .trace(let a):
            return try value(a).trace().reshaped([1, 1])
        case .det(let a):
            return try value(a).det().reshaped([1, 1])
        case .logdet(let a, let absolute):
            let x = try value(a)
            return (absolute ? x.slogdet().logAbsDet : x.logdet()).reshaped([1, 1])
        case .diag(let a):
            let x = try value(a)
            if a.shape.cols.size(in: [:]) == 1 { return x.reshaped([-1]).diag() }
            return x.diag().reshaped([-1, 1])
        case .vec(let a):
            return try value(a).t().reshaped([-1, 1])
        case .sumEntries(let a):
            return try value(a).sum().reshaped([1, 1])
        case .norm(let a, let kind):
            return try value(a).norm(p: kind == .one ? 1 : 2).reshaped([1, 1])
        case .softmax(let a):
            // A column: over its entries; a matrix (or row): in each row.
            let x = try value(a)
            return x.softmax(dim: a.shape.cols.size(in: [:]) == 1 ? 0 : 1)
        case .logsumexp(let a):
            return try value(a).logsumexp().reshaped([1, 1])

        case .differential:
            throw EvaluationError.unsupported("the differential \(e.text): differentials only appear in derivations")
        }
    }
}
