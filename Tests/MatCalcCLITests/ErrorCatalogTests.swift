import Testing

/// Every kind of bad input in docs/errors.md gets exactly its documented message and exit status:
/// never a crash, never a silent answer.
@Suite struct ErrorCatalogTests {
    static let cases = Snapshot.load("error_catalog.json")

    @Test func catalogueIsLargeAndAllErrors() {
        #expect(Self.cases.count >= 40)
        // Every entry is refused: status 2 (usage, parse, shape, unsupported) or 1 (a wrong claim).
        #expect(Self.cases.allSatisfy { $0.status == 2 || ($0.status == 1 && $0.stdout.contains("WRONG SHAPE")) })
        #expect(Self.cases.filter { $0.status == 2 }.allSatisfy { $0.stdout.isEmpty && !$0.stderr.isEmpty })
    }

    @Test(arguments: cases)
    func wholeOutput(_ c: Snapshot) throws {
        try c.verify()
    }
}
