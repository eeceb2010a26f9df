import Foundation
import Testing

/// `matcalc bench` runs its harness correctly (timings are for BENCHMARKS.md, not for tests): every row
/// of the JSON has the documented keys, the formula agrees with autograd, and bad options are refused.
@Suite struct BenchCommandTests {
    @Test func quickRunAgreesAndReportsTheBackend() throws {
        let result = try ExecutableRunner.run("matcalc", ["bench", "--quick", "--sizes", "10x4x4,40x30x20", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(["OpenBLAS", "Accelerate", "built-in"].contains(object["backend"] as? String ?? ""))
        #expect(object["kernel"] is String && object["blas_threads"] is Int)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 2 * 2 * 3)  // sizes × dtypes × (autograd, formula, gemm)
        for row in rows {
            for key in ["n", "k", "m", "dtype", "method", "median_ms", "gflops", "agrees"] { #expect(row[key] != nil, "\(key)") }
            #expect((row["median_ms"] as? Double ?? 0) > 0)
            #expect(row["agrees"] as? Bool == true)
        }
        #expect(Set(rows.compactMap { $0["method"] as? String }) == ["autograd", "formula", "gemm"])
    }

    @Test func badOptionsAreRefused() throws {
        for args in [["bench", "--sizes", "10x4"], ["bench", "--dtype", "float16"], ["bench", "--compare", "torch"],
                     ["bench", "--min-time", "0"]] {
            let result = try ExecutableRunner.run("matcalc", args)
            #expect(result.status == 2, "\(args)")
            #expect(result.stderr.hasPrefix("Error: "), "\(args): \(result.stderr)")
        }
    }
}
