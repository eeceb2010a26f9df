import ArgumentParser
import Foundation
import MatCalc

/// `matcalc derive EXPR --var 'X: n×d' …`: closed-form gradients, Jacobians and Hessians with their
/// derivation, as text, LaTeX, JSON or code.
struct DeriveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "derive",
        abstract: "Derive gradients (or Jacobians, Hessians) of a matrix expression, step by step.",
        discussion: """
            Examples:
              matcalc derive '||max(X W, 0) - Y||_F^2' --var 'X: n×d' --var 'W: d×k' --var 'Y: n×k' --steps
              matcalc derive 'x^T B x' --var 'x: n' --var 'B: n×n' --hessian
              matcalc derive 'softmax(z)' --var 'z: n' --jacobian --format json
            Declarations: `X: n×d` (or `n x d`, `10x4`) for a matrix, `x: n` for a column vector, `lam` for a scalar.
            """
    )

    @Argument(help: "The objective (`-` reads it from standard input), e.g. '||X w - y||^2 + lam ||w||^2'.")
    var expression: String

    @Option(name: .customLong("var"), help: "A variable and its shape: 'X: n×d', 'x: n', 'lam'. Repeat for each variable.")
    var variables: [String] = []

    @Option(name: .long, help: "Differentiate with respect to these variables only, comma-separated (default: all).")
    var wrt: String?

    @Flag(name: .long, help: "Show the derivation, step by step, with the rule of each step.")
    var steps = false

    @Flag(name: .long, help: "Also derive the Hessian with respect to each variable.")
    var hessian = false

    @Flag(name: .long, help: "Derive Jacobians of a vector- or matrix-valued expression instead of gradients.")
    var jacobian = false

    @Flag(name: .long, help: "Print how the expression was read (on standard error): the parsed expression and the readings chosen.")
    var explain = false

    @Option(name: .long, help: "text, latex, json, numpy, pytorch or swift.")
    var format: String = "text"

    func run() throws {
        guard let format = OutputFormat(rawValue: format) else {
            throw UsageError("--format must be text, latex, json, numpy, pytorch or swift, got '\(self.format)'")
        }
        let declarations = try Declarations.parsing(variables)
        let expression = try readExpression(self.expression)
        let f = try parseObjective(expression, declarations: declarations, explain: explain)
        let targets = try Self.targets(wrt, declarations: declarations, expression: f)
        let report = try DeriveReport.make(
            expression: expression, objective: f, declarations: declarations, wrt: targets,
            hessian: hessian, jacobian: jacobian)
        print(try report.render(format, steps: steps), terminator: "")
    }

    /// The variables to differentiate with respect to: `--wrt` (validated) or every declared one
    /// that occurs in the expression.
    static func targets(_ wrt: String?, declarations: Declarations, expression: Expr) throws -> [String] {
        guard let wrt else { return declarations.names.filter { expression.contains(variable: $0) } }
        let names = wrt.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where declarations.shape(of: name) == nil {
            throw UsageError("--wrt names '\(name)', which is not a declared variable (declared: \(declarations.names.joined(separator: ", ")))")
        }
        return names
    }
}

/// The output formats of `derive`.
enum OutputFormat: String {
    case text, latex, json, numpy, pytorch, swift
}

extension Declarations {
    /// The `--var` options, each parsed; declaring a name twice with different shapes is an error.
    static func parsing(_ texts: [String]) throws -> Declarations {
        var entries: [(String, MatrixShape)] = []
        for text in texts {
            let (name, shape) = try parseDeclaration(text)
            if let previous = entries.first(where: { $0.0 == name }) {
                guard previous.1 == shape else {
                    throw UsageError("--var declares '\(name)' twice, as \(previous.1) and as \(shape)")
                }
                continue
            }
            entries.append((name, shape))
        }
        return Declarations(entries)
    }
}
