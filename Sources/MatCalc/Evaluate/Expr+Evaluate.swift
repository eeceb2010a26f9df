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
/// 1{A > c} and 1{A < c} (0 at ties, like relu; `max(A, 0)` is relu, NaN included); `step` and
/// `sign` and indicators are 0–1 / ±1 masks with zero derivative, and `A ⊙ 1{…}` selects (0 where
/// the condition fails, even against ±∞ or NaN, as PyTorch's masks do); `log det` is `torch.logdet`
/// (NaN for a negative determinant), the absolute form log |det A| via `slogdet`; softmax and
/// logsumexp are max-shifted (stable); softmax of a matrix is taken in each row, logsumexp over all
/// entries; `vec` is column-major.
public func evaluate(
    _ e: Expr, variables: [String: Tensor], sizes: [String: Int], dtype: DType? = nil
) throws -> Tensor {
    try Evaluator(e, variables: variables, sizes: sizes, dtype: dtype).value(e)
}

/// Evaluates several expressions over the same variables, computing each repeated subexpression once
/// (`X W` in f, ∂f/∂W and ∂f/∂X). Same conventions and errors as ``evaluate(_:variables:sizes:dtype:)``;
/// to evaluate the same expressions many times, make an ``EvaluationPlan`` once.
public func evaluate(
    _ exprs: [Expr], variables: [String: Tensor], sizes: [String: Int], dtype: DType? = nil
) throws -> [Tensor] {
    try EvaluationPlan(exprs).run(variables: variables, sizes: sizes, dtype: dtype)
}

/// Expressions prepared for evaluation over many sets of values: every distinct subexpression is one
/// step, computed once per run and found by its position, not by comparing trees.
public struct EvaluationPlan: Sendable {
    /// The distinct subexpressions, children before parents.
    private var steps: [Expr] = []
    /// For each step, the steps of its children.
    private var arguments: [[Int]] = []
    private var outputs: [Int] = []
    /// Each variable's declared shape, and the variables in order of appearance.
    private var declared: [String: MatrixShape] = [:]
    private var names: [String] = []

    public init(_ exprs: [Expr]) {
        var index: [Expr: Int] = [:]
        func add(_ e: Expr) -> Int {
            if let known = index[e] { return known }
            let args = Evaluator.operands(of: e).map(add)
            if case .variable(let name, let shape) = e, declared[name] == nil {
                declared[name] = shape
                names.append(name)
            }
            steps.append(e)
            arguments.append(args)
            index[e] = steps.count - 1
            return steps.count - 1
        }
        outputs = exprs.map(add)
    }

    /// The value of each expression, 2-D, as ``evaluate(_:variables:sizes:dtype:)`` gives it.
    public func run(variables: [String: Tensor], sizes: [String: Int], dtype: DType? = nil) throws -> [Tensor] {
        let evaluator = try Evaluator(declared: declared, names: names, variables: variables, sizes: sizes, dtype: dtype)
        var values: [Tensor] = []
        values.reserveCapacity(steps.count)
        for (e, args) in zip(steps, arguments) { values.append(try evaluator.compute(e, args.map { values[$0] })) }
        return outputs.map { values[$0] }
    }
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

    convenience init(_ e: Expr, variables: [String: Tensor], sizes: [String: Int], dtype: DType?) throws {
        var declared: [String: MatrixShape] = [:]
        func collect(_ x: Expr) {
            if case .variable(let name, let shape) = x, declared[name] == nil { declared[name] = shape }
            x.children.forEach(collect)
        }
        collect(e)
        try self.init(declared: declared, names: e.variableNames, variables: variables, sizes: sizes, dtype: dtype)
    }

