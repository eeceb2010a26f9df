import ArgumentParser
import MatCalc

@main
struct MatCalcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matcalc",
        abstract: "Matrix calculus: derive gradients of matrix expressions and verify them numerically.",
        subcommands: []
    )
}
