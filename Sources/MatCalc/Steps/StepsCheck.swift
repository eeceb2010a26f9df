import MatCalcSymbolic
import MatCalcTensor

// Every line of a derivation is a scalar linear in differentials. At a random point x with a random
// direction dx, a differential dE is the directional derivative of E along dx: exact for a variable
// (dV is the direction), and for any other E a fourth-order central difference of E in Float64,
// (8 (E(x + h dx) − E(x − h dx)) − (E(x + 2h dx) − E(x − 2h dx))) / 12h, whose error is ~1e-12 for
// smooth E. Piecewise-linear E (relu, max, abs) are exact between kinks; a kink within 2h of the
// point shows as a disagreement between two step sizes, and the smaller step is then used.
// The numbers are an independent oracle: no symbolic rule is involved in checking a line.

/// How `checkSteps` samples.
public struct StepsCheckOptions: Sendable {
    /// Sizes of named dimensions (`--dims`); others are chosen as in `check`.
    public var dims: [String: Int]
    /// Point k draws its variables as `torch.manual_seed(seed + k)` then `randn` in declaration order
    /// (domain constructions as in `check`); its direction from seed + 1000 + k.
    public var seed: UInt64
    /// The number of random points (each with its own direction).
    public var points: Int
    /// Two values agree when |a − b| ≤ rtol · max(|a|, |b|) (plus 1e-10 of the point's scale).
    public var rtol: Double

    public init(dims: [String: Int] = [:], seed: UInt64 = 0, points: Int = 3, rtol: Double = 1e-6) {
        self.dims = dims
        self.seed = seed
        self.points = points
        self.rtol = rtol
    }
}

/// The outcome of checking a derivation line by line.
public struct StepsResult: Sendable {
    /// One line of the chain.
    public struct LineResult: Sendable {
        public let line: Int
        public let text: String
        /// The line as parsed, in the text notation.
        public let parsed: String
        /// What the line is compared with: `df` (the true differential of f), `lhs` (the first line's
        /// left side when there is no f), `previous` (the line before).
        public let reference: String
        public let valid: Bool
        /// At the point where the two differ most (1-based): this line's value and the reference's.
        public let point: Int
        public let value: Double
        public let referenceValue: Double
        public let relativeDifference: Double
        /// A known rule the step broke, when one explains the numbers.
        public let hint: String?
    }

    /// A gradient claimed by the last line (`tr(Gᵀ dV)`, `⟨G, dV⟩`) or by a `∂f/∂V = G` line.
    public struct ClaimResult: Sendable {
        public let variable: String
        public let line: Int
        /// The claimed gradient in the text notation (read off the last line, or as written).
        public let gradient: String
        /// Whether it equals the derived gradient of f at every point; nil without f.
        public let valid: Bool?
        public let maxRelativeDifference: Double?
    }

    public enum Verdict: Sendable, Equatable {
        /// Every line follows from the one before, and the first from df.
        case allStepsValid
        /// The last line equals df (and the claims hold) although these lines are wrong.
        case errorsCancel(wrongLines: [Int])
        /// The last line (or a claim) is wrong; the first wrong line, if a step is to blame.
        case finalResultWrong(firstWrongLine: Int?)
    }

    public let lines: [LineResult]
    public let claims: [ClaimResult]
    public let verdict: Verdict
    /// Whether the chain could be compared with the true df (f given, or a first line with a left side).
    public let hasReference: Bool
    public let sizes: [String: Int]
    public let chosenSizes: [String]
    /// How each variable was drawn at the first point.
    public let provenance: [(name: String, how: String)]
    /// The variables whose differentials are random directions (the others' are 0).
    public let varying: [String]
    public let points: Int
    public let seed: UInt64

    /// 0 when every step and claim holds, 1 otherwise.
    public var exitCode: Int32 {
        verdict == .allStepsValid && claims.allSatisfy({ $0.valid != false }) ? 0 : 1
    }
}

/// Checks every line of a derivation against the one before (the first against df), reads the
/// claimed gradient off the last line, and says whether errors cancel.
/// - Throws: `SymbolicError` for inputs that cannot be drawn (sizes), `EvaluationError` or
///   `TensorError` when a line cannot be evaluated at the points (a singular matrix).
public func checkSteps(_ document: StepsDocument, options: StepsCheckOptions = StepsCheckOptions()) throws -> StepsResult {
    var checker = try StepsChecker(document, options)
    return try checker.run()
}

