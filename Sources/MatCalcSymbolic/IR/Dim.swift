/// A dimension of a matrix shape: a symbolic name (`n`, `d`), a fixed size (`4`), or a product
/// of dimensions (the sizes of Kronecker products and of vec).
public indirect enum Dim: Hashable, Sendable, CustomStringConvertible {
    case named(String)
    case fixed(Int)
    case product(Dim, Dim)

    /// The dimension 1 (of vectors' columns and of scalars).
    public static let one = Dim.fixed(1)

    public var description: String {
        switch self {
        case .named(let name): name
        case .fixed(let n): String(n)
        case .product(let a, let b): "\(a)·\(b)"
        }
    }

    /// The size under an assignment of names to sizes; nil when a name is unassigned.
    public func size(in sizes: [String: Int]) -> Int? {
        switch self {
        case .named(let name): sizes[name]
        case .fixed(let n): n
        case .product(let a, let b): a.size(in: sizes).flatMap { x in b.size(in: sizes).map { x * $0 } }
        }
    }
}

/// The shape of a matrix expression. Everything is a matrix: a vector `x: n` is a column
/// `n×1`, its transpose a row `1×n`, and a scalar `1×1`.
public struct MatrixShape: Hashable, Sendable, CustomStringConvertible {
    public var rows: Dim
    public var cols: Dim

    public init(_ rows: Dim, _ cols: Dim) {
        self.rows = rows
        self.cols = cols
    }

    /// The 1×1 shape of scalars.
    public static let scalar = MatrixShape(.one, .one)

    /// A column vector of `n` entries.
    public static func vector(_ n: Dim) -> MatrixShape { MatrixShape(n, .one) }

    public var isScalar: Bool { rows == .one && cols == .one }
    public var isColumn: Bool { cols == .one }
    public var isRow: Bool { rows == .one }
    public var isSquare: Bool { rows == cols }
    public var transposed: MatrixShape { MatrixShape(cols, rows) }

    /// `n×d`, `n` for a column vector, `1×n` for a row, `scalar`.
    public var description: String {
        if isScalar { return "scalar" }
        if isColumn { return "\(rows)" }
        return "\(rows)×\(cols)"
    }
}
