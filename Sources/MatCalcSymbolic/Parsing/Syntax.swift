/// The untyped syntax tree the parser builds: what was written and where, before names and shapes
/// are looked up. Every node carries the range of its text.
struct Syntax: Sendable {
    indirect enum Kind: Sendable {
        case identifier(String)
        case number(Double)
        /// `( … )`, `[ … ]`, `{ … }`.
        case group(Syntax)
        /// Unary minus.
        case negate(Syntax)
        /// `a ± b ± …`: the terms with their signs (the first is always `+`) and operator ranges.
        case sum([Term])
        /// Juxtaposition `X W` (implicit product).
        case juxtaposition([Syntax])
        case binary(BinaryOperator, operatorRange: SourceRange, Syntax, Syntax)
        case comparison(Comparison, operatorRange: SourceRange, Syntax, Syntax)
        case postfix(Syntax, Postfix, operatorRange: SourceRange)
        /// `f(a, b)`, or `f a` by juxtaposition (one argument).
        case call(String, nameRange: SourceRange, [Syntax])
        /// `||a||`, `||a||_F`, `‖a‖₂`…
        case norm(Syntax, NormSubscript)
        /// `|a|`.
        case absolute(Syntax)
        /// `1{a > b}`.
        case indicator(Syntax)
        /// `dX`, `d(a)`, `\mathrm{d}a`: the differential of `a` (in derivations only).
        case differential(Syntax)
    }

    struct Term: Sendable {
        var negative: Bool
        var operatorRange: SourceRange?
        var syntax: Syntax
    }

    enum BinaryOperator: Sendable {
        case product, divide, hadamard, hadamardDivide, kronecker
    }

    enum Postfix: Sendable {
        case transpose, inverse, inverseTranspose
        /// `^p` (a matrix power for integers and square matrices, else a scalar power).
        case power(Double)
        /// `.^p`.
        case entrywisePower(Double)
    }

    enum NormSubscript: Sendable {
        case none, frobenius, two, one
    }

    var kind: Kind
    var range: SourceRange
    /// The height of the tree below and including this node (bounded by the parser).
    var depth: Int

    var children: [Syntax] {
        switch kind {
        case .identifier, .number: []
        case .group(let a), .negate(let a), .postfix(let a, _, _), .norm(let a, _), .absolute(let a), .indicator(let a),
            .differential(let a):
            [a]
        case .sum(let terms): terms.map(\.syntax)
        case .juxtaposition(let items), .call(_, _, let items): items
        case .binary(_, _, let a, let b), .comparison(_, _, let a, let b): [a, b]
        }
    }

    /// The value of a constant made of numbers, signs, groups and arithmetic (`-1`, `(0.5)`, `1/2`).
    var constantValue: Double? {
        switch kind {
        case .number(let x): return x
        case .group(let a): return a.constantValue
        case .negate(let a): return a.constantValue.map { -$0 }
        case .binary(.divide, _, let a, let b):
            guard let x = a.constantValue, let y = b.constantValue, y != 0 else { return nil }
            return x / y
        case .binary(.product, _, let a, let b):
            guard let x = a.constantValue, let y = b.constantValue else { return nil }
            return x * y
        default: return nil
        }
    }
}