/// The values of the variables and of their directions at one point.
struct StepsPoint {
    var values: [String: Tensor]
    var directions: [String: Tensor]
}

struct StepsChecker {
    let document: StepsDocument
    let options: StepsCheckOptions
    /// Each defined name (and f) as an expression in the variables alone.
    var inlined: [String: Expr] = [:]
    var points: [StepsPoint] = []
    var sizes: [String: Int] = [:]
    var chosenSizes: [String] = []
    var provenance: [(name: String, how: String)] = []
    let varying: [String]

    init(_ document: StepsDocument, _ options: StepsCheckOptions) throws {
        self.document = document
        self.options = options
        varying = document.wrt ?? document.variables.names
        for (name, expr) in document.definitions { inlined[name] = inline(expr) }
        if let f = document.objective { inlined["f"] = inline(f) }
        let everything = Expr.sum(Array(inlined.values) + document.lines.map { inline($0.expr) })
        for k in 0..<Swift.max(1, options.points) {
            let inputs = try CheckInputs.make(
                for: everything, declarations: document.variables, dims: options.dims, seed: options.seed &+ UInt64(k),
                dtype: .float64, initializations: [:], loaded: [:])
            let generator = Generator(seed: options.seed &+ 1000 &+ UInt64(k))
            var directions: [String: Tensor] = [:]
            for name in document.variables.names {
                let value = inputs.values[name]!
                directions[name] = varying.contains(name)
                    ? Initialization.gaussian.sample(value.shape, dtype: .float64, generator: generator)
                    : value * 0.0
            }
            points.append(StepsPoint(values: inputs.values, directions: directions))
            if k == 0 { (sizes, chosenSizes, provenance) = (inputs.sizes, inputs.chosenSizes, inputs.provenance) }
        }
    }

    /// `e` with every defined name replaced by its definition (in the variables alone).
    func inline(_ e: Expr) -> Expr {
        var result = e
        for name in inlined.keys {
            let shape = document.scope.shape(of: name)!
            result = result.replacing(.variable(name, shape), with: inlined[name]!)
        }
        return result
    }

    // MARK: Values

    /// The value (1×1) of a line at a point: differentials become their directional derivatives.
    func value(_ e: Expr, at point: StepsPoint) throws -> Double {
        let t = try tensorValue(e, at: point)
        guard t.count == 1 else { throw SymbolicError(.shape, "\(e.text) is \(e.shape), not a number") }
        return t.item(as: Double.self)
    }

    func tensorValue(_ e: Expr, at point: StepsPoint) throws -> Tensor {
        var expr = inline(e)
        var variables = point.values
        for (k, differential) in expr.differentials.enumerated() {
            guard case .differential(let inner) = differential else { continue }
            guard !inner.containsDifferential else {
                throw SymbolicError(.unsupported, "a differential of a differential, \(differential.text), has no value here")
            }
            let name = "∂\(k)"
            variables[name] = try directionalDerivative(of: inner, at: point)
            expr = expr.replacing(differential, with: .variable(name, inner.shape))
        }
        return try evaluate(expr, variables: variables, sizes: sizes, dtype: .float64)
    }

    /// dE at the point along its direction (2-D, E's shape).
    func directionalDerivative(of e: Expr, at point: StepsPoint) throws -> Tensor {
        if case .variable(let v, _) = e, let d = point.directions[v] {
            return try evaluate(e, variables: [v: d], sizes: sizes, dtype: .float64)
        }
        func at(_ t: Double) throws -> Tensor {
            var shifted = point.values
            for (v, d) in point.directions { shifted[v] = point.values[v]! + t * d }
            return try evaluate(e, variables: shifted, sizes: sizes, dtype: .float64)
        }
        func stencil(_ h: Double) throws -> Tensor {
            let near = try at(h) - at(-h), far = try at(2 * h) - at(-2 * h)
            return (8.0 * near - far) * (1 / (12 * h))
        }
        var previous = try stencil(1e-3)
        for h in [3e-4, 1e-4, 1e-5] {
            let current = try stencil(h)
            let a = previous.scalars(as: Double.self), b = current.scalars(as: Double.self)
            let scale = Swift.max(1, a.map(Swift.abs).max() ?? 0, b.map(Swift.abs).max() ?? 0)
            if zip(a, b).allSatisfy({ Swift.abs($0 - $1) <= 1e-8 * scale }) { return current }
            previous = current
        }
        return previous
    }

