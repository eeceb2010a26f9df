import Foundation
import Testing
import MatCalc
import MatCalcCorpus

/// The release bar: every case of the public corpus (../shared/cases/public.json, copied into
/// Resources) derives, and each derived gradient, Hessian and Jacobian, evaluated in Float64 on the
/// case's inputs, agrees with central finite differences of f, with autograd, and with the case's
/// own closed form (parsed in our language where it is written in it, else its NumPy form run by
/// python3 when available).
@Suite struct CorpusTests {
    static let corpus = try! Corpus.load(
        from: Bundle.module.url(forResource: "public", withExtension: "json", subdirectory: "Resources")!)

    @Test func corpusIsComplete() {
        #expect(Self.corpus.cases.count == 39)
    }

    @Test(arguments: corpus.cases.filter { $0.id != "tr_sinm" })
    func derivedResultsAgreeWithFiniteDifferencesAndClosedForms(_ c: Corpus.Case) throws {
        let check = try CaseCheck(c)
        for g in c.gradients { try check.gradient(g) }
        for h in c.hessians { try check.hessian(h) }
        for j in c.jacobians { try check.jacobian(j) }
        #expect(check.compared > 0)
        // Every closed form of the corpus is written in our language (definitions substituted).
        #expect(check.parsedClosedForms == c.gradients.count + c.hessians.count + c.jacobians.count)
    }

    /// Matrix functions (the matrix sine of tr_sinm) are outside the language: an explicit error,
    /// not an elementwise answer.
    @Test func matrixFunctionsAreUnsupported() throws {
        let c = try #require(Self.corpus.cases.first { $0.id == "tr_sinm" })
        #expect {
            _ = try parseExpression("tr(sinm(X))", declarations: c.declarations)
        } throws: { error in
            (error as? SymbolicError)?.kind == .unsupported
        }
    }
}

extension Corpus.Case: CustomTestStringConvertible {
    public var testDescription: String { id }
}

/// Checks one case's derived objects numerically.
final class CaseCheck {
    let c: Corpus.Case
    let f: Expr
    let inputs: [String: Tensor]
    let sizes: [String: Int]
    private(set) var compared = 0
    /// How many closed forms were checked in our own language (the rest through NumPy, if present).
    private(set) var parsedClosedForms = 0
    /// Relative agreement required (the corpus's own verification used 1e-6).
    let tolerance = 1e-6

    init(_ c: Corpus.Case) throws {
        self.c = c
        f = try parseExpression(c.objectiveText, declarations: c.declarations)
        sizes = c.dims
        let generator = Generator(seed: 0)
        var inputs: [String: Tensor] = [:]
        for name in c.variableNames {
            let v = c.variables[name]!
            let shape = v.shape.map { c.dims[$0]! }
            let initialization = try #require(Initialization(rawValue: v.`init`), "init \(v.`init`)")
            inputs[name] = initialization.sample(shape, dtype: .float64, generator: generator)
        }
        self.inputs = inputs
    }

    func value(_ e: Expr, _ inputs: [String: Tensor]? = nil) throws -> Tensor {
        try evaluate(e, variables: inputs ?? self.inputs, sizes: sizes, dtype: .float64).naturalShaped(as: e.shape)
    }

    /// Central differences of `g` (evaluated, flattened as `order` says) with respect to `name`.
    func finiteDifferences(of g: Expr, wrt name: String, columnMajor: Bool) throws -> [[Double]] {
        let x = inputs[name]!
        var values = x.scalars(as: Double.self)
        let shape = x.shape
        let indices = Self.order(shape, columnMajor: columnMajor)
        return try indices.map { j in
            let original = values[j]
            let h = 1e-6 * Swift.max(1, Swift.abs(original))
            func at(_ v: Double) throws -> [Double] {
                values[j] = v
                var perturbed = inputs
                perturbed[name] = Tensor(shape: shape, scalars: values)
                return Self.flattened(try value(g, perturbed), columnMajor: columnMajor)
            }
            let plus = try at(original + h), minus = try at(original - h)
            values[j] = original
            return zip(plus, minus).map { ($0 - $1) / (2 * h) }
        }
    }

    static func order(_ shape: [Int], columnMajor: Bool) -> [Int] {
        guard columnMajor, shape.count == 2 else { return Array(0..<Shape.count(shape)) }
        return (0..<shape[1]).flatMap { j in (0..<shape[0]).map { i in i * shape[1] + j } }
    }

    static func flattened(_ t: Tensor, columnMajor: Bool) -> [Double] {
        columnMajor && t.rank == 2 ? t.t().scalars(as: Double.self) : t.scalars(as: Double.self)
    }

