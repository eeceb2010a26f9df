// libFuzzer target `fuzz-expression`: the symbolic pipeline on arbitrary text.
//
// Input: UTF-8 (decoded lossily). The first line holds declarations separated by `;`
// (`X: n×d; w: d; lam`); the rest is the expression. When there is no newline, or the first line does
// not parse as declarations, the whole input is the expression over fixed declarations.
// Every error must be a thrown `SymbolicError`; a trap, an overflow of the stack, a hang or a memory
// blow-up is a bug. Built and run by `Fuzz/run.sh`.

import MatCalcSymbolic

private let maximumInputSize = 4096

private let fixedDeclarations = Declarations([
    ("X", MatrixShape(.named("n"), .named("d"))),
    ("W", MatrixShape(.named("d"), .named("k"))),
    ("Y", MatrixShape(.named("n"), .named("k"))),
    ("x", .vector(.named("n"))),
    ("A", MatrixShape(.named("n"), .named("n"))),
    ("lam", .scalar),
])

/// The declarations of the first line, or nil when it is not a `;`-separated list of declarations.
private func declarations(_ line: Substring) -> Declarations? {
    var entries: [(String, MatrixShape)] = []
    for part in line.split(separator: ";", omittingEmptySubsequences: true) {
        guard let (name, shape) = try? parseDeclaration(String(part)) else { return nil }
        entries.append((name, shape))
    }
    return entries.isEmpty ? nil : Declarations(entries)
}

private let maximumDerivedNodes = 80

/// Renders `e` with every printer, so that each one runs over it.
private func printAll(_ e: Expr) -> Int {
    var total = e.text.utf8.count + e.latex.utf8.count
    total &+= (try? e.numpy())?.utf8.count ?? 0
    total &+= (try? e.pytorch())?.utf8.count ?? 0
    total &+= (try? e.swift())?.utf8.count ?? 0
    return total
}

/// Runs one input through parse → differentiate → print (→ Hessian or Jacobian when small).
func fuzzExpression(_ text: String) -> Int {
    var source = text
    var decls = fixedDeclarations
    if let newline = text.firstIndex(of: "\n"), let parsed = declarations(text[..<newline]) {
        decls = parsed
        source = String(text[text.index(after: newline)...])
    }
    // The same text as a line of a derivation too: differentials on, Z defined as max(X W, 0) (so that
    // `dZ/d(XW)` and `\frac{dZ}{dXW}` resolve).
    var total = derivationLine(source, decls)
    let f: Expr
    do {
        f = try parseExpression(source, declarations: decls)
    } catch {
        return total &+ error.description.utf8.count
    }
    total &+= printAll(f)
    // Derivatives only of expressions of at most 80 nodes: a gradient's size grows with the square of
    // the objective's and the time to derive it faster (x^T A A … A x with 110 A's takes seconds under
    // ASan; see docs/robustness.md), so bigger inputs exercise the parser and the printers only.
    guard f.nodeCount(upTo: maximumDerivedNodes) <= maximumDerivedNodes else { return total }
    var largestGradient = 0
    do {
        let derivation = try differentiate(f)
        // Steps with the text printer only: k nested functions give k steps of size up to k², so printing
        // every step with every printer costs k³ (seconds at k = 60 under ASan).
        for step in derivation.steps { total &+= step.rule.utf8.count &+ step.differential.text.utf8.count }
        for (_, gradient) in derivation.gradients {
            total &+= printAll(gradient)
            largestGradient = max(largestGradient, gradient.text.utf8.count)
        }
        total &+= derivation.assumptions.count
    } catch {
        total &+= error.description.utf8.count
    }
    // Second derivatives only when they are cheap: a short input whose gradients are small. (A Hessian
    // legitimately grows polynomially with nesting, e.g. about k³ characters for k nested norms, so 40
    // nested `||…||` give megabytes of text: slow, but not a bug.)
    if source.utf8.count <= 128, largestGradient <= 1000, let variable = f.variableNames.first {
        do {
            if f.isScalar {
                total &+= printAll(try hessian(of: f, wrt: variable).hessian)
            } else {
                total &+= printAll(try jacobian(of: f, wrt: variable).jacobian)
            }
        } catch {
            total &+= error.description.utf8.count
        }
    }
    return total
}

/// Parses `source` as `matcalc steps` parses a line, and prints what it read.
private func derivationLine(_ source: String, _ decls: Declarations) -> Int {
    let z = Expr.maximum(.product([.variable("X", MatrixShape(.named("n"), .named("d"))),
                                   .variable("W", MatrixShape(.named("d"), .named("k")))]), 0)
    let options = ParseOptions(differentials: true, definitions: ["Z": z])
    do {
        let (line, readings) = try parseExpressionExplained(source, declarations: decls.adding("Z", z.shape), options: options)
        return line.text.utf8.count &+ line.latex.utf8.count &+ readings.count
    } catch {
        return error.description.utf8.count
    }
}

nonisolated(unsafe) private var sink = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= maximumInputSize else { return -1 }  // -1: not added to the corpus
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    sink &+= fuzzExpression(text)
    return 0
}
