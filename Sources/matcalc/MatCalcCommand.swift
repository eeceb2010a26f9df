import ArgumentParser
import Foundation
import MatCalc

@main
struct MatCalcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matcalc",
        abstract: "Matrix calculus: derive gradients of matrix expressions and verify them numerically.",
        subcommands: [CheckCommand.self, DeriveCommand.self, StepsCommand.self, BenchCommand.self, RandnCommand.self]
    )

    /// Runs the command; every user error exits with status 2 and its message on stderr
    /// (ArgumentParser's own default for validation errors is 64).
    static func main() {
        do {
            var command = try parseAsRoot(Self.protectingExpressions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as SymbolicError {
            // Expression errors render themselves, caret line included.
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

extension MatCalcCommand {
    /// Expressions may start with a minus (`-y^T log softmax(z)`), which ArgumentParser would take for
    /// an option. For `derive` and `check`, an argument that starts with a single `-` and is not `-h`
    /// gets a leading space: the expression parser skips it, ArgumentParser sees a positional argument.
    static func protectingExpressions(_ arguments: [String]) -> [String] {
        guard let first = arguments.first, first == "derive" || first == "check" || first == "steps" else { return arguments }
        let valued: Set<String> = ["--var", "--wrt", "--seed", "--dtype", "--dims", "--init", "--load", "--claim", "--rtol", "--atol", "--format", "--points"]
        var previousTakesValue = false
        return arguments.map { argument in
            defer { previousTakesValue = valued.contains(argument) }
            guard argument.hasPrefix("-"), !argument.hasPrefix("--"), argument != "-h", argument != "-", !previousTakesValue else { return argument }
            return " " + argument
        }
    }
}

/// The expression argument, or standard input when it is `-` (for expressions longer than the
/// operating system's 128 KiB argument limit).
func readExpression(_ argument: String) throws -> String {
    guard argument == "-" else { return argument }
    return try readText("-", what: "the expression on standard input").trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A file's text, or standard input's for `-`: at most 1 MiB of UTF-8.
func readText(_ path: String, what: String) throws -> String {
    let limit = 1 << 20
    let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
    guard let handle else { throw UsageError("cannot read the file '\(path)'") }
    let data = handle.readData(ofLength: limit + 1)
    guard data.count <= limit else { throw UsageError("\(what) is longer than 1 MiB") }
    guard let text = String(data: data, encoding: .utf8) else { throw UsageError("\(what) is not UTF-8") }
    return text
}

/// A user error of the CLI: what is wrong and why, printed as `Error: …`.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Parses the objective of `derive` or `check`. The readings the parser chose where the text could be
/// read otherwise (`XW` as X W) go to standard error as notes; with `explain`, the parsed expression too.
func parseObjective(_ text: String, declarations: Declarations, explain: Bool) throws -> Expr {
    let (f, readings) = try parseExpressionExplained(text, declarations: declarations)
    var notes = readings.map { "note: \($0.message)" }
    if explain { notes.insert("read as: f = \(f.text)    [\(f.shape)]", at: 0) }
    if !notes.isEmpty { FileHandle.standardError.write(Data((notes.joined(separator: "\n") + "\n").utf8)) }
    return f
}
