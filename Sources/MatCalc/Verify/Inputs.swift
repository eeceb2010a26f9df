import MatCalcSymbolic
import MatCalcTensor

/// How `check` obtains its inputs: concrete sizes for the dimensions, and each variable's values.
public struct CheckInputs: Sendable {
    /// The size of every dimension name.
    public let sizes: [String: Int]
    /// Dimension sizes that were chosen automatically (not given with `--dims`).
    public let chosenSizes: [String]
    /// Each variable's values, in its natural shape ([], [n], [n, m]).
    public let values: [String: Tensor]
    /// How each variable was obtained, in declaration order: `randn`, a construction, or a file.
    public let provenance: [(name: String, how: String)]

    /// Small, distinct sizes for dimensions the user did not size, so that a missing transpose
    /// cannot hide behind a square shape.
    static let defaultSizes = [5, 4, 3, 6, 7, 8, 9, 2, 10, 11, 12, 13]

    /// Draws (or loads) every declared variable, in declaration order, from one generator seeded
    /// like `torch.manual_seed(seed)`: a gaussian variable is exactly `torch.randn(shape)`.
    public static func make(
        for f: Expr, declarations: Declarations, dims: [String: Int], seed: UInt64, dtype: DType,
        initializations: [String: Initialization], loaded: [String: Tensor]
    ) throws -> CheckInputs {
        var sizes = dims
        var chosen: [String] = []
        var next = defaultSizes.filter { !dims.values.contains($0) }.makeIterator()
        for name in declarations.dimensionNames where sizes[name] == nil {
            sizes[name] = next.next() ?? 3
            chosen.append(name)
        }
        let automatic = Self.domainInitializations(f)
        let generator = Generator(seed: seed)
        var values: [String: Tensor] = [:]
        var provenance: [(String, String)] = []
        for name in declarations.names {
            let shape = declarations.shape(of: name)!
            let natural = try naturalShape(shape, sizes: sizes, name: name)
            if let tensor = loaded[name] {
                guard tensor.shape == natural else {
                    throw SymbolicError(
                        .declaration,
                        "--load \(name): the file holds a \(Shape.describe(tensor.shape)) array, but \(name) is declared \(shape) = \(Shape.describe(natural))")
                }
                values[name] = tensor.to(dtype)
                provenance.append((name, "loaded from file"))
                continue
            }
            let (initialization, reason) = initializations[name].map { ($0, "--init") } ?? automatic[name] ?? (.gaussian, "")
            if initialization.needsSquare && (natural.count != 2 || natural[0] != natural[1]) {
                throw SymbolicError(.declaration, "\(name) is \(shape) = \(Shape.describe(natural)); the \(initialization.rawValue) construction needs a square matrix")
            }
            values[name] = initialization.sample(natural, dtype: dtype, generator: generator)
            let how = initialization == .gaussian
                ? "randn(\(natural.map(String.init).joined(separator: ", ")))"
                : "\(initialization.rawValue) (\(reason.isEmpty ? "chosen" : reason))"
            provenance.append((name, how))
        }
        return CheckInputs(sizes: sizes, chosenSizes: chosen, values: values, provenance: provenance)
    }

    /// [], [n] or [n, m] for a declared shape under `sizes`.
    static func naturalShape(_ shape: MatrixShape, sizes: [String: Int], name: String) throws -> [Int] {
        guard let r = shape.rows.size(in: sizes), let c = shape.cols.size(in: sizes) else {
            throw SymbolicError(.declaration, "no size for a dimension of \(name) (\(shape)); give it with --dims")
        }
        if shape.isScalar { return [] }
        if shape.isColumn { return [r] }
        return [r, c]
    }

    /// Constructions the expression needs for its variables to be in its domain, with the reason:
    /// log det X → spd, X⁻¹ or det X → wellcond, log / sqrt / fractional powers → positive.
    static func domainInitializations(_ f: Expr) -> [String: (Initialization, String)] {
        var result: [String: (Initialization, String)] = [:]
        func assign(_ e: Expr, _ i: Initialization, _ why: String) {
            for v in e.variableNames where result[v] == nil { result[v] = (i, why) }
        }
        func walk(_ e: Expr) {
            switch e {
            case .logdet(.variable(let v, _), _) where result[v] == nil: result[v] = (.spd, "log det needs a positive definite matrix")
            case .inverse(.variable(let v, _)) where result[v] == nil: result[v] = (.wellcond, "the inverse needs a well-conditioned matrix")
            case .det(.variable(let v, _)) where result[v] == nil: result[v] = (.wellcond, "det is taken of an invertible matrix")
            case .apply(.log, let a) where !positiveByConstruction(a): assign(a, .positive, "log needs positive entries")
            case .apply(.sqrt, let a) where !positiveByConstruction(a): assign(a, .positive, "sqrt needs positive entries")
            case .power(let a, let p) where p.rounded() != p: assign(a, .positive, "a fractional power needs positive entries")
            case .hadamardDivide(_, let b): assign(b, .positive, "entrywise division needs nonzero entries")
            default: break
            }
            e.children.forEach(walk)
        }
        walk(f)
        return result
    }

    /// Whether every entry is positive whatever the variables are (exp, σ, softmax, and positive sums of them).
    static func positiveByConstruction(_ e: Expr) -> Bool {
        switch e {
        case .apply(.exp, _), .apply(.sigmoid, _), .softmax, .ones: true
        case .number(let v): v > 0
        case .sum(let terms): terms.allSatisfy(positiveByConstruction)
        case .scale(.number(let c), let a): c > 0 && positiveByConstruction(a)
        default: false
        }
    }
}
