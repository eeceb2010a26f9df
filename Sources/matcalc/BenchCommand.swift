import ArgumentParser
import Foundation
import MatCalc

/// `matcalc bench`: f = ‖max(X W, 0) − Y‖²_F forward + backward by autograd and by the derived formula,
/// a GEMM ceiling probe and (with `--compare numpy`) NumPy's closed form in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time f = ||max(X W, 0) - Y||_F^2 forward + backward: autograd, the derived formula, GEMM, NumPy.",
        discussion: """
            Sizes are n×k×m: X is n×k, W is k×m, Y is n×m. Forward + backward is 3 GEMMs, 6·n·k·m flops;
            GFLOP/s-equivalent is that over the median time. Build in release: swift run -c release matcalc bench.
            """
    )

    static let defaultSizes = "10x4x4,64x64x64,256x256x256,1024x1024x1024,4096x1024x1024"

    @Option(name: .long, help: "Comma-separated n×k×m sizes (default \(defaultSizes)).")
    var sizes: String = defaultSizes

    @Option(name: .long, help: "float32, float64 or both (default both).")
    var dtype: String = "both"

    @Option(name: .long, help: "numpy: also time NumPy's closed form (python3) and print MatCalc / NumPy.")
    var compare: String?

    @Option(name: .long, help: "Seconds to spend measuring each row, at least (default 0.5).")
    var minTime: Double = 0.5

    @Flag(name: .long, help: "CI mode: small sizes, few repetitions; checks that formula and autograd agree, not timings.")
    var quick = false

    @Option(name: .long, help: "Measure the peak memory of one forward + backward at this n×k×m (float32), e.g. 4096x4096x4096.")
    var memory: String?

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func run() throws {
        guard format == "text" || format == "json" else { throw UsageError("--format must be text or json, got '\(format)'") }
        if let compare, compare != "numpy" { throw UsageError("--compare takes 'numpy', got '\(compare)'") }
        guard minTime > 0, minTime <= 60 else { throw UsageError("--min-time must be in (0, 60] seconds, got \(minTime)") }
        let dtypes: [DType] = switch dtype {
        case "both": [.float32, .float64]
        case "float32": [.float32]
        case "float64": [.float64]
        default: throw UsageError("--dtype must be float32, float64 or both, got '\(dtype)'")
        }
        if let memory {
            let report = try MemoryProbe.measure(try Self.parseSize(memory))
            print(format == "json" ? try prettyJSON(report) : report.text, terminator: "")
            return
        }
        let shapes = try (quick && sizes == Self.defaultSizes ? "10x4x4,64x64x64,128x96x80" : sizes)
            .split(separator: ",").map { try Self.parseSize(String($0)) }
        var bench = Benchmark(minTime: quick ? 0.02 : minTime)
        for size in shapes {
            for dt in dtypes { try bench.run(size, dt, numpy: compare == "numpy") }
        }
        let report = bench.report
        print(format == "json" ? try prettyJSON(report) : report.text, terminator: "")
        if !report.rows.allSatisfy(\.agrees) { throw ExitCode(1) }
    }

    /// `4096x1024x1024` → (n, k, m).
    static func parseSize(_ text: String) throws -> BenchSize {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" }).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let n = parts[0], let k = parts[1], let m = parts[2], n > 0, k > 0, m > 0 else {
            throw UsageError("a size is n×k×m with positive integers (4096x1024x1024), got '\(text)'")
        }
        guard n * k + k * m + n * m <= 1 << 28 else { throw UsageError("the size \(text) needs more than 2^28 entries per dtype") }
        return BenchSize(n: n, k: k, m: m)
    }
}

struct BenchSize: Sendable {
    let n: Int, k: Int, m: Int
    var flops: Double { 6 * Double(n) * Double(k) * Double(m) }
    var label: String { "\(n)×\(k)×\(m)" }
}
