import Testing
@testable import MatCalcTensor

@Suite struct ReductionTests {
    // x = arange(24).reshape(2,3,4) * 0.5 - 3; expected values from NumPy.
    let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Double($0) * 0.5 - 3 })

    @Test func sumMeanMaxOverDims() {
        expectValues(x.sum(dim: 1), [-3.0, -1.5, 0.0, 1.5, 15.0, 16.5, 18.0, 19.5], shape: [2, 4])
        expectValues(x.sum(dims: [0, 2]), [6.0, 22.0, 38.0], shape: [3])
        expectValues(x.sum(dims: [-1, 0]), [6.0, 22.0, 38.0], shape: [3])
        expectValues(x.mean(dim: 2), [-2.25, -0.25, 1.75, 3.75, 5.75, 7.75], shape: [2, 3])
        expectValues(x.max(dim: 0).values, [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5], shape: [3, 4])
        #expect(x.max(dim: 0).indices.scalars(as: Int64.self) == [Int64](repeating: 1, count: 12))
        #expect(x.argmax(dim: 2).scalars(as: Int64.self) == [3, 3, 3, 3, 3, 3])
        expectValues(x.sum(), [66], shape: [])
        expectValues(x.mean(), [2.75], shape: [])
        expectValues(x.max(), [8.5], shape: [])
        expectValues(x.min(), [-3], shape: [])
        #expect(x.sum(dim: 1, keepdim: true).shape == [2, 1, 4])
        #expect(x.mean(dims: [0, 1], keepdim: true).shape == [1, 1, 4])
    }

    @Test func argmaxTiesAndNaN() {
        #expect(Tensor([1.0, 3, 3, 2] as [Double]).argmax().item(as: Int64.self) == 1)
        #expect(Tensor([1.0, .nan, 3] as [Double]).argmax().item(as: Int64.self) == 1)
        #expect(Tensor([1.0, .nan, 3] as [Double]).max().doubleValue.isNaN)
        #expect(Tensor([[1.0, 5], [7, 2]] as [[Double]]).argmax().item(as: Int64.self) == 2)
        #expect(Tensor([[1.0, 5], [7, 2]] as [[Double]]).argmin(dim: 1).scalars(as: Int64.self) == [0, 1])
    }

    @Test func dtypesOfReductions() {
        #expect(Tensor([true, true, false]).sum().item(as: Int64.self) == 2)
        #expect(Tensor([true, true, false]).sum().dtype == .int64)
        #expect(Tensor([Int64(2), 5]).sum().dtype == .int64)
        #expect(Tensor([Float(1), 2]).mean().dtype == .float32)
    }

    @Test func rankZeroAndEmpty() {
        let s = Tensor(4.5)
        expectValues(s.sum(), [4.5], shape: [])
        expectValues(s.max(), [4.5], shape: [])
        let e = Tensor(shape: [0, 3], scalars: [Double]())
        expectValues(e.sum(), [0], shape: [])
        expectValues(e.sum(dim: 0), [0, 0, 0], shape: [3])
        #expect(e.mean().doubleValue.isNaN)
        #expect(e.sum(dim: 1).shape == [0])
    }

    @Test func sumToShapeUndoesBroadcast() {
        let g = Tensor.ones([2, 3, 4], dtype: .float64)
        expectValues(g.sum(toShape: [4]), [6, 6, 6, 6], shape: [4])
        expectValues(g.sum(toShape: [3, 1]), [8, 8, 8], shape: [3, 1])
        expectValues(g.sum(toShape: []), [24], shape: [])
        expectValues(g.sum(toShape: [1, 1, 4]), [6, 6, 6, 6], shape: [1, 1, 4])
    }
}
