import Foundation
import MatCalc

/// What `matcalc steps` prints: a line per step with ✓ or ✗, numbers and hints for the wrong ones, the
/// claimed gradients, and a verdict; or the same as JSON (schema in docs/cli.md).
struct StepsReport: Encodable {
    struct Line: Encodable {
        let line: Int
        let text: String
        let parsed: String
        let reference: String
        let valid: Bool
        let point: Int
        let value: Double
        let referenceValue: Double
        let relativeDifference: Double
        let hint: String?

        enum CodingKeys: String, CodingKey {
            case line, text, parsed, reference, valid, point, value, hint
            case referenceValue = "reference_value", relativeDifference = "relative_difference"
        }
    }

    struct Claim: Encodable {
        let variable: String
        let line: Int
        let gradient: String
        let valid: Bool?
        let maxRelativeDifference: Double?

        enum CodingKeys: String, CodingKey {
            case variable, line, gradient, valid
            case maxRelativeDifference = "max_relative_difference"
        }
    }

    struct Reading: Encodable {
        let line: Int
        let column: Int
        let message: String
    }

    struct Input: Encodable {
        let name: String
        let how: String
    }

    let lines: [Line]
    let claims: [Claim]
    let verdict: String
    let wrongLines: [Int]
    let firstWrongLine: Int?
    let readings: [Reading]
    let points: Int
    let seed: UInt64
    let sizes: [String: Int]
    let inputs: [Input]
    let varying: [String]
    let exitCode: Int32

    enum CodingKeys: String, CodingKey {
        case lines, claims, verdict, readings, points, seed, sizes, inputs, varying
        case wrongLines = "wrong_lines", firstWrongLine = "first_wrong_line", exitCode = "exit_code"
    }

    /// Kept for the text form only.
    private let lhsTexts: [Int: String]
    private let explanations: [Int: String]

    init(document: StepsDocument, result: StepsResult) {
        lines = result.lines.map {
            Line(line: $0.line, text: $0.text, parsed: $0.parsed, reference: $0.reference, valid: $0.valid, point: $0.point,
                 value: $0.value, referenceValue: $0.referenceValue, relativeDifference: $0.relativeDifference, hint: $0.hint)
        }
        claims = result.claims.map {
            Claim(variable: $0.variable, line: $0.line, gradient: $0.gradient, valid: $0.valid,
                  maxRelativeDifference: $0.maxRelativeDifference)
        }
        switch result.verdict {
        case .allStepsValid:
            verdict = "all steps valid"
            wrongLines = []
            firstWrongLine = nil
        case .errorsCancel(let wrong):
            verdict = "errors cancel"
            wrongLines = wrong
            firstWrongLine = wrong.first
        case .finalResultWrong(let first):
            verdict = "final result wrong"
            wrongLines = result.lines.filter { !$0.valid }.map(\.line)
            firstWrongLine = first
        }
        readings = document.readings.map { Reading(line: $0.line, column: $0.column, message: $0.message) }
        points = result.points
        seed = result.seed
        sizes = result.sizes
        inputs = result.provenance.map { Input(name: $0.name, how: $0.how) }
        varying = result.varying
        exitCode = result.exitCode
        lhsTexts = Dictionary(document.lines.map { ($0.line, $0.lhsText) }, uniquingKeysWith: { a, _ in a })
        explanations = Dictionary(document.lines.map { ($0.line, $0.expr.text) }, uniquingKeysWith: { a, _ in a })
    }

    func text(explain: Bool) -> String {
        var out: [String] = []
        let drawn = inputs.map { "\($0.name) = \($0.how)" }.joined(separator: ", ")
        let others = varying.count == inputs.count ? "" : ", the other differentials 0"
        out.append("Checked at \(points) random point\(points == 1 ? "" : "s") (seed \(seed)): \(drawn); "
                   + "\(varying.map { "d\($0)" }.joined(separator: ", ")) random\(others).")
        // One row per reading, with every line it was made on.
        var order: [String] = []
        var places: [String: [String]] = [:]
        for r in readings {
            if places[r.message] == nil { order.append(r.message) }
            places[r.message, default: []].append("\(r.line):\(r.column)")
        }
        for message in order {
            let places = places[message]!
            out.append("reading: \(message) (line\(places.count == 1 ? "" : "s") \(places.joined(separator: ", ")))")
        }
        out.append("")
        let width = String(lines.map(\.line).max() ?? 0).count
        for l in lines {
            let number = String(repeating: " ", count: width - String(l.line).count) + String(l.line)
            let lhs = lhsTexts[l.line].map { $0.isEmpty ? "" : $0 + " " } ?? ""
            var row = "line \(number)  \(l.valid ? "✓" : "✗")  \(lhs)= \(l.text)"
            if l.reference == "df" && l.valid { row += "    (equals df)" }
            out.append(row)
            let indent = String(repeating: " ", count: width + 10)
            if explain { out.append(indent + "read as: \(explanations[l.line] ?? l.parsed)") }
            if !l.valid {
                let against = switch l.reference {
                case "df": "df"
                case "lhs": "the left side"
                default: "the previous line"
                }
                out.append(indent + "at point \(l.point): this line = \(Self.number(l.value)), \(against) = "
                           + "\(Self.number(l.referenceValue)) (relative difference \(Self.number(l.relativeDifference, digits: 3)))")
                if let hint = l.hint { out.append(indent + "hint: \(hint)") }
            }
        }
        if !claims.isEmpty { out.append("") }
        for c in claims {
            var row = "∂f/∂\(c.variable) (line \(c.line)) = \(c.gradient)"
            switch c.valid {
            case true?: row += "    ✓ equals the derived gradient (max relative difference \(Self.number(c.maxRelativeDifference ?? 0, digits: 2)))"
            case false?: row += "    ✗ differs from the derived gradient (max relative difference \(Self.number(c.maxRelativeDifference ?? 0, digits: 3)))"
            case nil: row += "    (not compared: no f)"
            }
            out.append(row)
        }
        out.append("")
        out.append("Verdict: " + verdictSentence)
        return out.joined(separator: "\n") + "\n"
    }

    private var verdictSentence: String {
        func list(_ lines: [Int]) -> String {
            let names = lines.map(String.init)
            return names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
        }
        switch verdict {
        case "all steps valid":
            return "all steps valid" + (claims.isEmpty ? "." : claims.count == 1 ? ", and the claimed gradient is right." : ", and the claimed gradients are right.")
        case "errors cancel":
            return "the final result is right, but the step\(wrongLines.count == 1 ? " on line" : "s on lines") "
                + "\(list(wrongLines)) \(wrongLines.count == 1 ? "is" : "are") wrong (the errors cancel)."
        default:
            if let first = firstWrongLine { return "the final result is wrong; the first wrong step is line \(first)." }
            return "the final result is wrong, although every step follows from the one before (see the claims)."
        }
    }

    /// Six significant digits (or `digits`), as people read numbers.
    static func number(_ x: Double, digits: Int = 6) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : x > 0 ? "inf" : "-inf" }
        return x == 0 ? "0" : String(format: "%.\(digits)g", x)
    }
}
