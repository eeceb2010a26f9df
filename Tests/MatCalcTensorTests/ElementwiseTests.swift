import Foundation
import Testing
@testable import MatCalcTensor

@Suite struct ElementwiseTests {
    let a = Tensor([[0.5, -1.25, 2.0], [3.0, -0.75, 1.5]] as [[Double]])
    let b = Tensor([2.0, -0.5, 4.0] as [Double])

    // Expected values computed with NumPy 2.4.
    @Test func broadcastArithmetic() {
        expectValues(a + b, [2.5, -1.75, 6.0, 5.0, -1.25, 5.5], shape: [2, 3])
        expectValues(a * b, [1.0, 0.625, 8.0, 6.0, 0.375, 6.0])
        expectValues(a / b, [0.25, 2.5, 0.5, 1.5, 1.5, 0.375])
        expectValues(b - a, [1.5, 0.75, 2.0, -1.0, 0.25, 2.5])
        expectValues(-a, [-0.5, 1.25, -2.0, -3.0, 0.75, -1.5])
        // A column against a row: [2,1] with [3] → [2,3].
        let col = Tensor(shape: [2, 1], scalars: [1.0, 10.0])
        expectValues(col + b, [3, 0.5, 5, 12, 9.5, 14], shape: [2, 3])
        // Three-dimensional broadcast in the middle: [2,1,3] with [4,1] → [2,4,3].
        let x = Tensor(shape: [2, 1, 3], scalars: (0..<6).map(Double.init))
        let y = Tensor(shape: [4, 1], scalars: [0.0, 100, 200, 300])
        let z = x + y
        #expect(z.shape == [2, 4, 3])
        #expect(z.scalars(as: Double.self)[0..<6] == [0, 1, 2, 100, 101, 102])
        #expect(z.scalars(as: Double.self)[21..<24] == [303, 304, 305])
    }

    @Test func unaryFunctions() {
        expectValues(a.exp(), [1.6487212707001282, 0.2865047968601901, 7.38905609893065, 20.085536923187668, 0.4723665527410147, 4.4816890703380645])
        expectValues(a.tanh(), [0.46211715726000974, -0.8482836399575129, 0.9640275800758169, 0.9950547536867305, -0.6351489523872873, 0.9051482536448665])
        expectValues(a.sigmoid(), [0.6224593312018546, 0.22270013882530884, 0.8807970779778823, 0.9525741268224334, 0.320821300824607, 0.8175744761936437])
        expectValues(a.sin(), [0.479425538604203, -0.9489846193555862, 0.9092974268256817, 0.1411200080598672, -0.6816387600233341, 0.9974949866040544])
        expectValues(a.cos(), [0.8775825618903728, 0.3153223623952687, -0.4161468365471424, -0.9899924966004454, 0.7316888688738209, 0.0707372016677029])
        expectValues(a.relu(), [0.5, 0, 2, 3, 0, 1.5])
        expectValues(a.abs(), [0.5, 1.25, 2, 3, 0.75, 1.5])
        expectValues(Tensor([4.0, 0.25] as [Double]).sqrt(), [2, 0.5])
        expectValues(Tensor([1.0, 0, -1] as [Double]).log(), [0, -.infinity, .nan])
        expectValues(a.pow(2), [0.25, 1.5625, 4, 9, 0.5625, 2.25])
        expectValues(Tensor([2.0, 9] as [Double]).pow(Tensor([3.0, 0.5] as [Double])), [8, 3])
        // Saturation at the extremes, no NaN.
        expectValues(Tensor([-1000.0, 1000] as [Double]).sigmoid(), [0, 1])
    }

    @Test func nanAndInfinity() {
        let x = Tensor([Double.nan, .infinity, -.infinity, -2] as [Double])
        expectValues(x.relu(), [.nan, .infinity, 0, 0])
        expectValues(Tensor.maximum(x, Tensor(0.0)), [.nan, .infinity, 0, 0])
        expectValues(Tensor.minimum(x, Tensor(0.0)), [.nan, 0, -.infinity, -2])
        expectValues(x.clamp(min: -1, max: 1), [.nan, 1, -1, -1])
        expectValues(x * 0.0, [.nan, .nan, .nan, -0.0])
    }

    @Test func dtypePromotion() {
        let f32 = Tensor([1, 2] as [Float])
        let f64 = Tensor([1, 2] as [Double])
        let i64 = Tensor([1, 2] as [Int64])
        let bool = Tensor([true, false])
        #expect((f32 + f64).dtype == .float64)
        #expect((i64 + f32).dtype == .float32)
        #expect((bool * f32).dtype == .float32)
        #expect((bool + i64).dtype == .int64)
        #expect((bool + bool).dtype == .bool)
        // Python-style numbers do not widen a float tensor; a float number floats an int tensor.
        #expect((f32 * 2.5).dtype == .float32)
        #expect((2.5 * i64).dtype == .float32)
        #expect((i64 * 3).dtype == .int64)
        #expect((bool + 1).dtype == .int64)
        #expect((i64 / i64).dtype == .float32)
        #expect(i64.exp().dtype == .float32)
        #expect((i64 / 2).scalars(as: Double.self) == [0.5, 1])
        #expect(i64.pow(3).scalars(as: Int64.self) == [1, 8])
        #expect((f32 + 0.1).scalars(as: Float.self) == [Float(1) + Float(0.1), Float(2) + Float(0.1)])
    }

