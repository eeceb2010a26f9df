import Foundation
import MatCalcSymbolic

/// The matrix-calculus reference corpus (`public.json`, see ../shared/cases/README.md): objectives with
/// their variables, sizes, input constructions and closed-form derivatives, read for the tests and the
/// benchmark.
public struct Corpus: Decodable, Sendable {
    /// A formula as the corpus writes it: text (possibly followed by prose or `,  H = …` definitions)
    /// and NumPy.
    public struct Formula: Decodable, Sendable {
        public let wrt: String?
        public let text: String
        public let numpy: String

        public init(wrt: String?, text: String, numpy: String) {
            self.wrt = wrt
            self.text = text
            self.numpy = numpy
        }
    }

    /// A variable: its shape as dimension names (`[]`, `["n"]`, `["n", "m"]`) and its construction.
    public struct Variable: Decodable, Sendable {
        public let shape: [String]
        public let `init`: String

        public init(shape: [String], init initialization: String) {
            self.shape = shape
            self.`init` = initialization
        }
    }

    public struct Case: Decodable, Sendable {
        public let id: String
        public let f: Formula
        public let variables: [String: Variable]
        public let dims: [String: Int]
        public let gradients: [Formula]
        public let hessians: [Formula]
        public let jacobians: [Formula]

        public init(
            id: String, f: Formula, variables: [String: Variable], dims: [String: Int], gradients: [Formula],
            hessians: [Formula], jacobians: [Formula]
        ) {
            self.id = id
            self.f = f
            self.variables = variables
            self.dims = dims
            self.gradients = gradients
            self.hessians = hessians
            self.jacobians = jacobians
        }

        /// The objective without its trailing remarks.
        public var objectiveText: String { Corpus.strippingRemarks(f.text) }

        /// Variables in name order (the order inputs are drawn in).
        public var variableNames: [String] { variables.keys.sorted() }

        public var declarations: Declarations {
            Declarations(variableNames.map { ($0, Corpus.shape(variables[$0]!.shape)) })
        }

        /// `--var` declarations for the CLI: `X: n×m`, `x: n`, `lam`.
        public var declarationTexts: [String] {
            variableNames.map { name in
                let shape = variables[name]!.shape
                return shape.isEmpty ? name : "\(name): \(shape.joined(separator: "×"))"
            }
        }
    }

    public let cases: [Case]

    /// Reads a corpus file.
    public static func load(from url: URL) throws -> Corpus {
        try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
    }

    /// `[]` → scalar, `["n"]` → column vector, `["n", "m"]` → matrix.
    public static func shape(_ dims: [String]) -> MatrixShape {
        switch dims.count {
        case 0: .scalar
        case 1: .vector(.named(dims[0]))
        default: MatrixShape(.named(dims[0]), .named(dims[1]))
        }
    }

    /// Cuts a formula at the first top-level `,`, `=` or double space: what follows is prose
    /// (`, C = C^T`, `  (vector-valued)`, ` = tr(X^T X)`).
    public static func strippingRemarks(_ text: String) -> String {
        var depth = 0
        let chars = Array(text)
        for i in chars.indices {
            switch chars[i] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case "," where depth == 0, "=" where depth == 0:
                return String(chars[..<i]).trimmingCharacters(in: .whitespaces)
            case " " where depth == 0 && i + 1 < chars.count && chars[i + 1] == " ":
                return String(chars[..<i]).trimmingCharacters(in: .whitespaces)
            default: break
            }
        }
        return text
    }

    /// A closed form with the `,  H = …` definitions of the case's formulas substituted:
    /// `2 H^T (H W2 - Y),  H = max(X W1, 0)` becomes `2 (max(X W1, 0))^T ((max(X W1, 0)) W2 - Y)`.
    /// Definitions may use each other and may come from a sibling formula.
    public static func expandingDefinitions(_ text: String, siblings: [String] = []) -> String {
        var body = strippingRemarks(text)
        var definitions: [(String, String)] = []
        for formula in [text] + siblings {
            let rest = String(formula.dropFirst(strippingRemarks(formula).count))
            for part in topLevelParts(rest) {
                let sides = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if sides.count == 2, !sides[0].isEmpty, sides[0].allSatisfy({ $0.isLetter || $0.isNumber }),
                    !definitions.contains(where: { $0.0 == sides[0] })
                {
                    definitions.append((sides[0], sides[1]))
                }
            }
        }
        for _ in 0..<4 {
            for (name, value) in definitions {
                body = body.replacingOccurrences(
                    of: "(?<![A-Za-z0-9_])\(NSRegularExpression.escapedPattern(for: name))(?![A-Za-z0-9_])",
                    with: NSRegularExpression.escapedTemplate(for: "(\(value))"), options: .regularExpression)
            }
        }
        return body
    }

    /// The pieces of `text` between top-level commas.
    static func topLevelParts(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for ch in text {
            switch ch {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
            if ch == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }
}