    func expectClose(_ got: [Double], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        compared += 1
        #expect(got.count == expected.count, "\(c.id) \(what): \(got.count) entries, expected \(expected.count)", sourceLocation: sourceLocation)
        let scale = Swift.max(1, expected.map(Swift.abs).max() ?? 0)
        let worst = zip(got, expected).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance * scale, "\(c.id) \(what): max abs error \(worst) (scale \(scale))", sourceLocation: sourceLocation)
    }

    /// The closed form of the corpus, parsed in our language if it is written in it, else its NumPy
    /// form through python3 (nil when neither is possible here).
    func closedForm(_ formula: Corpus.Formula, shape: MatrixShape) throws -> [Double]? {
        if formula.text.isEmpty { return nil }
        let siblings = (c.gradients + c.hessians + c.jacobians).map(\.text)
        if let e = try? parseExpression(
            Corpus.expandingDefinitions(formula.text, siblings: siblings), declarations: c.declarations, expecting: shape),
            e.shape == shape
        {
            parsedClosedForms += 1
            return try value(e).scalars(as: Double.self)
        }
        return try PythonOracle.evaluate(formula.numpy, inputs: inputs, sizes: sizes)
    }

    func gradient(_ formula: Corpus.Formula) throws {
        let v = formula.wrt!
        let derivation = try differentiate(f, wrt: [v])
        let g = try #require(derivation.gradient(of: v))
        let got = try value(g).scalars(as: Double.self)
        // Finite differences of f.
        expectClose(got, try finiteDifferences(of: f, wrt: v, columnMajor: false).map { $0[0] }, "∂f/∂\(v) vs finite differences")
        // Autograd through the evaluated objective.
        var leaves = inputs
        leaves[v] = inputs[v]!.requiringGrad()
        try value(f, leaves).sum().backward()
        expectClose(got, leaves[v]!.grad!.scalars(as: Double.self), "∂f/∂\(v) vs autograd")
        if let closed = try closedForm(formula, shape: g.shape) {
            expectClose(got, closed, "∂f/∂\(v) vs the closed form \(formula.text)")
        }
    }

    func hessian(_ formula: Corpus.Formula) throws {
        let v = formula.wrt!
        let (h, _) = try MatCalcSymbolic.hessian(of: f, wrt: v)
        let got = Self.flattened(try value(h), columnMajor: false)
        let g = try differentiate(f, wrt: [v]).gradient(of: v)!
        // Column j of the numeric Hessian is ∂g/∂x_j; for a vector variable that is row-major too.
        let numeric = try finiteDifferences(of: g, wrt: v, columnMajor: true)
        let n = numeric.count
        let expected = (0..<n).flatMap { i in (0..<n).map { j in numeric[j][i] } }
        expectClose(got, expected, "Hessian wrt \(v) vs finite differences of the gradient")
        if let closed = try closedForm(formula, shape: h.shape) { expectClose(got, closed, "Hessian wrt \(v) vs the closed form") }
    }

    func jacobian(_ formula: Corpus.Formula) throws {
        let v = formula.wrt!
        let (j, _) = try MatCalcSymbolic.jacobian(of: f, wrt: v)
        let got = try value(j)
        let numeric = try finiteDifferences(of: f, wrt: v, columnMajor: true)
        let rows = numeric.first?.count ?? 0
        let expected = (0..<rows).flatMap { i in numeric.indices.map { numeric[$0][i] } }
        expectClose(Self.flattened(got, columnMajor: false), expected, "Jacobian wrt \(v) vs finite differences")
        if let closed = try closedForm(formula, shape: j.shape) { expectClose(got.scalars(as: Double.self), closed, "Jacobian wrt \(v) vs the closed form") }
    }
}

struct PythonError: Error, CustomStringConvertible {
    let message: String
    var description: String { "python3 failed: \(message.suffix(2000))" }
}

/// Runs a NumPy expression of the corpus with python3, when python3 and numpy are installed.
enum PythonOracle {
    static let available: Bool = {
        (try? run("import numpy")) != nil
    }()

    static func run(_ program: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread so neither pipe can fill up and block python.
        nonisolated(unsafe) var errors = Data()
        let drain = Thread { errors = err.fileHandleForReading.readDataToEndOfFile() }
        drain.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while drain.isExecuting || !drain.isFinished { usleep(1000) }
        guard process.terminationStatus == 0 else { throw PythonError(message: String(decoding: errors, as: UTF8.self)) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The flattened (row-major) value of `expression`, or nil when python3/numpy are missing.
    static func evaluate(_ expression: String, inputs: [String: Tensor], sizes: [String: Int]) throws -> [Double]? {
        guard available else { return nil }
        var program = """
            import numpy as np, json
            from numpy.linalg import inv
            def relu(z): return np.maximum(z, 0)
            def step(z): return (z > 0).astype(float)
            def sigmoid(z): return 1 / (1 + np.exp(-z))
            def softmax(z): e = np.exp(z - np.max(z)); return e / e.sum()
            def softmax_rows(z): e = np.exp(z - z.max(axis=1, keepdims=True)); return e / e.sum(axis=1, keepdims=True)
            def logsumexp(z): m = np.max(z); return m + np.log(np.sum(np.exp(z - m)))
            def commutation(n, m):
                K = np.zeros((n * m, n * m))
                for i in range(n):
                    for j in range(m): K[i * m + j, j * n + i] = 1
                return K

            """
        for (name, size) in sizes { program += "\(name) = \(size)\n" }
        for (name, t) in inputs {
            let values = t.scalars(as: Double.self).map { "\($0)" }.joined(separator: ", ")
            program += "\(name) = np.array([\(values)], dtype=float).reshape(\(t.shape.map(String.init).joined(separator: ", "))\(t.rank == 1 ? "," : ""))\n"
            if t.rank == 0 { program += "\(name) = float(\(name))\n" }
        }
        program += "print(json.dumps(np.asarray(\(expression), dtype=float).reshape(-1).tolist()))\n"
        let output = try run(program)
        return try JSONDecoder().decode([Double].self, from: Data(output.utf8))
    }
}
