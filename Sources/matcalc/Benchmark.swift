import Foundation
import MatCalc

// The measurements of `matcalc bench`. Every row is a median over repetitions after a warm-up, timed
// with the monotonic clock; a row runs at least `minTime` seconds (and 3 repetitions, at most 100,000).

/// One timed method at one size and dtype.
struct BenchRow: Encodable {
    let n: Int, k: Int, m: Int
    let dtype: String
    /// `autograd`, `formula`, `gemm` or `numpy`.
    let method: String
    let medianMs: Double
    /// 6·n·k·m / median for forward + backward; 2·n·k·m / median for `gemm`.
    let gflops: Double
    let repetitions: Int
    /// MatCalc / NumPy for autograd and formula with `--compare numpy`.
    let ratioToNumpy: Double?
    /// For `formula`: its f and gradients equal autograd's (rtol 1e-3 in float32, 1e-9 in float64).
    let agrees: Bool

    enum CodingKeys: String, CodingKey {
        case n, k, m, dtype, method, gflops, repetitions, agrees
        case medianMs = "median_ms", ratioToNumpy = "ratio_to_numpy"
    }
}

struct BenchReport: Encodable {
    let backend: String
    let kernel: String
    let blasThreads: Int
    let elementwiseThreads: Int
    let numpy: String?
    let rows: [BenchRow]

    enum CodingKeys: String, CodingKey {
        case backend, kernel, rows, numpy
        case blasThreads = "blas_threads", elementwiseThreads = "elementwise_threads"
    }

    var text: String {
        var out = ["matmul backend: \(BLASBackend.current)", "costly elementwise passes (exp, log, …) of 2^17 elements or more: \(elementwiseThreads) threads"]
        if let numpy { out.append("numpy: \(numpy)") }
        out.append("")
        out.append("size            dtype    method     median        GFLOP/s   vs NumPy")
        for r in rows {
            let size = "\(r.n)×\(r.k)×\(r.m)".padding(toLength: 16, withPad: " ", startingAt: 0)
            let time = r.medianMs < 1 ? String(format: "%8.2f µs", r.medianMs * 1000) : String(format: "%8.2f ms", r.medianMs)
            let ratio = r.ratioToNumpy.map { String(format: "%.2f×", $0) } ?? ""
            let check = r.method == "formula" ? (r.agrees ? "  (= autograd)" : "  ✗ DIFFERS FROM AUTOGRAD") : ""
            out.append("\(size)\(r.dtype.padding(toLength: 9, withPad: " ", startingAt: 0))"
                       + "\(r.method.padding(toLength: 11, withPad: " ", startingAt: 0))\(time)  "
                       + String(format: "%9.2f", r.gflops) + "   \(ratio)\(check)")
        }
        return out.joined(separator: "\n") + "\n"
    }
}

struct Benchmark {
    let minTime: Double
    var rows: [BenchRow] = []
    var numpyVersion: String?

    init(minTime: Double) { self.minTime = minTime }

    var report: BenchReport {
        let backend = BLASBackend.current
        return BenchReport(backend: backend.kind.rawValue, kernel: backend.kernel, blasThreads: backend.threads,
                           elementwiseThreads: max(1, min(8, ProcessInfo.processInfo.activeProcessorCount)), numpy: numpyVersion, rows: rows)
    }

