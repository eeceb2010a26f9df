import Testing
@testable import MatCalcTensor

@Suite struct ShapeOpTests {
    let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Double($0) * 0.5 - 3 })

    @Test func permuteTransposeReshape() {
        expectValues(x.permute(2, 0, 1), [-3.0, -1.0, 1.0, 3.0, 5.0, 7.0, -2.5, -0.5, 1.5, 3.5, 5.5, 7.5, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0, -1.5, 0.5, 2.5, 4.5, 6.5, 8.5], shape: [4, 2, 3])
        let m = Tensor([[1.0, 2, 3], [4, 5, 6]] as [[Double]])
        expectValues(m.t(), [1, 4, 2, 5, 3, 6], shape: [3, 2])
        expectValues(m.T, [1, 4, 2, 5, 3, 6], shape: [3, 2])
        #expect(x.mT.shape == [2, 4, 3])
        #expect(x.transpose(0, 2).shape == [4, 3, 2])
        #expect(x.transpose(0, 2) == x.permute(2, 1, 0))
        #expect(x.reshaped(6, -1).shape == [6, 4])
        #expect(x.flatten().shape == [24])
        #expect(x.flatten(startDim: 1).shape == [2, 12])
        #expect(Tensor(2.0).flatten().shape == [1])
        #expect(x.unsqueeze(-1).shape == [2, 3, 4, 1])
        #expect(x.unsqueeze(0).squeeze().shape == [2, 3, 4])
        #expect(Tensor(shape: [1, 3, 1], scalars: [1.0, 2, 3]).squeeze(0).shape == [3, 1])
        #expect(Tensor([1.0, 2]).t().shape == [2])
    }

    @Test func indexing() {
        let m = Tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]] as [[Double]])
        expectValues(m[1], [4, 5, 6], shape: [3])
        expectValues(m[-1], [7, 8, 9], shape: [3])
        expectValues(m[.all, 1], [2, 5, 8], shape: [3])
        expectValues(m[0..<2], [1, 2, 3, 4, 5, 6], shape: [2, 3])
        expectValues(m[.range(1..<3), .range(0..<2)], [4, 5, 7, 8], shape: [2, 2])
        expectValues(m[2, 0], [7], shape: [])
        expectValues(x[1, .all, 3], [4.5, 6.5, 8.5], shape: [3])
        #expect(m[.range(1..<1)].shape == [0, 3])
    }

    @Test func catAndStack() {
        let a = Tensor([[1.0, 2], [3, 4]] as [[Double]])
        let b = Tensor([[5.0, 6]] as [[Double]])
        expectValues(Tensor.cat([a, b]), [1, 2, 3, 4, 5, 6], shape: [3, 2])
        expectValues(Tensor.cat([a, a], dim: 1), [1, 2, 1, 2, 3, 4, 3, 4], shape: [2, 4])
        expectValues(Tensor.stack([a, a], dim: 2), [1, 1, 2, 2, 3, 3, 4, 4], shape: [2, 2, 2])
        expectValues(Tensor.stack([Tensor(1.0), Tensor(2.0)]), [1, 2], shape: [2])
        #expect(Tensor.cat([Tensor([Float(1)]), Tensor([Double(2)])]).dtype == .float64)
    }

    @Test func creationAndLiterals() {
        expectValues(Tensor.eye(2, 3), [1, 0, 0, 0, 1, 0], shape: [2, 3])
        expectValues(Tensor.full([2], 7.5), [7.5, 7.5])
        #expect(Tensor.zeros([2, 0]).isEmpty)
        #expect(Tensor.arange(5).scalars(as: Int64.self) == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 10, step: 3).scalars(as: Int64.self) == [1, 4, 7])
        expectValues(Tensor.arange(0.0, 1.0, step: 0.25), [0, 0.25, 0.5, 0.75])
        #expect(Tensor.arange(0.0, 1.0, step: 0.25).dtype == .float32)
        let lit: Tensor = [[1, 2], [3, 4.5]]
        #expect(lit.shape == [2, 2] && lit.dtype == .float32)
        let ints: Tensor = [1, 2, 3]
        #expect(ints.dtype == .int64 && ints.shape == [3])
        let bools: Tensor = [[true, false]]
        #expect(bools.dtype == .bool && bools.shape == [1, 2])
        let big: Tensor = [9_007_199_254_740_993, 1]
        #expect(big.scalars(as: Int64.self) == [9_007_199_254_740_993, 1])
        let empty: Tensor = []
        #expect(empty.shape == [0] && empty.dtype == .float32)
        let threeD: Tensor = [[[1], [2]], [[3], [4]]]
        #expect(threeD.shape == [2, 2, 1])
        #expect(Tensor.ones([2], dtype: .bool).scalars(as: Bool.self) == [true, true])
    }
}
