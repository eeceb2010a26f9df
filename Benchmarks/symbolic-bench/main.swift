// Times parse + derive + simplify for every case of the public corpus (median of repeated runs,
// after a warm-up), the symbolic engine's speed target being < 1 ms per Cookbook-size case.
//
//   swift run -c release symbolic-bench [path/to/public.json] [--runs N]
import Foundation
import MatCalc
import MatCalcCorpus

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 200
if let i = arguments.firstIndex(of: "--runs"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) {
    runs = n
    arguments.removeSubrange(i...(i + 1))
}
let path = arguments.first ?? "Tests/MatCalcSymbolicTests/Resources/public.json"
let corpus = try Corpus.load(from: URL(fileURLWithPath: path))

/// One full pass: parse, derive every gradient, Hessian and Jacobian the case asks for, print the results.
func work(_ c: Corpus.Case, _ decls: Declarations) throws -> Int {
    let f = try parseExpression(c.objectiveText, declarations: decls)
    var printed = 0
    if !c.gradients.isEmpty {
        let d = try differentiate(f, wrt: c.gradients.compactMap(\.wrt))
        for (_, g) in d.gradients { printed += g.text.count }
    }
    for h in c.hessians { printed += try hessian(of: f, wrt: h.wrt!).hessian.text.count }
    for j in c.jacobians { printed += try jacobian(of: f, wrt: j.wrt!).jacobian.text.count }
    return printed
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

#if DEBUG
let buildKind = "debug build: numbers are not representative, use -c release"
#else
let buildKind = "release build"
#endif
print("case                      median µs      min µs   (\(runs) runs after warm-up, \(buildKind))")
var medians: [Double] = []
var sink = 0
for c in corpus.cases {
    // The corpus's `sin` in tr_sinm is the matrix sine, which the language does not have.
    if c.id == "tr_sinm" {
        print(c.id.padding(toLength: 24, withPad: " ", startingAt: 0), "   refused: matrix functions are outside the language")
        continue
    }
    let decls = c.declarations
    do {
        for _ in 0..<10 { sink &+= try work(c, decls) }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = now()
            sink &+= try work(c, decls)
            times.append(Double(now() - start) / 1000)
        }
        times.sort()
        let median = times[times.count / 2]
        medians.append(median)
        print(c.id.padding(toLength: 24, withPad: " ", startingAt: 0), String(format: "%10.1f   %10.1f", median, times[0]))
    } catch {
        print(c.id.padding(toLength: 24, withPad: " ", startingAt: 0), "   unsupported: \((error as? SymbolicError)?.message ?? "\(error)")")
    }
}
medians.sort()
print(String(format: "all %d supported cases: median of medians %.1f µs, worst %.1f µs (target < 1000 µs)", medians.count, medians[medians.count / 2], medians.last ?? 0))
if sink == 42 { print("") }