    /// The median seconds of `body` and the repetitions it took.
    func median(_ body: () throws -> Void) rethrows -> (Double, Int) {
        try body()  // warm-up
        var times: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        while times.count < 100_000 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            let t1 = DispatchTime.now().uptimeNanoseconds
            times.append(Double(t1 - t0) / 1e9)
            // At least 5 timings, so that one slow repetition cannot move the median.
            if times.count >= 5, Double(t1 - start) / 1e9 >= minTime { break }
        }
        times.sort()
        return (times[times.count / 2], times.count)
    }

    mutating func run(_ size: BenchSize, _ dtype: DType, numpy: Bool) throws {
        let g = Generator(seed: 0)
        let X = Tensor.randn([size.n, size.k], dtype: dtype, generator: g)
        let W = Tensor.randn([size.k, size.m], dtype: dtype, generator: g)
        let Y = Tensor.randn([size.n, size.m], dtype: dtype, generator: g)

        // Autograd, as in PyTorch: leaves that require grad, f, backward (grads cleared each time).
        let x = X.requiringGrad(), w = W.requiringGrad(), y = Y.requiringGrad()
        var autogradValue = Tensor(0.0)
        let (tAutograd, nAutograd) = try median {
            x.grad = nil; w.grad = nil; y.grad = nil
            let f = (x.matmul(w).relu() - y).pow(2).sum()
            try f.backward()
            autogradValue = f
        }

        // The derived formula: f and its three gradients, X W computed once.
        let declarations = Declarations([
            ("X", MatrixShape(.named("n"), .named("k"))), ("W", MatrixShape(.named("k"), .named("m"))),
            ("Y", MatrixShape(.named("n"), .named("m"))),
        ])
        let f = try parseExpression("||max(X W, 0) - Y||_F^2", declarations: declarations)
        let derivation = try differentiate(f)
        // Compiled once, as a program evaluating a derived formula repeatedly would; X, W, Y do not
        // require grad, so nothing is recorded.
        let plan = EvaluationPlan([f] + derivation.gradients.map(\.1))
        let variables = ["X": X, "W": W, "Y": Y]
        var formula: [Tensor] = []
        let (tFormula, nFormula) = try median {
            formula = try plan.run(variables: variables, sizes: [:], dtype: dtype)
        }
        let (rtol, atol) = dtype == .float32 ? (1e-3, 1e-3) : (1e-9, 1e-9)
        var agrees = formula[0].reshaped([]).allclose(autogradValue.detach(), rtol: rtol, atol: atol * max(1, abs(autogradValue.item(as: Double.self))))
        for (name, gradient) in zip(derivation.gradients.map(\.0), formula.dropFirst()) {
            let leaf = ["X": x, "W": w, "Y": y][name]!
            let scale = max(1, leaf.grad!.abs().max().item(as: Double.self))
            agrees = agrees && gradient.allclose(leaf.grad!, rtol: rtol, atol: atol * scale)
        }

        let (tGemm, nGemm) = median { _ = X.matmul(W) }

        var numpyTime: Double? = nil
        if numpy { numpyTime = try numpyMedian(size, dtype) }
        let name = dtype == .float32 ? "float32" : "float64"
        func row(_ method: String, _ t: Double, _ reps: Int, _ flops: Double, ratio: Bool, agrees: Bool = true) -> BenchRow {
            BenchRow(n: size.n, k: size.k, m: size.m, dtype: name, method: method, medianMs: t * 1000, gflops: flops / t / 1e9,
                     repetitions: reps, ratioToNumpy: ratio ? numpyTime.map { t / $0 } : nil, agrees: agrees)
        }
        rows.append(row("autograd", tAutograd, nAutograd, size.flops, ratio: true))
        rows.append(row("formula", tFormula, nFormula, size.flops, ratio: true, agrees: agrees))
        rows.append(row("gemm", tGemm, nGemm, size.flops / 3, ratio: false))
        if let numpyTime { rows.append(row("numpy", numpyTime, 0, size.flops, ratio: false)) }
    }

    /// NumPy's closed form timed by python3 in a child process (same warm-up and median rule).
    mutating func numpyMedian(_ size: BenchSize, _ dtype: DType) throws -> Double {
        let script = """
            import json, sys, time
            import numpy as np
            n, k, m, dt, min_time = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
            rng = np.random.default_rng(0)
            X = rng.standard_normal((n, k)).astype(dt); W = rng.standard_normal((k, m)).astype(dt)
            Y = rng.standard_normal((n, m)).astype(dt)
            def step():
                Z = X @ W
                R = np.maximum(Z, 0) - Y
                f = np.sum(R * R)
                G = 2 * R * (Z > 0)
                return f, X.T @ G, G @ W.T, -2 * R
            step()
            times = []; start = time.perf_counter()
            while len(times) < 100000:
                t0 = time.perf_counter(); step(); t1 = time.perf_counter()
                times.append(t1 - t0)
                if len(times) >= 5 and t1 - start >= min_time: break
            times.sort()
            print(json.dumps({"median": times[len(times) // 2], "version": np.__version__}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(size.n), String(size.k), String(size.m),
                             dtype == .float32 ? "float32" : "float64", String(minTime)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw UsageError("--compare numpy needs python3 with numpy: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Result: Decodable { let median: Double; let version: String }
        guard process.terminationStatus == 0, let result = try? JSONDecoder().decode(Result.self, from: data) else {
            throw UsageError("--compare numpy needs python3 with numpy (python3 -c 'import numpy' failed)")
        }
        numpyVersion = "NumPy \(result.version) (python3, same process per size and dtype)"
        return result.median
    }
}

/// The peak memory of one float32 forward + backward by autograd, against what must exist anyway.
struct MemoryProbe: Encodable {
    let n: Int, k: Int, m: Int
    /// X, W, Y, their three gradients, in bytes.
    let necessaryBytes: Int
    /// The peak resident set during the run, above what the process held before the inputs.
    let peakBytes: Int
    let ratio: Double

    enum CodingKeys: String, CodingKey {
        case n, k, m, ratio
        case necessaryBytes = "necessary_bytes", peakBytes = "peak_bytes"
    }

    static func measure(_ size: BenchSize) throws -> MemoryProbe {
        let before = residentBytes("VmRSS")
        let g = Generator(seed: 0)
        let x = Tensor.randn([size.n, size.k], generator: g).requiringGrad()
        let w = Tensor.randn([size.k, size.m], generator: g).requiringGrad()
        let y = Tensor.randn([size.n, size.m], generator: g).requiringGrad()
        try (x.matmul(w).relu() - y).pow(2).sum().backward()
        let peak = residentBytes("VmHWM") - before
        let necessary = 4 * 2 * (size.n * size.k + size.k * size.m + size.n * size.m)
        withExtendedLifetime((x, w, y)) {}
        return MemoryProbe(n: size.n, k: size.k, m: size.m, necessaryBytes: necessary, peakBytes: peak,
                           ratio: Double(peak) / Double(necessary))
    }

    /// A `/proc/self/status` field in bytes (0 where there is none).
    static func residentBytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
            return kb * 1024
        }
        return 0
    }

    var text: String {
        let mb = { (b: Int) in String(format: "%.1f MB", Double(b) / 1e6) }
        return "peak memory of forward + backward at \(n)×\(k)×\(m) float32: \(mb(peakBytes)) above the process's start; "
            + "inputs and gradients that must exist: \(mb(necessaryBytes)); ratio \(String(format: "%.2f", ratio))\n"
    }
}
