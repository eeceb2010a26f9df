import ArgumentParser
import Foundation
import MatCalc

/// `matcalc steps FILE|-`: checks a hand derivation line by line, numerically.
struct StepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "Check a derivation line by line: which step breaks, with numbers and a hint.",
        discussion: """
            The file (text or LaTeX) declares variables, optional definitions, an optional objective and
            `wrt`, then the chain of lines:
              var X: 10x4
              var W: 4x3
              var Y: 10x3
              f = \\|X W - Y\\|_F^2
              wrt W
              \\begin{aligned}
              df &= 2 \\operatorname{tr}((X W - Y)^\\top \\mathrm{d}(X W)) \\\\
                 &= 2 \\operatorname{tr}((X W - Y)^\\top X \\, dW) \\\\
                 &= \\operatorname{tr}((2 X^\\top (X W - Y))^\\top dW)
              \\end{aligned}
            Each line is compared with the one before (the first with df) at random points; a last line
            tr(Gᵀ dV) is read off as ∂f/∂V = G and compared with the derived gradient.
            Exit status: 0 when every step holds, 1 when one does not, 2 for a parse or usage error.
            """
    )

    @Argument(help: "The derivation file, or - for standard input.")
    var file: String

    @Option(name: .long, help: "Sizes of named dimensions, e.g. 'n=10,d=4' (others are chosen: 5, 4, 3, …).")
    var dims: [String] = []

    @Option(name: .long, help: "Point k draws its inputs as torch.manual_seed(seed + k); randn in declaration order.")
    var seed: String = "0"

    @Option(name: .long, help: "The number of random points (1 to 20).")
    var points: Int = 3

    @Flag(name: .long, help: "Also print how each line was read (the parsed expression and the readings chosen).")
    var explain = false

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func run() throws {
        guard format == "text" || format == "json" else { throw UsageError("--format must be text or json, got '\(format)'") }
        guard (1...20).contains(points) else { throw UsageError("--points must be between 1 and 20, got \(points)") }
        let seed = try RandnCommand.parseSeed(seed)
        let text = try readText(file, what: file == "-" ? "the derivation on standard input" : "the derivation '\(file)'")
        let document = try StepsDocument(parsing: text)
        let sizes = try CheckCommand.parseDims(dims, declarations: document.variables)
        let result: StepsResult
        do {
            result = try checkSteps(document, options: StepsCheckOptions(dims: sizes, seed: seed, points: points))
        } catch let error as SymbolicError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: the derivation cannot be evaluated at the drawn points: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let report = StepsReport(document: document, result: result)
        print(format == "json" ? try prettyJSON(report) : report.text(explain: explain), terminator: "")
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

}
