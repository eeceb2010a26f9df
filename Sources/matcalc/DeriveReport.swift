import Foundation
import MatCalc

/// What `matcalc derive` reports, in the documented JSON schema (docs/cli.md); the text and code
/// formats are renderings of the same data.
struct DeriveReport: Encodable {
    struct Step: Encodable {
        let rule: String
        let text: String
        let latex: String
    }

    struct Result: Encodable {
        let wrt: String
        let kind: String
        let shape: [String]
        let text: String
        let latex: String
        let numpy: String
        let pytorch: String
        let swift: String
        let steps: [Step]
        let assumptions: [String]
    }

    let expression: String
    let variables: [String: [String]]
    let numpy_prelude: String
    let results: [Result]
    /// The parsed objective, printed (text output only).
    let objectiveText: String
    /// The results with repeated subexpressions named, and the names' definitions (text output only).
    let namedResults: [String]
    let definitions: [String]

    enum CodingKeys: String, CodingKey {
        case expression, variables, numpy_prelude, results
    }

    static func make(
        expression: String, objective f: Expr, declarations: Declarations, wrt: [String], hessian: Bool, jacobian: Bool
    ) throws -> DeriveReport {
        var results: [Result] = []
        var exprs: [Expr] = []
        var variables: [String: [String]] = [:]
        for name in declarations.names { variables[name] = declarations.shape(of: name).map(Self.shapeList) ?? [] }

        if jacobian {
            for v in wrt {
                let (j, assumptions) = try MatCalcSymbolic.jacobian(of: f, wrt: v)
                results.append(try result(v, "jacobian", j, steps: [], assumptions: assumptions))
                exprs.append(j)
            }
        } else {
            let derivation = try differentiate(f, wrt: wrt)
            let steps = derivation.steps.map { step in
                Step(rule: step.rule, text: "df = " + step.differential.text, latex: "\\mathrm{d}f = " + step.differential.latex)
            }
            for (v, g) in derivation.gradients {
                results.append(try result(v, "gradient", g, steps: steps, assumptions: derivation.assumptions))
                exprs.append(g)
                if hessian {
                    let (h, assumptions) = try MatCalcSymbolic.hessian(of: f, wrt: v)
                    let last = Step(
                        rule: "Hessian: the Jacobian of the gradient, ∂ vec(∂f/∂\(v)) / ∂ vec(\(v))ᵀ",
                        text: "H = " + h.text, latex: "H = " + h.latex)
                    results.append(try result(v, "hessian", h, steps: steps + [last], assumptions: assumptions))
                    exprs.append(h)
                }
            }
        }
        let named = NamedSubexpressions(
            exprs, reserved: Set(declarations.names + declarations.dimensionNames + ["I", "K", "f", "d"]))
        return DeriveReport(
            expression: expression, variables: variables, numpy_prelude: Expr.numpyPrelude, results: results,
            objectiveText: f.text, namedResults: named.results.map(\.text),
            definitions: named.definitions.map { "\($0.name) = \($0.value.text)" })
    }

    private static func result(_ v: String, _ kind: String, _ e: Expr, steps: [Step], assumptions: [Assumption]) throws -> Result {
        Result(
            wrt: v, kind: kind, shape: kind == "gradient" ? shapeList(e.shape) : [e.shape.rows.description, e.shape.cols.description],
            text: e.text, latex: e.latex, numpy: try e.numpy(), pytorch: try e.pytorch(), swift: try e.swift(),
            steps: steps, assumptions: assumptions.map { $0.describe { $0.text } })
    }

    /// A shape as the JSON lists it: `[]` scalar, `["n"]` column vector, `["n", "d"]` matrix.
    static func shapeList(_ s: MatrixShape) -> [String] {
        if s.isScalar { return [] }
        if s.isColumn { return [s.rows.description] }
        return [s.rows.description, s.cols.description]
    }

    func render(_ format: OutputFormat, steps showSteps: Bool) throws -> String {
        switch format {
        case .json:
            return try prettyJSON(self)
        case .numpy, .pytorch, .swift:
            return results.map { r in
                let code = format == .numpy ? r.numpy : format == .pytorch ? r.pytorch : r.swift
                return "\(Self.codeName(r)) = \(code)"
            }.joined(separator: "\n") + "\n"
        case .latex:
            var lines: [String] = []
            if showSteps, let steps = results.first?.steps {
                lines.append("\\begin{aligned}")
                for (i, s) in steps.enumerated() {
                    let body = s.latex.replacingOccurrences(of: "\\mathrm{d}f = ", with: "")
                    lines.append((i == 0 ? "\\mathrm{d}f &= " : "&= ") + body + " && \\text{\(Self.latexEscaped(s.rule))} \\\\")
                }
                lines.append("\\end{aligned}")
            }
            for r in results { lines.append("\(Self.latexName(r)) = \(r.latex)") }
            return lines.joined(separator: "\n") + "\n"
        case .text:
            var lines = ["f = \(objectiveText)", ""]
            if showSteps, let steps = results.first?.steps, !steps.isEmpty {
                lines += Self.derivationLines(steps.map { ($0.rule, String($0.text.dropFirst(5))) })
            }
            for (r, text) in zip(results, namedResults) {
                let shape = r.shape.isEmpty ? "scalar" : r.shape.joined(separator: "×")
                lines.append("\(Self.mathName(r)) = \(text)    [\(shape)]")
            }
            if !definitions.isEmpty {
                lines.append("where")
                lines += definitions.map { "  \($0)" }
            }
            let assumptions = results.flatMap(\.assumptions).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if !assumptions.isEmpty {
                lines.append("")
                lines.append("Assuming:")
                lines += assumptions.map { "  - \($0)" }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The derivation as text: `df = …` lines, each followed by the rule in parentheses.
    static func derivationLines(_ steps: [(rule: String, body: String)]) -> [String] {
        var lines = ["Derivation:"]
        for (i, s) in steps.enumerated() {
            lines.append((i == 0 ? "  df = " : "     = ") + s.body)
            lines.append("         (\(s.rule))")
        }
        return lines + [""]
    }

    static func mathName(_ r: Result) -> String {
        switch r.kind {
        case "gradient": "∂f/∂\(r.wrt)"
        case "hessian": "∂²f/∂\(r.wrt)²"
        default: "∂f/∂\(r.wrt)ᵀ"
        }
    }

    static func latexName(_ r: Result) -> String {
        switch r.kind {
        case "gradient": "\\frac{\\partial f}{\\partial \(r.wrt)}"
        case "hessian": "\\frac{\\partial^2 f}{\\partial \(r.wrt)^2}"
        default: "\\frac{\\partial f}{\\partial \(r.wrt)^\\top}"
        }
    }

    static func codeName(_ r: Result) -> String {
        switch r.kind {
        case "gradient": "grad_\(r.wrt)"
        case "hessian": "hess_\(r.wrt)"
        default: "jac_\(r.wrt)"
        }
    }

    static func latexEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\textbackslash{}").replacingOccurrences(of: "_", with: "\\_")
            .replacingOccurrences(of: "{", with: "\\{").replacingOccurrences(of: "}", with: "\\}")
    }
}

/// The CLI's JSON: pretty-printed with sorted keys (a stable order), `/` unescaped, and non-finite
/// numbers as the strings "nan", "inf", "-inf".
func prettyJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