    func agree(_ a: Double, _ b: Double, scale: Double) -> Bool {
        Swift.abs(a - b) <= options.rtol * Swift.max(Swift.abs(a), Swift.abs(b)) + 1e-10 * scale
    }

    static func relativeDifference(_ a: Double, _ b: Double) -> Double {
        let denominator = Swift.max(Swift.abs(a), Swift.abs(b))
        return denominator == 0 ? 0 : Swift.abs(a - b) / denominator
    }

    // MARK: The run

    mutating func run() throws -> StepsResult {
        let lines = document.lines
        // values[i][p]: line i at point p; reference: the first line's left side (df).
        let values = try lines.map { line in try points.map { try value(line.expr, at: $0) } }
        let reference: [Double]? = try lines.first?.lhs.map { lhs in try points.map { try value(lhs, at: $0) } }
        let scales = points.indices.map { p in
            Swift.max(1, values.map { Swift.abs($0[p]) }.max() ?? 0, reference.map { Swift.abs($0[p]) } ?? 0)
        }

        var results: [StepsResult.LineResult] = []
        for (i, line) in lines.enumerated() {
            let compared: [Double]? = i == 0 ? reference : values[i - 1]
            let label = i == 0 ? (document.objective != nil && line.lhs == .differential(.variable("f", .scalar)) ? "df" : "lhs") : "previous"
            guard let compared else {
                results.append(.init(line: line.line, text: line.text, parsed: line.expr.text, reference: "none", valid: true,
                                     point: 1, value: values[i][0], referenceValue: values[i][0], relativeDifference: 0, hint: nil))
                continue
            }
            let differences = points.indices.map { Self.relativeDifference(values[i][$0], compared[$0]) }
            let worst = differences.indices.max { differences[$0] < differences[$1] } ?? 0
            let valid = points.indices.allSatisfy { agree(values[i][$0], compared[$0], scale: scales[$0]) }
            var hint: String? = nil
            if !valid, i > 0 { hint = try self.hint(from: lines[i - 1].expr, to: line.expr, old: compared, new: values[i], scales: scales) }
            results.append(.init(line: line.line, text: line.text, parsed: line.expr.text, reference: label, valid: valid,
                                 point: worst + 1, value: values[i][worst], referenceValue: compared[worst],
                                 relativeDifference: differences[worst], hint: hint))
        }

        let claims = try claimResults()
        let wrong = results.filter { !$0.valid }.map(\.line)
        var finalRight = true
        // Without a left side (no f), "the final result is right" means the last line equals the first.
        if let start = reference ?? values.first, let last = values.last {
            finalRight = points.indices.allSatisfy { agree(last[$0], start[$0], scale: scales[$0]) }
        }
        finalRight = finalRight && claims.allSatisfy { $0.valid != false }
        let verdict: StepsResult.Verdict =
            if !finalRight { .finalResultWrong(firstWrongLine: wrong.first) }
            else if wrong.isEmpty { .allStepsValid }
            else { .errorsCancel(wrongLines: wrong) }
        return StepsResult(
            lines: results, claims: claims, verdict: verdict, hasReference: reference != nil, sizes: sizes,
            chosenSizes: chosenSizes, provenance: provenance, varying: varying, points: points.count, seed: options.seed)
    }

    // MARK: Claimed gradients

