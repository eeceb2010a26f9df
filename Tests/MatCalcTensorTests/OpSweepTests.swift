import Foundation
import Testing
@testable import MatCalcTensor

/// Every differentiable op over a list of shapes, rank 0 and broadcasting included: its value against
/// an independent scalar reference computed entry by entry in Double, and its gradient against central
/// finite differences in Float64 (gradcheck).
@Suite struct OpSweepTests {
    /// Deterministic inputs away from kinks and domain edges: values in ±[0.3, 1.6].
    static func input(_ shape: [Int], seed: Int, positive: Bool = false) -> Tensor {
        let n = Shape.count(shape)
        let values = (0..<n).map { i -> Double in
            let t = Double((i * 7 + seed * 13) % 17) / 17
            let magnitude = 0.3 + 1.3 * t
            return positive || (i + seed) % 3 != 0 ? magnitude : -magnitude
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Checks value and gradient of `op` for each list of input shapes.
    func checkOp(
        _ name: String, shapes: [[[Int]]], positive: Bool = false,
        _ op: @escaping ([Tensor]) throws -> Tensor, reference: (([[Double]], [Int]) -> Double)? = nil
    ) throws {
        for shapeList in shapes {
            let inputs = shapeList.enumerated().map { Self.input($1, seed: $0 + 1, positive: positive) }
            let out = try op(inputs)
            if let reference {
                // The reference sees each input broadcast to the output's shape, entry by entry.
                let broadcast = inputs.map { $0.expand(out.shape).scalars(as: Double.self) }
                let expected = (0..<out.count).map { i in reference(broadcast, [i]) }
                expectValues(out, expected, shape: out.shape, tolerance: 1e-12)
            }
            let report = try gradcheck(op, inputs: inputs)
            #expect(report.passed, "\(name) \(shapeList): \(report)")
        }
    }

    static let unaryShapes: [[[Int]]] = [[[]], [[3]], [[2, 3]], [[2, 1, 2]]]
    static let binaryShapes: [[[Int]]] = [[[], []], [[3], []], [[], [3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[2, 3], [2, 3]], [[2, 1, 3], [4, 1]]]

    @Test func unaryOps() throws {
        let ops: [(String, Bool, (Tensor) -> Tensor, (Double) -> Double)] = [
            ("neg", false, { -$0 }, { -$0 }),
            ("abs", false, { $0.abs() }, { Swift.abs($0) }),
            ("exp", false, { $0.exp() }, { Foundation.exp($0) }),
            ("log", true, { $0.log() }, { Foundation.log($0) }),
            ("sqrt", true, { $0.sqrt() }, { $0.squareRoot() }),
            ("sin", false, { $0.sin() }, { Foundation.sin($0) }),
            ("cos", false, { $0.cos() }, { Foundation.cos($0) }),
            ("tanh", false, { $0.tanh() }, { Foundation.tanh($0) }),
            ("sigmoid", false, { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }),
            ("relu", false, { $0.relu() }, { Swift.max($0, 0) }),
            ("pow 3", false, { $0.pow(3) }, { $0 * $0 * $0 }),
            ("clamp", false, { $0.clamp(min: -0.5, max: 1.0) }, { Swift.min(Swift.max($0, -0.5), 1.0) }),
        ]
        for (name, positive, op, scalar) in ops {
            try checkOp(name, shapes: Self.unaryShapes, positive: positive, { op($0[0]) }, reference: { x, i in scalar(x[0][i[0]]) })
        }
    }

    @Test func binaryOpsBroadcast() throws {
        let ops: [(String, Bool, (Tensor, Tensor) -> Tensor, (Double, Double) -> Double)] = [
            ("add", false, { $0 + $1 }, { $0 + $1 }),
            ("sub", false, { $0 - $1 }, { $0 - $1 }),
            ("mul", false, { $0 * $1 }, { $0 * $1 }),
            ("div", true, { $0 / $1 }, { $0 / $1 }),
            ("pow", true, { $0.pow($1) }, { Foundation.pow($0, $1) }),
            ("maximum", false, { Tensor.maximum($0, $1) }, { Swift.max($0, $1) }),
            ("minimum", false, { Tensor.minimum($0, $1) }, { Swift.min($0, $1) }),
            ("where", false, { Tensor.where($0 > 0, $0, $1) }, { $0 > 0 ? $0 : $1 }),
        ]
        for (name, positive, op, scalar) in ops {
            try checkOp(name, shapes: Self.binaryShapes, positive: positive, { op($0[0], $0[1]) },
                        reference: { x, i in scalar(x[0][i[0]], x[1][i[0]]) })
        }
    }

    @Test func reductionsAndMovement() throws {
        let shapes: [[[Int]]] = [[[]], [[4]], [[2, 3]], [[2, 3, 2]]]
        try checkOp("sum", shapes: shapes, { $0[0].sum() })
        try checkOp("mean", shapes: shapes, { $0[0].mean() })
        try checkOp("max", shapes: shapes, { $0[0].max() })
        try checkOp("min", shapes: shapes, { $0[0].min() })
        try checkOp("norm", shapes: shapes, { $0[0].norm() })
        try checkOp("norm 1", shapes: shapes, { $0[0].norm(p: 1) })
        try checkOp("flatten", shapes: shapes, { $0[0].flatten() })
        try checkOp("unsqueeze", shapes: shapes, { $0[0].unsqueeze(0) })
        let matrices: [[[Int]]] = [[[2, 3]], [[3, 1]], [[1, 4]], [[2, 3, 2]]]
        try checkOp("sum dim -1", shapes: matrices, { $0[0].sum(dim: -1) })
        try checkOp("sum dim 0 keepdim", shapes: matrices, { $0[0].sum(dim: 0, keepdim: true) })
        try checkOp("mean dim 0", shapes: matrices, { $0[0].mean(dim: 0) })
        try checkOp("max dim -1", shapes: matrices, { $0[0].max(dim: -1).values })
        try checkOp("transpose", shapes: matrices, { $0[0].transpose(0, 1) })
        try checkOp("mT", shapes: matrices, { $0[0].mT })
        try checkOp("select", shapes: matrices, { $0[0][1 % $0[0].shape[0]] })
        try checkOp("narrow", shapes: matrices, { $0[0].narrow(dim: -1, start: 0, length: 1) })
        try checkOp("expand", shapes: [[[]], [[1]], [[3, 1]], [[1, 2]]], { x in
            let s = x[0].shape
            return x[0].expand(s.count < 2 ? [2, 3] : [3, s[1] == 1 ? 4 : s[1]])
        })
        try checkOp("cat", shapes: [[[2], [3]], [[2, 3], [1, 3]]], { Tensor.cat($0) })
        try checkOp("stack", shapes: [[[], []], [[3], [3]], [[2, 3], [2, 3]]], { Tensor.stack($0) })
    }

    @Test func linearAlgebra() throws {
        let products: [[[Int]]] = [[[3], [3]], [[2, 3], [3]], [[3], [3, 2]], [[2, 3], [3, 4]], [[2, 2, 3], [3, 2]], [[2, 1, 2, 3], [4, 3, 2]]]
        try checkOp("matmul", shapes: products, { $0[0].matmul($0[1]) })
        let square: [[[Int]]] = [[[1, 1]], [[3, 3]], [[2, 3, 3]]]
        // Diagonally dominant, so invertible with a positive determinant.
        func dominant(_ a: Tensor) -> Tensor { a + Tensor.eye(a.shape.last!, dtype: .float64) * 4 }
        try checkOp("inverse", shapes: square, { try dominant($0[0]).inverse() })
        try checkOp("det", shapes: square, { dominant($0[0]).det() })
        try checkOp("logdet", shapes: square, { dominant($0[0]).logdet() })
        try checkOp("solve", shapes: [[[3, 3], [3]], [[3, 3], [3, 2]]], { try dominant($0[0]).solve($0[1]) })
        try checkOp("trace", shapes: [[[3, 3]], [[2, 4]]], { $0[0].trace() })
        try checkOp("diag", shapes: [[[3]], [[3, 3]], [[2, 4]]], { $0[0].diag() })
    }
}
