import Foundation
import MatCalc

/// What `matcalc check` reports: the text rendering and the JSON schema of docs/cli.md.
struct CheckReport {
    let expression: String
    let objective: Expr
    let seed: String
    let dtype: DType
    let declarations: Declarations
    let inputs: CheckInputs
    let derivation: Derivation
    let result: CheckResult
    let hessians: [HessianCheck]
    /// Numeric faults found at these inputs (non-finite values, domain violations, conditioning).
    let problems: [String]

    /// Every gradient, Hessian and claim verified.
    var verified: Bool { result.verified && hessians.allSatisfy(\.verified) }

    static func number(_ x: Double) -> String { String(format: "%.1e", x) }

    func text(steps showSteps: Bool, printTensors: Bool) -> String {
        var lines: [String] = []
        let value = result.value.doubleValue
        lines.append("f = \(objective.text) = \(value.isNaN ? "nan" : String(format: "%.6g", value))")
        let dims = inputs.chosenSizes.isEmpty ? "" :
            "; sizes chosen: " + inputs.chosenSizes.map { "\($0)=\(inputs.sizes[$0]!)" }.joined(separator: ", ") + " (set them with --dims)"
        lines.append("inputs: torch.manual_seed(\(seed)), \(dtype == .float64 ? "float64" : "float32"), in declaration order\(dims)")
        for (name, how) in inputs.provenance {
            let shape = inputs.values[name]!.shape
            lines.append("  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) \((shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")).padding(toLength: 9, withPad: " ", startingAt: 0)) \(how)")
        }
        lines.append("")
        if showSteps {
            lines += DeriveReport.derivationLines(derivation.steps.map { ($0.rule, $0.differential.text) })
        }
        for g in result.gradients { lines.append("∂f/∂\(g.wrt) = \(g.formula.text)") }
        lines.append("")

        let header = ["variable", "formula vs autograd", "formula vs finite diff.", "autograd vs finite diff.", "verdict"]
        lines.append("\(header[0].padding(toLength: 10, withPad: " ", startingAt: 0))\(header[1].padding(toLength: 24, withPad: " ", startingAt: 0))\(header[2].padding(toLength: 26, withPad: " ", startingAt: 0))\(header[3].padding(toLength: 26, withPad: " ", startingAt: 0))\(header[4])")
        lines.append("          max abs  max rel        max abs  max rel          max abs  max rel")
        for g in result.gradients {
            func pair(_ a: Agreement, _ width: Int) -> String {
                "\(Self.number(a.maxAbsError))  \(Self.number(a.maxRelError))".padding(toLength: width, withPad: " ", startingAt: 0)
            }
            let fd = g.finiteDifferenceEntries < g.autograd.count ? " (finite differences on \(g.finiteDifferenceEntries) of \(g.autograd.count) entries)" : ""
            lines.append(g.wrt.padding(toLength: 10, withPad: " ", startingAt: 0) + pair(g.formulaVsAutograd, 24)
                + pair(g.formulaVsFiniteDifferences, 26) + pair(g.autogradVsFiniteDifferences, 26)
                + (g.verified ? "✓ verified" : "✗ MISMATCH") + fd)
        }
        for h in hessians {
            func pair(_ a: Agreement, _ width: Int) -> String {
                "\(Self.number(a.maxAbsError))  \(Self.number(a.maxRelError))".padding(toLength: width, withPad: " ", startingAt: 0)
            }
            lines.append("H(\(h.wrt))".padding(toLength: 10, withPad: " ", startingAt: 0) + pair(h.formulaVsAutograd, 24)
                + pair(h.formulaVsFiniteDifferences, 26) + "".padding(toLength: 26, withPad: " ", startingAt: 0)
                + (h.verified ? "✓ verified" : "✗ MISMATCH") + "  (Hessian = \(h.formula.text); autograd by double backward)")
        }
        let t = result.tolerances
        lines.append("tolerances: rtol \(Self.number(t.rtol)), atol \(Self.number(t.atol))\(t.scaledAtol ? " × max(1, max |∂f/∂V|)" : ""); finite differences are central, in float64")

        if printTensors {
            lines.append("")
            lines.append("f =")
            lines.append(result.value.description)
            for g in result.gradients {
                lines.append("∂f/∂\(g.wrt) (autograd, \(g.wrt).grad) =")
                lines.append(g.autograd.description)
            }
        }

        if !problems.isEmpty {
            lines.append("")
            lines.append("numeric problems at these inputs:")
            lines += problems.map { "  - \($0)" }
        }

        for c in result.claims {
            lines.append("")
            if let mismatch = c.shapeMismatch {
                lines.append("claim ∂f/∂\(c.wrt) = \(c.text): ✗ WRONG SHAPE: \(mismatch)")
            } else if c.verified, let a = c.agreement {
                lines.append("claim ∂f/∂\(c.wrt) = \(c.text): ✓ correct (max abs error \(Self.number(a.maxAbsError)) vs autograd)")
                continue
            } else if let a = c.agreement {
                lines.append("claim ∂f/∂\(c.wrt) = \(c.text): ✗ WRONG (max abs error \(Self.number(a.maxAbsError)), max rel error \(Self.number(a.maxRelError)) vs autograd)")
                lines.append("  worst entries:   index        claimed          true")
                for e in c.worst {
                    let index = "[" + e.index.map(String.init).joined(separator: ", ") + "]"
                    lines.append("                   \(index.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%12.5g", e.claimed))  \(String(format: "%12.5g", e.truth))")
                }
            }
            lines.append("  the correct formula: ∂f/∂\(c.wrt) = \(c.correct.text)")
        }

        lines.append("")
        let failedGradients = result.gradients.filter { !$0.verified }.map(\.wrt) + hessians.filter { !$0.verified }.map { "H(\($0.wrt))" }
        let wrongClaims = result.claims.filter { !$0.verified }.map(\.wrt)
        if verified {
            let claims = result.claims.isEmpty ? "" : " and \(result.claims.count) claim\(result.claims.count == 1 ? "" : "s")"
            let hessianNote = hessians.isEmpty ? "" : ", \(hessians.count) Hessian\(hessians.count == 1 ? "" : "s")"
            lines.append("verdict: ✓ all \(result.gradients.count) gradient\(result.gradients.count == 1 ? "" : "s")\(hessianNote)\(claims) verified")
        } else {
            var parts: [String] = []
            if !failedGradients.isEmpty { parts.append("gradients not verified: \(failedGradients.joined(separator: ", "))") }
            if !wrongClaims.isEmpty { parts.append("wrong claims: \(wrongClaims.joined(separator: ", "))") }
            lines.append("verdict: ✗ " + parts.joined(separator: "; "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct JSONReport: Encodable {
        struct Errors: Encodable {
            let max_abs: Double
            let max_rel: Double
            let close: Bool
        }
        struct Result: Encodable {
            let wrt: String
            let formula: String
            let errors: [String: Errors]
            let finite_difference_entries: Int
            let verified: Bool
        }
        struct Entry: Encodable {
            let index: [Int]
            let claimed: Double
            let `true`: Double
        }
        struct Claim: Encodable {
            let wrt: String
            let formula: String
            let verified: Bool
            let max_abs_error: Double?
            let shape_error: String?
            let worst: [Entry]
            let correct_formula: String
        }
        let expression: String
        let seed: String
        let dtype: String
        let variables: [String: [String]]
        let sizes: [String: Int]
        let inputs: [String: String]
        let f: Double
        let tolerances: [String: Double]
        let results: [Result]
        let hessians: [Result]
        let problems: [String]
        let claims: [Claim]
        let verified: Bool
    }

    func json() throws -> String {
        func errors(_ a: Agreement) -> JSONReport.Errors {
            JSONReport.Errors(max_abs: a.maxAbsError, max_rel: a.maxRelError, close: a.close)
        }
        var variables: [String: [String]] = [:]
        for name in declarations.names { variables[name] = declarations.shape(of: name).map(DeriveReport.shapeList) ?? [] }
        let report = JSONReport(
            expression: expression, seed: seed, dtype: dtype == .float64 ? "float64" : "float32", variables: variables,
            sizes: inputs.sizes, inputs: Dictionary(uniqueKeysWithValues: inputs.provenance.map { ($0.name, $0.how) }),
            f: result.value.doubleValue,
            tolerances: ["rtol": result.tolerances.rtol, "atol": result.tolerances.atol, "atol_scaled": result.tolerances.scaledAtol ? 1 : 0],
            results: result.gradients.map { g in
                JSONReport.Result(
                    wrt: g.wrt, formula: g.formula.text,
                    errors: ["formula_vs_autograd": errors(g.formulaVsAutograd),
                             "formula_vs_finite_differences": errors(g.formulaVsFiniteDifferences),
                             "autograd_vs_finite_differences": errors(g.autogradVsFiniteDifferences)],
                    finite_difference_entries: g.finiteDifferenceEntries, verified: g.verified)
            },
            hessians: hessians.map { h in
                JSONReport.Result(
                    wrt: h.wrt, formula: h.formula.text,
                    errors: ["formula_vs_autograd": errors(h.formulaVsAutograd),
                             "formula_vs_finite_differences": errors(h.formulaVsFiniteDifferences)],
                    finite_difference_entries: h.formulaVsFiniteDifferences.count, verified: h.verified)
            },
            problems: problems,
            claims: result.claims.map { c in
                JSONReport.Claim(
                    wrt: c.wrt, formula: c.text, verified: c.verified, max_abs_error: c.agreement?.maxAbsError,
                    shape_error: c.shapeMismatch,
                    worst: c.worst.map { JSONReport.Entry(index: $0.index, claimed: $0.claimed, true: $0.truth) },
                    correct_formula: c.correct.text)
            },
            verified: verified)
        return try prettyJSON(report)
    }
}

/// `check --jacobian`: the Jacobian table, as text or JSON (`expression`, `dtype`, `results` with
/// `wrt`, `formula`, `errors`, `verified`, and `verified`).
struct JacobianReport: Encodable {
    let objective: Expr
    let seed: String
    let dtype: DType
    let inputs: CheckInputs
    let checks: [JacobianCheck]
    let tolerances: Tolerances

    enum CodingKeys: String, CodingKey { case expression, seed, dtype, results, verified }

    struct Result: Encodable {
        let wrt: String
        let formula: String
        let errors: [String: CheckReport.JSONReport.Errors]
        let verified: Bool
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(objective.text, forKey: .expression)
        try c.encode(seed, forKey: .seed)
        try c.encode(dtype == .float64 ? "float64" : "float32", forKey: .dtype)
        try c.encode(checks.map { j in
            Result(wrt: j.wrt, formula: j.formula.text, errors: [
                "formula_vs_autograd": .init(max_abs: j.formulaVsAutograd.maxAbsError, max_rel: j.formulaVsAutograd.maxRelError, close: j.formulaVsAutograd.close),
                "formula_vs_finite_differences": .init(max_abs: j.formulaVsFiniteDifferences.maxAbsError, max_rel: j.formulaVsFiniteDifferences.maxRelError, close: j.formulaVsFiniteDifferences.close),
            ], verified: j.verified)
        }, forKey: .results)
        try c.encode(checks.allSatisfy(\.verified), forKey: .verified)
    }

    var text: String {
        var lines = ["f = \(objective.text)    (\(objective.shape), Jacobians in numerator layout over column-major vec)",
                     "inputs: torch.manual_seed(\(seed)), \(dtype == .float64 ? "float64" : "float32"), in declaration order"]
        for (name, how) in inputs.provenance { lines.append("  \(name): \(how)") }
        lines.append("")
        for j in checks {
            lines.append("∂f/∂\(j.wrt)ᵀ = \(j.formula.text)")
            lines.append("  formula vs autograd: max abs \(CheckReport.number(j.formulaVsAutograd.maxAbsError)); vs finite differences: max abs \(CheckReport.number(j.formulaVsFiniteDifferences.maxAbsError))   \(j.verified ? "✓ verified" : "✗ MISMATCH")")
        }
        lines.append("")
        lines.append(checks.allSatisfy(\.verified) ? "verdict: ✓ all \(checks.count) Jacobian\(checks.count == 1 ? "" : "s") verified" : "verdict: ✗ Jacobians not verified: \(checks.filter { !$0.verified }.map(\.wrt).joined(separator: ", "))")
        return lines.joined(separator: "\n") + "\n"
    }
}
