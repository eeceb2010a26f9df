import Foundation
import Testing

/// `matcalc randn` against what PyTorch prints for the same seed and shape (randn_cli_golden.json,
/// made by Tests/Scripts/gen_cli_randn_golden.py), and its answers to bad input.
@Suite struct RandnCommandTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let args: [String]
        let stdout: String
        var testDescription: String { args.joined(separator: " ") }
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let text = try! ExecutableRunner.resource("randn_cli_golden.json")
        return try! JSONDecoder().decode(File.self, from: Data(text.utf8)).cases
    }()

    @Test(arguments: cases)
    func printsWhatPyTorchPrints(_ c: Case) throws {
        let result = try ExecutableRunner.run("matcalc", ["randn"] + c.args)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == c.stdout)
    }

    @Test(arguments: [
        (["randn", "10", "x"], "Error: dimension 2 must be a non-negative integer, got 'x'\n"),
        (["randn", "3", "--dtype", "int64"], "Error: --dtype must be float32 or float64, got 'int64'\n"),
        (["randn", "3", "--seed", "abc"], "Error: --seed must be an integer in [-2^63, 2^64 - 1], got 'abc'\n"),
        (["randn", "3", "--seed", "18446744073709551616"], "Error: --seed must be an integer in [-2^63, 2^64 - 1], got '18446744073709551616'\n"),
        (["randn", "3", "--kernel", "sse"], "Error: --kernel must be avx2 or libm, got 'sse'\n"),
        (["randn", "100000", "100000"], "Error: the shape 100000×100000 has more than 268435456 elements; refusing to allocate it\n"),
        (["randn", "4611686018427387904", "4"], "Error: the shape 4611686018427387904×4 has more than 268435456 elements; refusing to allocate it\n"),
    ])
    func rejectsBadInput(_ args: [String], _ message: String) throws {
        let result = try ExecutableRunner.run("matcalc", args)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == message)
    }

    @Test func negativeDimensionIsAUsageError() throws {
        let result = try ExecutableRunner.run("matcalc", ["randn", "--", "-3"])
        #expect(result.status == 2)
        #expect(result.stderr == "Error: dimension 1 must be a non-negative integer, got '-3'\n")
    }
}

@Suite struct HomeworkTests {
    /// `swift run homework` prints byte for byte what PyTorch 2.13 prints for homework.py.
    @Test func printsWhatPyTorchPrints() throws {
        let result = try ExecutableRunner.run("homework", [])
        #expect(result.status == 0)
        // The issue allows the three Bool lines in Swift's spelling (true) instead of Python's (True).
        let expected = try ExecutableRunner.resource("homework_expected.txt")
            .replacingOccurrences(of: "\nTrue", with: "\ntrue").replacingOccurrences(of: "\nFalse", with: "\nfalse")
        #expect(result.stdout == expected)
        if result.stdout != expected {
            for (i, (a, b)) in zip(result.stdout.split(separator: "\n"), expected.split(separator: "\n")).enumerated() where a != b {
                Issue.record("line \(i + 1): got '\(a)', expected '\(b)'")
            }
        }
    }
}