    @Test func comparisonsAndWhere() {
        let x = Tensor([-1.0, 0, 2, .nan] as [Double])
        #expect((x > 0.0).scalars(as: Bool.self) == [false, false, true, false])
        #expect((x >= 0.0).scalars(as: Bool.self) == [false, true, true, false])
        #expect((x < 0.0).scalars(as: Bool.self) == [true, false, false, false])
        #expect((x .== 2.0).scalars(as: Bool.self) == [false, false, true, false])
        #expect((x .!= 2.0).scalars(as: Bool.self) == [true, true, false, true])
        let w = Tensor.where(x > 0.0, x, Tensor(shape: [], scalars: [Float(-7)]))
        #expect(w.dtype == .float64)
        expectValues(w, [-7, -7, 2, -7])
        // The mask of the homework: (X W > 0) as 0/1 in float arithmetic.
        let mask = Tensor([[1.0, -2], [0, 3]] as [[Double]]) > 0.0
        expectValues(mask * Tensor([[5.0, 5], [5, 5]] as [[Double]]), [5, 0, 0, 5])
    }

    @Test func rankZeroAndEmpty() {
        let s = Tensor(3.0)
        expectValues(s + b, [5, 2.5, 7], shape: [3])
        #expect((s * s).shape == [])
        let e = Tensor(shape: [0, 3], scalars: [Double]())
        #expect((e + b).shape == [0, 3])
        #expect(e.exp().shape == [0, 3])
    }

    @Test func allcloseMatchesTorchSemantics() {
        let x = Tensor([1.0, 100, .infinity, .nan] as [Double])
        // |a−b| ≤ atol + rtol·|b|: 1e-5·100 + 1e-8 = 0.00100001 tolerance at 100.
        #expect(x.isclose(Tensor([1.0, 100.001, .infinity, .nan] as [Double])).scalars(as: Bool.self) == [true, true, true, false])
        #expect(x.isclose(Tensor([1.0, 100.0011, .infinity, .nan] as [Double]), equalNaN: true).scalars(as: Bool.self) == [true, false, true, true])
        #expect(!Tensor([Double.infinity]).allclose(Tensor([-Double.infinity])))
        #expect(Tensor([0.0]).allclose(Tensor([1e-8])))
        #expect(!Tensor([0.0]).allclose(Tensor([1.1e-8])))
        // The tolerance is asymmetric: it scales with |other|.
        #expect(Tensor([1.0]).allclose(Tensor([1.00001]), rtol: 1e-5, atol: 0))
        #expect(Tensor([1.00001]).allclose(Tensor([1.0]), rtol: 1e-5, atol: 0) == false)
        #expect(Tensor([1.0, 2.0] as [Double]).allclose(Tensor(shape: [2, 2], scalars: [1.0, 2, 1, 2])))
        #expect(Tensor([Float.nan]).allclose(Tensor([Float.nan]), equalNaN: true))
    }
}

@Suite struct ShapeErrorMessageTests {
    /// Programmer errors stop the program with a message naming the op and the shapes.
    @Test func messagesNameOpAndShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([2])
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("add: shapes [2, 3] and [2] cannot be broadcast together"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped(4, 2)
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("reshape: shape [4, 2] is invalid for input of size 6"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.cat([Tensor.zeros([2, 3]), Tensor.zeros([1, 2])])
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains(
                "cat(): Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor [1, 2] in dimension 1"))
        }
    }
}

/// Costly passes past `parallelElementThreshold` run on several threads; each chunk must write exactly
/// its range (cheap ones run on one, and are checked too). Compared element by element with a plain loop (CI runs this suite under ThreadSanitizer).
@Suite struct ParallelElementwiseTests {
    @Test(arguments: [parallelElementThreshold - 1, parallelElementThreshold, 3 * parallelElementThreshold + 7])
    func largePassesEqualAPlainLoop(_ n: Int) {
        let a = (0..<n).map { Double($0 % 1000) / 250 - 2 }
        let b = (0..<n).map { Double(($0 * 7) % 999) / 333 - 1.5 }
        let x = Tensor(shape: [n], scalars: a), y = Tensor(shape: [n], scalars: b)
        #expect((x + y).scalars(as: Double.self) == zip(a, b).map { $0 + $1 })
        #expect((x * 3.0).scalars(as: Double.self) == a.map { $0 * 3 })
        #expect((2.0 - x).scalars(as: Double.self) == a.map { 2 - $0 })
        #expect(x.relu().scalars(as: Double.self) == a.map { max($0, 0) })
        #expect(x.exp().scalars(as: Double.self) == a.map { Foundation.exp($0) })
        // The costly functions are the ones split across threads.
        #expect(x.tanh().scalars(as: Double.self) == a.map { Foundation.tanh($0) })
        #expect(x.sin().scalars(as: Double.self) == a.map { Foundation.sin($0) })
        #expect(x.abs().pow(2.5).scalars(as: Double.self) == a.map { Foundation.pow(Swift.abs($0), 2.5) })
        #expect((x > y).scalars(as: Bool.self) == zip(a, b).map { $0 > $1 })
        let f = x.to(.float32)
        #expect((f * f).scalars(as: Float.self) == a.map { Float($0) * Float($0) })
    }
}
