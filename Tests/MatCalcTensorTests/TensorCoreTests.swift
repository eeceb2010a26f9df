import Testing
@testable import MatCalcTensor

@Suite struct TensorCoreTests {
    @Test func shapesAndCounts() {
        let t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] as [[Double]])
        #expect(t.shape == [2, 3])
        #expect(t.dtype == .float64)
        #expect(t.count == 6)
        let s = Tensor(Float(2.5))
        #expect(s.rank == 0 && s.count == 1 && s.item(as: Float.self) == 2.5)
        #expect(Tensor(shape: [0, 3], scalars: [Float]()).isEmpty)
    }

    @Test func promotion() {
        #expect(DType.promoted(.bool, .float32) == .float32)
        #expect(DType.promoted(.float32, .float64) == .float64)
        #expect(DType.promoted(.int64, .float32) == .float32)
        #expect(DType.promoted(.bool, .int64) == .int64)
    }

    @Test func broadcastShapes() {
        #expect(Shape.broadcast([10, 4], [4]) == [10, 4])
        #expect(Shape.broadcast([2, 1, 3], [5, 1]) == [2, 5, 3])
        #expect(Shape.broadcast([], [3]) == [3])
        #expect(Shape.broadcast([2, 3], [3, 2]) == nil)
        #expect(Shape.broadcastStrides([1, 3], to: [2, 3]) == [0, 1])
        #expect(Shape.broadcastStrides([3], to: [2, 3]) == [0, 1])
        #expect(Shape.checkedCount([Int.max, 2]) == nil)
    }

    @Test func conversionTruncatesTowardZero() {
        let t = Tensor([-1.7, 2.9, 0.0] as [Double]).to(.int64)
        #expect(t.scalars(as: Int64.self) == [-1, 2, 0])
        #expect(Tensor([0.0, 0.5] as [Double]).to(.bool).scalars(as: Bool.self) == [false, true])
    }
}

@Suite struct ZeroDimPromotionTests {
    // torch.result_type: a zero-dim tensor does not widen a dimensioned one of its own category.
    @Test func zeroDimTensorsPromoteOnlyAcrossCategories() {
        let f32 = Tensor([1, 2] as [Float])
        let i64 = Tensor([1, 2] as [Int64])
        #expect((f32 + Tensor(2.0)).dtype == .float32)
        #expect((i64 + Tensor(2.0)).dtype == .float64)
        #expect((Tensor(true) + i64).dtype == .int64)
        #expect((Tensor(Float(1)) + Tensor(2.0)).dtype == .float64)
        #expect((Tensor([true]) + Tensor(Int64(3))).dtype == .int64)
    }
}
