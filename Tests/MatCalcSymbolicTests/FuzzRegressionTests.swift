import Foundation
import MatCalc
import MatCalcSymbolic
import Testing

/// Inputs the libFuzzer targets (`Fuzz/`) found to crash or hang, run through the same code path as the
/// targets: `Resources/fuzz-regressions/expression/` through parse → differentiate → every printer →
/// Hessian or Jacobian (as `Fuzz/FuzzExpression.swift`), `Resources/fuzz-regressions/npy/` through
/// `decodeNPY` (as `Fuzz/FuzzNPY.swift`). Each must finish quickly and fail, if at all, by a thrown error.
@Suite(.timeLimit(.minutes(1))) struct FuzzRegressionTests {
    static func inputs(_ target: String) throws -> [(name: String, data: Data)] {
        guard let folder = Bundle.module.url(forResource: "Resources/fuzz-regressions/\(target)", withExtension: nil)
        else { return [] }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        return try files.filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { ($0.lastPathComponent, try Data(contentsOf: $0)) }
    }

    static let fixedDeclarations = Declarations([
        ("X", MatrixShape(.named("n"), .named("d"))),
        ("W", MatrixShape(.named("d"), .named("k"))),
        ("Y", MatrixShape(.named("n"), .named("k"))),
        ("x", .vector(.named("n"))),
        ("A", MatrixShape(.named("n"), .named("n"))),
        ("lam", .scalar),
    ])

    static func printAll(_ e: Expr) -> Int {
        e.text.utf8.count + e.latex.utf8.count + ((try? e.numpy())?.utf8.count ?? 0)
            + ((try? e.pytorch())?.utf8.count ?? 0) + ((try? e.swift())?.utf8.count ?? 0)
    }

    /// The body of `fuzz-expression`.
    static func runExpression(_ text: String) {
        var source = text
        var declarations = fixedDeclarations
        if let newline = text.firstIndex(of: "\n") {
            var entries: [(String, MatrixShape)] = []
            var valid = true
            for part in text[..<newline].split(separator: ";") {
                guard let entry = try? parseDeclaration(String(part)) else { valid = false; break }
                entries.append(entry)
            }
            if valid, !entries.isEmpty {
                declarations = Declarations(entries)
                source = String(text[text.index(after: newline)...])
            }
        }
        let z = Expr.maximum(.product([.variable("X", MatrixShape(.named("n"), .named("d"))),
                                       .variable("W", MatrixShape(.named("d"), .named("k")))]), 0)
        if let (line, _) = try? parseExpressionExplained(
            source, declarations: declarations.adding("Z", z.shape), options: ParseOptions(differentials: true, definitions: ["Z": z])) {
            _ = line.text + line.latex
        }
        guard let f = try? parseExpression(source, declarations: declarations) else { return }
        _ = printAll(f)
        guard f.nodeCount(upTo: 80) <= 80 else { return }
        var largestGradient = 0
        if let derivation = try? differentiate(f) {
            for step in derivation.steps { _ = step.differential.text }
            for (_, gradient) in derivation.gradients {
                _ = printAll(gradient)
                largestGradient = max(largestGradient, gradient.text.utf8.count)
            }
        }
        if source.utf8.count <= 128, largestGradient <= 1000, let variable = f.variableNames.first {
            if f.isScalar {
                if let h = try? hessian(of: f, wrt: variable) { _ = printAll(h.hessian) }
            } else if let j = try? jacobian(of: f, wrt: variable) {
                _ = printAll(j.jacobian)
            }
        }
    }

    @Test func expressionRegressions() throws {
        let inputs = try Self.inputs("expression")
        #expect(!inputs.isEmpty)
        for (_, data) in inputs {
            Self.runExpression(String(decoding: data, as: UTF8.self))
        }
    }

    @Test func npyRegressions() throws {
        for (name, data) in try Self.inputs("npy") {
            do {
                _ = try decodeNPY(data, name: name)
            } catch {
                #expect(error is NPYError, "\(name): \(error)")
            }
        }
    }

    /// The bug `A^99999` found: a matrix power's exponent is bounded, with an error instead of minutes of work.
    @Test func hugeMatrixPowerIsAnError() throws {
        let declarations = Declarations([("A", MatrixShape(.named("n"), .named("n")))])
        #expect(throws: SymbolicError.self) { try parseExpression("A^99999", declarations: declarations) }
        #expect(throws: SymbolicError.self) { try parseExpression("A^{-101}", declarations: declarations) }
        #expect(throws: SymbolicError.self) { try parseExpression("((A^2)^7 + I)^{-8}", declarations: declarations) }
        #expect(throws: SymbolicError.self) { try parseExpression("σ{1}A^{2}⁷^{-6}⁷^{66}", declarations: declarations) }
        _ = try parseExpression("tr((A^10 + I)^10)", declarations: declarations)
        let f = try parseExpression("tr(A^100)", declarations: declarations)
        #expect(try differentiate(f).gradients.count == 1)
    }

    /// The slow input in the printers: a 548-byte objective whose gradient had 44,579 nodes (nested
    /// inverses of matrix powers multiply the terms) took seconds to print in every language. Powers now
    /// merge (d tr(Aᵏ) gives k (Aᵀ)ᵏ⁻¹, one term), and a gradient past `maximumGradientNodes` is an error.
    @Test func hugeGradientIsAnError() throws {
        let declarations = Declarations([("A", MatrixShape(.named("n"), .named("n")))])
        let power = try differentiate(try parseExpression("tr(A^100)", declarations: declarations))
        #expect(power.gradients[0].1.text == "100 (Aᵀ)⁹⁹")
        let input = try #require(Self.inputs("expression").first { $0.name == "timeout-swift-emitter-nested-matrix-powers" })
        let f = try parseExpression(String(decoding: input.data, as: UTF8.self), declarations: Self.fixedDeclarations)
        do {
            _ = try differentiate(f)
            Issue.record("a gradient of more than \(maximumGradientNodes) nodes was returned")
        } catch {
            #expect(error.kind == .unsupported)
            #expect(error.message == "the gradient with respect to A has more than 20000 nodes; results are limited to that size (about 4,000 terms)")
        }
    }
}
