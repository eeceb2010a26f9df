/// An elementwise comparison producing a bool tensor.
public enum ComparisonOp: String, Sendable, CaseIterable {
    case gt, ge, lt, le, eq, ne

    @inlinable
    func apply<T: TensorScalar & Comparable>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int], _ shape: [Int]) -> [Bool] {
        switch self {
        case .gt: broadcastMap(a, aShape, b, bShape, to: shape, >)
        case .ge: broadcastMap(a, aShape, b, bShape, to: shape, >=)
        case .lt: broadcastMap(a, aShape, b, bShape, to: shape, <)
        case .le: broadcastMap(a, aShape, b, bShape, to: shape, <=)
        case .eq: broadcastMap(a, aShape, b, bShape, to: shape, ==)
        case .ne: broadcastMap(a, aShape, b, bShape, to: shape, !=)
        }
    }
}

extension Tensor {
    /// Compares two broadcast tensors elementwise in their promoted dtype; NaN compares false
    /// except under `ne`.
    public static func compare(_ op: ComparisonOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure(
                "\(op.rawValue): shapes \(Shape.describe(a.shape)) and \(Shape.describe(b.shape)) cannot be broadcast together")
        }
        let values: [Bool]
        switch DType.resultType(a.dtype, rank: a.rank, b.dtype, rank: b.rank) {
        case .float32: values = op.apply(a.scalars(as: Float.self), a.shape, b.scalars(as: Float.self), b.shape, shape)
        case .float64: values = op.apply(a.scalars(as: Double.self), a.shape, b.scalars(as: Double.self), b.shape, shape)
        // Bools compare as 0 and 1.
        case .int64, .bool: values = op.apply(a.scalars(as: Int64.self), a.shape, b.scalars(as: Int64.self), b.shape, shape)
        }
        return Tensor(shape: shape, scalars: values)
    }

    public static func > (a: Tensor, b: Tensor) -> Tensor { compare(.gt, a, b) }
    public static func >= (a: Tensor, b: Tensor) -> Tensor { compare(.ge, a, b) }
    public static func < (a: Tensor, b: Tensor) -> Tensor { compare(.lt, a, b) }
    public static func <= (a: Tensor, b: Tensor) -> Tensor { compare(.le, a, b) }
    /// Elementwise equality (`==` stays whole-tensor equality, as `Equatable` requires).
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(.eq, a, b) }
    /// Elementwise inequality.
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { compare(.ne, a, b) }

    public static func > (a: Tensor, b: Double) -> Tensor { compare(.gt, a, a.wrappedScalar(b)) }
    public static func >= (a: Tensor, b: Double) -> Tensor { compare(.ge, a, a.wrappedScalar(b)) }
    public static func < (a: Tensor, b: Double) -> Tensor { compare(.lt, a, a.wrappedScalar(b)) }
    public static func <= (a: Tensor, b: Double) -> Tensor { compare(.le, a, a.wrappedScalar(b)) }
    public static func .== (a: Tensor, b: Double) -> Tensor { compare(.eq, a, a.wrappedScalar(b)) }
    public static func .!= (a: Tensor, b: Double) -> Tensor { compare(.ne, a, a.wrappedScalar(b)) }

    public static func > (a: Tensor, b: Int) -> Tensor { compare(.gt, a, a.wrappedScalar(b)) }
    public static func >= (a: Tensor, b: Int) -> Tensor { compare(.ge, a, a.wrappedScalar(b)) }
    public static func < (a: Tensor, b: Int) -> Tensor { compare(.lt, a, a.wrappedScalar(b)) }
    public static func <= (a: Tensor, b: Int) -> Tensor { compare(.le, a, a.wrappedScalar(b)) }
    public static func .== (a: Tensor, b: Int) -> Tensor { compare(.eq, a, a.wrappedScalar(b)) }
    public static func .!= (a: Tensor, b: Int) -> Tensor { compare(.ne, a, a.wrappedScalar(b)) }

    /// Picks `a` where `condition` is true and `b` elsewhere; all three broadcast (torch.where).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(condition.dtype == .bool, "where: expected condition to be a bool tensor, got \(condition.dtype)")
        guard let ab = Shape.broadcast(a.shape, b.shape), let shape = Shape.broadcast(condition.shape, ab) else {
            preconditionFailure(
                "where: shapes \(Shape.describe(condition.shape)), \(Shape.describe(a.shape)) and \(Shape.describe(b.shape)) cannot be broadcast together")
        }
        let c = broadcastBuffer(condition.scalars(as: Bool.self), condition.shape, to: shape)
        func select<T: TensorScalar>(_: T.Type) -> [T] {
            // A one-element operand (where(x > 0, x, 0)) is read as a number, not spread into a buffer.
            let x = a.count == 1 ? a.scalars(as: T.self) : broadcastBuffer(a.scalars(as: T.self), a.shape, to: shape)
            let y = b.count == 1 ? b.scalars(as: T.self) : broadcastBuffer(b.scalars(as: T.self), b.shape, to: shape)
            return uninitializedBuffer(c.count) { out in
                c.withUnsafeBufferPointer { c in
                    x.withUnsafeBufferPointer { x in
                        y.withUnsafeBufferPointer { y in
                            switch (x.count == 1, y.count == 1) {
                            case (true, true): for i in 0..<c.count { out[i] = T.select(c[i], x[0], y[0]) }
                            case (true, false): for i in 0..<c.count { out[i] = T.select(c[i], x[0], y[i]) }
                            case (false, true): for i in 0..<c.count { out[i] = T.select(c[i], x[i], y[0]) }
                            case (false, false): for i in 0..<c.count { out[i] = T.select(c[i], x[i], y[i]) }
                            }
                        }
                    }
                }
            }
        }
        let out: Tensor
        switch DType.resultType(a.dtype, rank: a.rank, b.dtype, rank: b.rank) {
        case .float32: out = Tensor(shape: shape, scalars: select(Float.self))
        case .float64: out = Tensor(shape: shape, scalars: select(Double.self))
        case .int64: out = Tensor(shape: shape, scalars: select(Int64.self))
        case .bool: out = Tensor(shape: shape, scalars: select(Bool.self))
        }
        return out.recorded("WhereBackward0", .select(condition: condition), [a, b])
    }
}
