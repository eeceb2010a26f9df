/// Names the subexpressions that results repeat, as a worked solution does (`R = max(X W, 0) − Y`,
/// `Z = X W`), so long formulas read at a glance.
public struct NamedSubexpressions: Sendable {
    /// The results with repeated subexpressions replaced by their names.
    public let results: [Expr]
    /// The names, in the order they should be defined (each may use the ones before it).
    public let definitions: [(name: String, value: Expr)]

    /// Greedily names the repeated subexpression that saves the most (size × extra occurrences),
    /// at most `limit` times. Only subexpressions of at least three nodes that occur twice or more
    /// across `results` (definitions included) are named; names avoid `reserved`.
    public init(_ results: [Expr], reserved: Set<String>, limit: Int = 3) {
        var current = results
        var definitions: [(String, Expr)] = []
        let candidates = ["R", "Z", "U", "V", "H", "P", "Q", "S", "T", "M"].filter { !reserved.contains($0) }
        for name in candidates.prefix(limit) {
            var counts: [Expr: Int] = [:]
            func count(_ e: Expr) {
                if e.nodeCount >= 3, !e.containsDifferential { counts[e, default: 0] += 1 }
                e.children.forEach(count)
            }
            (current + definitions.map(\.1)).forEach(count)
            guard let (best, _) = counts.filter({ $0.value >= 2 })
                .max(by: { ($0.key.nodeCount * ($0.value - 1), $0.key.text) < ($1.key.nodeCount * ($1.value - 1), $1.key.text) })
            else { break }
            let symbol = Expr.variable(name, best.shape)
            current = current.map { $0.replacing(best, with: symbol) }
            definitions = definitions.map { ($0.0, $0.1.replacing(best, with: symbol)) }
            definitions.append((name, best))
        }
        self.results = current
        // Define each name after the names its value uses.
        var ordered: [(String, Expr)] = []
        var pending = definitions
        while !pending.isEmpty {
            let ready = pending.firstIndex { d in
                !pending.contains { other in other.0 != d.0 && d.1.contains(variable: other.0) }
            } ?? 0
            ordered.append(pending.remove(at: ready))
        }
        self.definitions = ordered
    }
}

extension Expr {
    /// The number of nodes in the tree.
    public var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }

    /// The number of nodes of the tree, counting stopped just past `limit` (so it costs at most that).
    public func nodeCount(upTo limit: Int) -> Int {
        var count = 0
        var stack = [self]
        while let top = stack.popLast(), count <= limit {
            count += 1
            stack.append(contentsOf: top.children)
        }
        return count
    }

    public var containsDifferential: Bool {
        if case .differential = self { return true }
        return children.contains { $0.containsDifferential }
    }

    /// The expression with every occurrence of `target` replaced by `replacement`.
    public func replacing(_ target: Expr, with replacement: Expr) -> Expr {
        if self == target { return replacement }
        func r(_ e: Expr) -> Expr { e.replacing(target, with: replacement) }
        switch self {
        case .variable, .number, .identity, .ones, .zeros: return self
        case .sum(let xs): return .sum(xs.map(r))
        case .product(let xs): return .product(xs.map(r))
        case .scale(let a, let b): return .scale(r(a), r(b))
        case .divide(let a, let b): return .divide(r(a), r(b))
        case .hadamard(let a, let b): return .hadamard(r(a), r(b))
        case .hadamardDivide(let a, let b): return .hadamardDivide(r(a), r(b))
        case .kronecker(let a, let b): return .kronecker(r(a), r(b))
        case .indicator(let a, let op, let b): return .indicator(r(a), op, r(b))
        case .transpose(let a): return .transpose(r(a))
        case .inverse(let a): return .inverse(r(a))
        case .matrixPower(let a, let k): return .matrixPower(r(a), k)
        case .power(let a, let p): return .power(r(a), p)
        case .apply(let f, let a): return .apply(f, r(a))
        case .maximum(let a, let c): return .maximum(r(a), c)
        case .minimum(let a, let c): return .minimum(r(a), c)
        case .trace(let a): return .trace(r(a))
        case .det(let a): return .det(r(a))
        case .logdet(let a, let absolute): return .logdet(r(a), absolute: absolute)
        case .diag(let a): return .diag(r(a))
        case .vec(let a): return .vec(r(a))
        case .sumEntries(let a): return .sumEntries(r(a))
        case .norm(let a, let kind): return .norm(r(a), kind)
        case .softmax(let a): return .softmax(r(a))
        case .logsumexp(let a): return .logsumexp(r(a))
        case .differential(let a): return .differential(r(a))
        }
    }
}
