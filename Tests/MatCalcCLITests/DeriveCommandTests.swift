import Foundation
import Testing

/// Whole-output tests of `matcalc derive`: every format, the derivation steps, and the failure paths
/// (exit status 2, message with a caret on stderr). The expected outputs are reviewed snapshots
/// (derive_cli_expected.json, regenerated with Tests/Scripts/gen_cli_expected.py); the
/// formulas in them are proven numerically by the corpus tests (CorpusTests, CorpusEmittedCodeTests).
@Suite struct DeriveCommandTests {
    static let cases = Snapshot.load("derive_cli_expected.json")

    @Test(arguments: cases)
    func wholeOutput(_ c: Snapshot) throws {
        try c.verify()
    }

    @Test func snapshotCoversFormatsAndFailures() {
        let names = Set(Self.cases.map(\.name))
        for required in ["anchor_steps", "aXb_json", "trace_latex_steps", "ridge_numpy", "ridge_pytorch", "logdet_swift",
                         "parse_error", "shape_error", "unsupported", "non_scalar"] {
            #expect(names.contains(required))
        }
        #expect(Self.cases.filter { $0.status == 2 }.allSatisfy { $0.stdout.isEmpty && !$0.stderr.isEmpty })
    }

    /// The JSON output has the documented schema (docs/cli.md).
    @Test func jsonSchema() throws {
        let result = try ExecutableRunner.run("matcalc", [
            "derive", "||max(X W, 0) - Y||_F^2", "--var", "X: n×d", "--var", "W: d×k", "--var", "Y: n×k", "--format", "json",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["expression", "variables", "numpy_prelude", "results"])
        #expect((object["variables"] as? [String: [String]]) == ["X": ["n", "d"], "W": ["d", "k"], "Y": ["n", "k"]])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.map { $0["wrt"] as? String } == ["X", "W", "Y"])
        for r in results {
            #expect(Set(r.keys) == ["wrt", "kind", "shape", "text", "latex", "numpy", "pytorch", "swift", "steps", "assumptions"])
            #expect(r["kind"] as? String == "gradient")
            let steps = try #require(r["steps"] as? [[String: String]])
            #expect(steps.allSatisfy { Set($0.keys) == ["rule", "text", "latex"] && $0["text"]!.hasPrefix("df = ") })
        }
        #expect(results[1]["text"] as? String == "2 Xᵀ ((max(X W, 0) − Y) ⊙ 1{X W > 0})")
        #expect(results[1]["numpy"] as? String == "2 * X.T @ ((np.maximum(X @ W, 0) - Y) * (X @ W > 0))")
    }
}
