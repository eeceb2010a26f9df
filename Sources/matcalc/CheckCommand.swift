import ArgumentParser
import Foundation
import MatCalc

/// `matcalc check EXPR --var …`: derive the gradients, then prove them on PyTorch-identical random
/// data against autograd and finite differences; check the user's own formulas with `--claim`.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify derived gradients (and your own claimed formulas) against autograd and finite differences.",
        discussion: """
            Inputs are drawn like PyTorch: after torch.manual_seed(S), each variable in declaration order is
            torch.randn(shape) (dtype float32 unless --dtype float64), unless the expression needs a domain
            (log det → spd, inverse → wellcond, log/sqrt → positive) or --init / --load says otherwise.
            Exit status: 0 all verified, 1 a mismatch or a wrong claim, 2 a usage, parse, shape or unsupported error.
            Examples:
              matcalc check '||max(X W, 0) - Y||_F^2' --var 'X: 10x4' --var 'W: 4x4' --var 'Y: 10x4' --print
              matcalc check 'x^T A x' --var 'x: n' --var 'A: n×n' --claim 'x = 2 A x'
            """
    )

    @Argument(help: "The objective (`-` reads it from standard input), e.g. '||X w - y||^2 + lam ||w||^2'.")
    var expression: String

    @Option(name: .customLong("var"), help: "A variable and its shape: 'X: 10x4', 'x: n', 'lam'. Repeat for each variable.")
    var variables: [String] = []

    @Option(name: .long, help: "Check these variables only, comma-separated (default: all).")
    var wrt: String?

    @Option(name: .long, parsing: .unconditional, help: "The seed of torch.manual_seed (default 0).")
    var seed: String = "0"

    @Option(name: .long, help: "float32 (default, like PyTorch) or float64.")
    var dtype: String = "float32"

    @Option(name: .long, help: "Sizes of symbolic dimensions: 'n=10,d=4' (repeatable).")
    var dims: [String] = []

    @Option(name: .customLong("init"), help: "How to draw a variable: 'S=spd' (gaussian, small, wellcond, spd, sym, positive, pm1, 01, simplex, onehot_rows).")
    var initializations: [String] = []

    @Option(name: .long, help: "Read a variable from a NumPy .npy file: 'X=data/X.npy' (float32 or float64, C order).")
    var load: [String] = []

    @Option(name: .long, help: "Your formula for a gradient: 'W = 2 X^T (X W - Y)'. Repeatable.")
    var claim: [String] = []

    @Option(name: .long, parsing: .unconditional, help: "Relative tolerance of the verdict (default: 1e-4 for float32, 1e-7 for float64).")
    var rtol: Double?

    @Option(name: .long, parsing: .unconditional, help: "Absolute tolerance of the verdict (default: 1e-5 / 1e-9, times max(1, max |gradient|)).")
    var atol: Double?

    @Flag(name: .long, help: "Print f and each autograd gradient as PyTorch prints tensors.")
    var print = false

    @Flag(name: .long, help: "Show the derivation, step by step.")
    var steps = false

    @Flag(name: .long, help: "Also verify the Hessian of each variable (formula vs double backward vs finite differences).")
    var hessian = false

    @Flag(name: .long, help: "For a vector- or matrix-valued expression: verify its Jacobians instead of gradients.")
    var jacobian = false

    @Flag(name: .long, help: "Print how the expression was read (on standard error): the parsed expression and the readings chosen.")
    var explain = false

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func run() throws {
        guard format == "text" || format == "json" else { throw UsageError("--format must be text or json, got '\(format)'") }
        guard let dtype = DType(name: dtype), dtype.isFloatingPoint else {
            throw UsageError("--dtype must be float32 or float64, got '\(self.dtype)'")
        }
        if let rtol, !(rtol >= 0 && rtol.isFinite) { throw UsageError("--rtol must be a non-negative number, got \(rtol)") }
        if let atol, !(atol >= 0 && atol.isFinite) { throw UsageError("--atol must be a non-negative number, got \(atol)") }
        let seed = try RandnCommand.parseSeed(seed)
        let declarations = try Declarations.parsing(variables)
        let expression = try readExpression(self.expression)
        let f = try parseObjective(expression, declarations: declarations, explain: explain)
        guard f.shape.isScalar || jacobian else {
            throw UsageError("check verifies gradients of a scalar objective, but f is \(f.shape); use --jacobian to verify its Jacobians")
        }
        if jacobian && hessian { throw UsageError("--jacobian and --hessian cannot be combined") }
        let targets = try DeriveCommand.targets(wrt, declarations: declarations, expression: f)
        let sizes = try Self.parseDims(dims, declarations: declarations)
        let inits = try Self.parseAssignments(initializations, option: "--init", declarations: declarations) { name, value in
            guard let i = Initialization(rawValue: value) else {
                throw UsageError("--init \(name)=\(value): unknown construction; use one of \(Initialization.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return i
        }
        let loaded = try Self.parseAssignments(load, option: "--load", declarations: declarations) { _, path in
            try loadNPY(contentsOf: URL(fileURLWithPath: path))
        }
        let claims = try claim.map { text in try Self.parseClaim(text, declarations: declarations, targets: targets) }
        for c in claims where !targets.contains(c.wrt) {
            throw UsageError("--claim for '\(c.wrt)', which is not among the variables checked (\(targets.joined(separator: ", ")))")
        }

        let inputs = try CheckInputs.make(
            for: f, declarations: declarations, dims: sizes, seed: seed, dtype: dtype, initializations: inits, loaded: loaded)
        try Self.checkSizeLimits(f, targets: targets, inputs: inputs, hessian: hessian, jacobian: jacobian)
        let tolerances = rtol != nil || atol != nil
            ? Tolerances(rtol: rtol ?? 0, atol: atol ?? 0, scaledAtol: false)
            : Tolerances.defaults(for: dtype)
        if jacobian {
            guard claims.isEmpty else { throw UsageError("--claim checks gradients; it cannot be combined with --jacobian") }
            let checks = try verifyJacobians(of: f, wrt: targets, inputs: inputs, dtype: dtype, tolerances: tolerances)
            let report = JacobianReport(objective: f, seed: self.seed, dtype: dtype, inputs: inputs, checks: checks, tolerances: tolerances)
            Swift.print(format == "json" ? try prettyJSON(report) : report.text, terminator: "")
            if !checks.allSatisfy(\.verified) { throw ExitCode(1) }
            return
        }
        let derivation = try differentiate(f, wrt: targets)
        var problems = domainDiagnostics(of: f, variables: inputs.values, sizes: inputs.sizes, dtype: dtype)
        let result: CheckResult
        do {
            result = try verifyGradients(
                of: f, derivation: derivation, inputs: inputs, dtype: dtype, claims: claims, tolerances: tolerances)
        } catch let error as TensorError {
            // A singular matrix at the drawn inputs: the check cannot run there; say why and where.
            FileHandle.standardError.write(Data(("error: f cannot be evaluated at these inputs: \(error)\n"
                + problems.map { "  - \($0)\n" }.joined() + "  (draw other inputs with --seed or --init)\n").utf8))
            throw ExitCode(1)
        }
        let value = result.value.doubleValue
        if !value.isFinite { problems.insert("f = \(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf") at these inputs", at: 0) }
        for g in result.gradients {
            for (label, t) in [("formula", g.derived), ("autograd", g.autograd)] {
                let values = t.scalars(as: Double.self)
                if let i = values.firstIndex(where: { !$0.isFinite }) {
                    let index = zip(Shape.strides(t.shape), t.shape).map { (i / $0) % $1 }
                    let v = values[i].isNaN ? "nan" : values[i] > 0 ? "inf" : "-inf"
                    problems.append("∂f/∂\(g.wrt) (\(label)) is not finite: entry [\(index.map(String.init).joined(separator: ", "))] = \(v)")
                }
            }
        }
        let hessians = hessian
            ? try verifyHessians(of: f, wrt: targets, inputs: inputs, dtype: dtype, tolerances: tolerances) : []
        let report = CheckReport(
            expression: expression, objective: f, seed: self.seed, dtype: dtype, declarations: declarations,
            inputs: inputs, derivation: derivation, result: result, hessians: hessians, problems: problems)
        Swift.print(format == "json" ? try report.json() : report.text(steps: steps, printTensors: print), terminator: "")
        if !report.verified { throw ExitCode(1) }
    }

    /// Inputs of at most 10⁶ entries in all, and Hessians or Jacobians of at most 10⁶ entries, checked
    /// before anything large is computed (a check should answer in seconds, not run out of memory).
    static func checkSizeLimits(_ f: Expr, targets: [String], inputs: CheckInputs, hessian: Bool, jacobian: Bool) throws {
        let limit = 1_000_000
        let total = inputs.values.values.reduce(0) { $0 + $1.count }
        guard total <= limit else {
            throw UsageError("the inputs have \(total) entries in all; check is limited to \(limit) (choose smaller --dims)")
        }
        let outputs = jacobian ? Shape.count([f.shape.rows.size(in: inputs.sizes) ?? 1, f.shape.cols.size(in: inputs.sizes) ?? 1]) : 1
        for v in targets where hessian || jacobian {
            let n = inputs.values[v]!.count
            let entries = (jacobian ? outputs : n).multipliedReportingOverflow(by: n)
            guard !entries.overflow, entries.partialValue <= limit else {
                throw UsageError("the \(jacobian ? "Jacobian" : "Hessian") with respect to \(v) would have \(entries.overflow ? "more than \(Int.max)" : "\(entries.partialValue)") entries; check forms at most \(limit) (choose smaller --dims)")
            }
        }
    }

    /// `n=10,d=4` (repeatable) → sizes; every name must be a dimension of a declared shape.
    static func parseDims(_ options: [String], declarations: Declarations) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for part in options.flatMap({ $0.split(separator: ",") }) {
            let sides = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, let n = Int(sides[1]), n > 0 else {
                throw UsageError("--dims expects name=size with a positive integer size, got '\(part)'")
            }
            guard declarations.dimensionNames.contains(sides[0]) else {
                throw UsageError("--dims sizes '\(sides[0])', which is not a dimension of any declared variable (\(declarations.dimensionNames.joined(separator: ", ")))")
            }
            guard n <= 4096 else { throw UsageError("--dims \(sides[0])=\(n) is larger than check's limit of 4096") }
            if let previous = sizes[sides[0]], previous != n {
                throw UsageError("--dims gives '\(sides[0])' two sizes, \(previous) and \(n)")
            }
            sizes[sides[0]] = n
        }
        return sizes
    }

    /// `NAME=value` options, each naming a declared variable.
    static func parseAssignments<T>(
        _ options: [String], option: String, declarations: Declarations, _ parse: (String, String) throws -> T
    ) throws -> [String: T] {
        var result: [String: T] = [:]
        for text in options {
            let sides = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
                throw UsageError("\(option) expects NAME=value, got '\(text)'")
            }
            guard declarations.shape(of: sides[0]) != nil else {
                throw UsageError("\(option) names '\(sides[0])', which is not a declared variable")
            }
            result[sides[0]] = try parse(sides[0], sides[1])
        }
        return result
    }

    /// `W = formula` (also `∂f/∂W = …`, `df/dW = …`): the variable and its parsed formula.
    static func parseClaim(_ text: String, declarations: Declarations, targets: [String]) throws -> (wrt: String, text: String, formula: Expr) {
        guard let eq = text.firstIndex(of: "=") else {
            throw UsageError("--claim expects 'V = formula' (e.g. 'W = 2 X^T (X W - Y)'), got '\(text)'")
        }
        var name = text[..<eq].trimmingCharacters(in: .whitespaces)
        for prefix in ["∂f/∂", "df/d", "grad_"] where name.hasPrefix(prefix) { name = String(name.dropFirst(prefix.count)) }
        guard declarations.shape(of: name) != nil else {
            throw UsageError("--claim '\(text)': '\(name)' is not a declared variable")
        }
        let formulaText = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        let formula = try parseExpression(formulaText, declarations: declarations)
        return (name, formulaText, formula)
    }
}
