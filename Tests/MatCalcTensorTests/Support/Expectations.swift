import Testing
import MatCalcTensor

/// Checks shape and values against expected numbers, element by element, with a relative-and-absolute tolerance.
/// Independent of `Tensor.allclose` (which is itself under test).
func expectValues(
    _ t: Tensor, _ expected: [Double], shape: [Int]? = nil, tolerance: Double = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    if let shape { #expect(t.shape == shape, "shape", sourceLocation: sourceLocation) }
    let got = t.scalars(as: Double.self)
    #expect(got.count == expected.count, "element count", sourceLocation: sourceLocation)
    for (i, (g, e)) in zip(got, expected).enumerated() {
        let same = (g.isNaN && e.isNaN) || g == e || Swift.abs(g - e) <= tolerance * Swift.max(1, Swift.abs(e))
        #expect(same, "element \(i): got \(g), expected \(e)", sourceLocation: sourceLocation)
    }
}
