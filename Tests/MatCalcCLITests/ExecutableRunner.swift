import Foundation
import Testing

/// Runs a built executable of this package and captures its output and exit status.
struct ExecutableRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The folder SwiftPM builds products into (the parent of this test target's resource bundle).
    static let productsDirectory: URL = Bundle.module.bundleURL.deletingLastPathComponent()

    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func resource(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"))
        return try String(contentsOf: url, encoding: .utf8)
    }
}

/// One recorded CLI run: the arguments, and the exit status and outputs they must give.
struct Snapshot: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let args: [String]
    let status: Int32
    let stdout: String
    let stderr: String
    var testDescription: String { name }

    /// The snapshots in a resource file `{"cases": [...]}` (written by Tests/Scripts/gen_cli_expected.py).
    static func load(_ resource: String) -> [Snapshot] {
        struct File: Decodable { let cases: [Snapshot] }
        let text = try! ExecutableRunner.resource(resource)
        return try! JSONDecoder().decode(File.self, from: Data(text.utf8)).cases
    }

    /// Runs the command and compares status, stdout and stderr whole. An argument `@steps/NAME` is the
    /// path of the resource `Resources/steps/NAME` (a derivation file).
    func verify(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let arguments = try args.map { argument in
            guard argument.hasPrefix("@") else { return argument }
            let url = try #require(Bundle.module.url(forResource: "Resources/" + argument.dropFirst(), withExtension: nil))
            return url.path
        }
        let result = try ExecutableRunner.run("matcalc", arguments)
        #expect(result.status == status, sourceLocation: sourceLocation)
        #expect(result.stdout == stdout, sourceLocation: sourceLocation)
        #expect(result.stderr == stderr, sourceLocation: sourceLocation)
    }
}