    init(declared: [String: MatrixShape], names: [String], variables: [String: Tensor], sizes: [String: Int], dtype: DType?) throws {
        self.sizes = sizes
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
            inputs[name] = t.shape == [rows, cols] ? t : t.reshaped([rows, cols])
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

    /// `x op y` entrywise, as a bool tensor.
    private func comparison(_ op: Comparison, _ x: Tensor, _ y: Tensor) -> Tensor {
        switch op {
        case .greater: x > y
        case .greaterOrEqual: x >= y
        case .less: x < y
        case .lessOrEqual: x <= y
        }
    }

    /// The product of `factors` from their operands' values (a transposed factor's value untransposed).
    private func product(_ factors: [Expr], _ c: [Tensor]) -> Tensor {
        guard !factors.isEmpty else { return constant(1) }
        let transposed = factors.map(Evaluator.isTransposed)
        if factors.count == 1 { return transposed[0] ? c[0].t() : c[0] }
        var value = c[0]
        for i in 1..<factors.count {
            value = Tensor.matmul(value, c[i], transposeA: i == 1 && transposed[0], transposeB: transposed[i])
        }
        return value
    }

    /// The value, 2-D.
    func value(_ e: Expr) throws -> Tensor {
        try compute(e, Evaluator.operands(of: e).map(value))
    }

    /// The expressions whose values `compute` takes for `e`: its children, except that a transposed
    /// factor of a product is taken untransposed, for the GEMM to read transposed (no copy of Xᵀ).
    /// A negated term of a sum is taken unnegated, to be subtracted (a + (−y) is a − y exactly).
    /// A Hadamard product with an indicator takes the indicator's operands, to select in one pass.
    /// A power-of-two multiple of a product, 2 Z Wᵀ, scales the smallest of its factors and its
    /// result (exact either way).
    static func operands(of e: Expr) -> [Expr] {
        switch e {
        case .product(let factors):
            return factors.map { if case .transpose(let inner) = $0 { inner } else { $0 } }
        case .sum(let terms):
            return terms.map { negated($0) ?? $0 }
        case .hadamard(let x, .indicator(let a, _, let b)), .hadamard(.indicator(let a, _, let b), let x):
            return [x, a, b]
        case .scale(.number(let c), .product(let factors)) where isPowerOfTwo(c):
            return [.number(c)] + operands(of: .product(factors))
        default:
            return e.children
        }
    }

    /// `t` for a term −t, written as −1 · t.
    private static func negated(_ e: Expr) -> Expr? {
        if case .scale(.number(-1), let t) = e { return t }
        return nil
    }

    private static func isPowerOfTwo(_ c: Double) -> Bool { c.isFinite && c != 0 && c.significand == 1 }

    private static func isTransposed(_ factor: Expr) -> Bool {
        if case .transpose = factor { return true }
        return false
    }

    /// The value of `e` (2-D) from the values of its operands, `c[i]` for `operands(of: e)[i]`.
    func compute(_ e: Expr, _ c: [Tensor]) throws -> Tensor {
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
            guard !terms.isEmpty else { return constant(0) }
            var value = Evaluator.negated(terms[0]) == nil ? c[0] : -c[0]
            for i in 1..<terms.count { value = Evaluator.negated(terms[i]) == nil ? value + c[i] : value - c[i] }
            return value
        case .product(let factors):
            return product(factors, c)
        case .scale(.number(let k), .product(let factors)) where Evaluator.isPowerOfTwo(k):
            // c[0] is k; the smallest factor takes it, unless the result is smaller still.
            var factorValues = Array(c.dropFirst())
            let smallest = factorValues.indices.min { factorValues[$0].count < factorValues[$1].count }!
            // The result's rows and columns, read off the first and last factors' (2-D) values.
            let first = factorValues[0].shape, last = factorValues[factorValues.count - 1].shape
            let rows = Evaluator.isTransposed(factors[0]) ? first[1] : first[0]
            let cols = Evaluator.isTransposed(factors[factors.count - 1]) ? last[0] : last[1]
            if rows * cols <= factorValues[smallest].count { return product(factors, factorValues) * c[0] }
            factorValues[smallest] = factorValues[smallest] * c[0]
            return product(factors, factorValues)
        case .scale:
            return c[0] * c[1]
        case .divide:
            return c[0] / c[1]
        case .hadamard(_, .indicator(_, let op, _)), .hadamard(.indicator(_, let op, _), _):
            // A ⊙ 1{B > c} selects A where the condition holds, as a mask does in PyTorch's own
            // backward passes (relu's threshold_backward): 0 elsewhere, even where A is ±∞ or NaN.
            return Tensor.where(comparison(op, c[1], c[2]), c[0], scalar(0))
        case .hadamard:
            return c[0] * c[1]
        case .hadamardDivide:
            return c[0] / c[1]
        case .kronecker:
            return Tensor.kron(c[0], c[1])

        case .transpose:
            return c[0].t()
        case .inverse:
            return try c[0].inverse()
        case .matrixPower(_, let k):
            return try c[0].matrixPower(k)
        case .power(_, let p):
            return c[0].pow(p)

        case .apply(let f, _):
            let x = c[0]
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
        case .maximum(_, let bound):
            // where(A > c, A, c): the derivative is 1{A > c}, 0 at ties. For c = 0 that is relu, one
            // pass, whose NaN propagates as in the emitted np.maximum / torch.relu.
            let x = c[0]
            if bound == 0 { return x.relu() }
            return Tensor.where(x > bound, x, scalar(bound))
        case .minimum(_, let bound):
            let x = c[0]
            return Tensor.where(x < bound, x, scalar(bound))
        case .indicator(_, let op, _):
            return mask(comparison(op, c[0], c[1]))

        case .trace:
            return c[0].trace().reshaped([1, 1])
        case .det:
            return c[0].det().reshaped([1, 1])
        case .logdet(_, let absolute):
            let x = c[0]
            return (absolute ? x.slogdet().logAbsDet : x.logdet()).reshaped([1, 1])
        case .diag(let a):
            let x = c[0]
            if a.shape.cols.size(in: [:]) == 1 { return x.reshaped([-1]).diag() }
            return x.diag().reshaped([-1, 1])
        case .vec:
            return c[0].t().reshaped([-1, 1])
        case .sumEntries:
            return c[0].sum().reshaped([1, 1])
        case .norm(_, let kind):
            return c[0].norm(p: kind == .one ? 1 : 2).reshaped([1, 1])
        case .softmax(let a):
            // A column: over its entries; a matrix (or row): in each row.
            let x = c[0]
            return x.softmax(dim: a.shape.cols.size(in: [:]) == 1 ? 0 : 1)
        case .logsumexp:
            return c[0].logsumexp().reshaped([1, 1])

        case .differential:
            throw EvaluationError.unsupported("the differential \(e.text): differentials only appear in derivations")
        }
    }
}
