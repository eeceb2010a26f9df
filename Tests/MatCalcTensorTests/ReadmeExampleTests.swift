import Testing
import MatCalcTensor

/// The README's library example, verbatim apart from printing, so the documentation stays true.
@Suite struct ReadmeExampleTests {
    @Test func quadraticFormExample() throws {
        let g = Generator(seed: 0)
        let A = Tensor.randn([3, 3], dtype: .float64, generator: g)
        let x = Tensor.randn([3], dtype: .float64, generator: g).requiringGrad()
        let f = x.matmul(A).matmul(x)
        try f.backward()
        #expect(x.grad!.allclose((A + A.t()).matmul(x)))
        let H = try Autograd.hessian(of: { $0.matmul(A).matmul($0) }, at: x)
        #expect(H.allclose(A + A.t()))
        let report = try gradcheck({ $0[0].matmul(A).matmul($0[0]) }, inputs: [x])
        #expect(report.passed)
        #expect(report.description.hasPrefix("gradcheck passed: 3 Jacobian entries"))
    }
}