    /// The gradient claimed by the last line (when it holds differentials of variables only) and by
    /// `∂f/∂V = G` lines, each compared with the gradient derived from f.
    func claimResults() throws -> [StepsResult.ClaimResult] {
        var claimed: [(variable: String, line: Int, formula: Expr?, values: [Tensor])] = []
        if let last = document.lines.last, last.expr.differentials.allSatisfy(\.isDifferentialOfVariable),
           !last.expr.differentials.isEmpty {
            let readOff = FinalForm.gradients(in: last.expr)
            for v in last.expr.differentials.compactMap(\.differentiatedVariable).uniqued() {
                let formula = readOff?[v]
                let values = try points.map { p in
                    try formula.map { try evaluate(inline($0), variables: p.values, sizes: sizes, dtype: .float64) }
                        ?? numericGradient(of: last.expr, wrt: v, at: p)
                }
                claimed.append((v, last.line, formula, values))
            }
        }
        for claim in document.claims {
            let values = try points.map { try evaluate(inline(claim.gradient), variables: $0.values, sizes: sizes, dtype: .float64) }
            claimed.append((claim.variable, claim.line, claim.gradient, values))
        }
        return try claimed.map { c in
            let shown = c.formula?.text ?? "(read off numerically)"
            guard let f = inlined["f"] else {
                return .init(variable: c.variable, line: c.line, gradient: shown, valid: nil, maxRelativeDifference: nil)
            }
            let derived = try? differentiate(f, wrt: [c.variable]).gradients.first?.1
            var worst = 0.0
            var valid = true
            for (p, point) in points.enumerated() {
                let truth = try derived.map { try evaluate($0, variables: point.values, sizes: sizes, dtype: .float64) }
                    ?? numericGradient(of: .differential(f), wrt: c.variable, at: point)
                let a = c.values[p].scalars(as: Double.self), b = truth.reshaped(c.values[p].shape).scalars(as: Double.self)
                let scale = Swift.max(b.map(Swift.abs).max() ?? 0, 1e-300)
                for (x, y) in zip(a, b) {
                    worst = Swift.max(worst, Swift.abs(x - y) / scale)
                    if Swift.abs(x - y) > options.rtol * scale + 1e-12 { valid = false }
                }
            }
            return .init(variable: c.variable, line: c.line, gradient: shown, valid: valid, maxRelativeDifference: worst)
        }
    }

    /// The gradient that a line linear in dV implies, entry by entry: its value with dV = Eᵢⱼ (the
    /// other differentials 0). Exact for a line in differentials of variables; finite differences otherwise.
    func numericGradient(of line: Expr, wrt v: String, at point: StepsPoint) throws -> Tensor {
        let value = point.values[v]!
        guard value.count <= 4096 else {
            throw SymbolicError(.unsupported, "\(v) has \(value.count) entries; a gradient is read off numerically up to 4096")
        }
        var entries: [Double] = []
        for j in 0..<value.count {
            var basis = [Double](repeating: 0, count: value.count)
            basis[j] = 1
            var directed = point
            for name in directed.directions.keys { directed.directions[name] = directed.directions[name]! * 0.0 }
            directed.directions[v] = Tensor(shape: value.shape, scalars: basis)
            entries.append(try self.value(line, at: directed))
        }
        return Tensor(shape: value.shape, scalars: entries)
    }

    // MARK: Hints

    /// A known rule broken between two lines, found by trying the usual mistakes on either line and
    /// seeing which one reproduces the numbers; or the constant ratio between them.
    func hint(from old: Expr, to new: Expr, old oldValues: [Double], new newValues: [Double], scales: [Double]) throws -> String? {
        func matches(_ candidate: Expr, _ target: [Double]) -> Bool {
            guard candidate.hasConsistentShapes, candidate.shape.isScalar else { return false }
            for (p, point) in points.enumerated() {
                guard let v = try? value(candidate, at: point), agree(v, target[p], scale: scales[p]) else { return false }
            }
            return true
        }
        for (candidate, message) in StepMistakes.candidates(old) where matches(candidate, newValues) { return message }
        for (candidate, message) in StepMistakes.candidates(new, reversed: true) where matches(candidate, oldValues) { return message }
        let ratios = points.indices.map { newValues[$0] / oldValues[$0] }
        guard let r = ratios.first, r.isFinite, r != 0, ratios.allSatisfy({ Swift.abs($0 - r) <= 1e-6 * Swift.abs(r) }) else {
            return StepMistakes.movedHadamardFactor(from: old, to: new)
        }
        switch r {
        case _ where Swift.abs(r - 0.5) < 1e-9: return "the line is half the previous one: a factor 2 was dropped"
        case _ where Swift.abs(r - 2) < 1e-9: return "the line is twice the previous one: a factor 2 too many"
        case _ where Swift.abs(r + 1) < 1e-9: return "the line is the previous one negated: a sign was lost"
        default: return "the line is \(compactNumber(r)) times the previous one: a constant factor went wrong"
        }
    }
}

extension Expr {
    /// The differential nodes of the expression (outermost ones), distinct, in order.
    var differentials: [Expr] {
        var found: [Expr] = []
        func walk(_ e: Expr) {
            if case .differential = e {
                if !found.contains(e) { found.append(e) }
                return
            }
            e.children.forEach(walk)
        }
        walk(self)
        return found
    }

    var isDifferentialOfVariable: Bool { differentiatedVariable != nil }

    /// V for dV.
    var differentiatedVariable: String? {
        if case .differential(.variable(let v, _)) = self { return v }
        return nil
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
