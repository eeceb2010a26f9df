import ArgumentParser
import Foundation
import MatCalc

@main
struct MatCalcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matcalc",
        abstract: "Matrix calculus: derive gradients of matrix expressions and verify them numerically.",
        subcommands: [DeriveCommand.self, RandnCommand.self]
    )

    /// Runs the command; every user error exits with status 2 and its message on stderr
    /// (ArgumentParser's own default for validation errors is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
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

/// A user error of the CLI: what is wrong and why, printed as `Error: …`.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
