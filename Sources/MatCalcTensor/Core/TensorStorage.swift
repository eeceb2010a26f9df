/// A tensor's contiguous, row-major element buffer; one case per dtype.
///
/// Swift arrays give the copy-on-write value semantics: copies share the buffer until one is written.
public enum TensorStorage: Sendable, Equatable {
    case float32([Float])
    case float64([Double])
    case int64([Int64])
    case bool([Bool])

    /// The dtype of the stored elements.
    public var dtype: DType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int64: .int64
        case .bool: .bool
        }
    }

    /// The number of stored elements.
    public var count: Int {
        switch self {
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .int64(let v): v.count
        case .bool(let v): v.count
        }
    }

    /// The elements converted to `T` (no copy when the dtype already matches).
    @inlinable
    public func values<T: TensorScalar>(as _: T.Type = T.self) -> [T] {
        // Same-type reads reinterpret the array (identical layout) instead of casting it,
        // which would be an O(n) dynamic cast in unspecialized code.
        switch self {
        // Conversions to the float types are spelled out so that they run as concrete loops.
        case .float32(let v):
            if T.self == Float.self { return unsafeBitCast(v, to: [T].self) }
            if T.self == Double.self { return unsafeBitCast(MatCalcTensor.mapBuffer(v) { Double($0) }, to: [T].self) }
            return MatCalcTensor.mapBuffer(v) { T(converting: Double($0)) }
        case .float64(let v):
            if T.self == Double.self { return unsafeBitCast(v, to: [T].self) }
            if T.self == Float.self { return unsafeBitCast(MatCalcTensor.mapBuffer(v) { Float($0) }, to: [T].self) }
            return MatCalcTensor.mapBuffer(v) { T(converting: $0) }
        case .int64(let v):
            if T.self == Int64.self { return unsafeBitCast(v, to: [T].self) }
            if T.self == Float.self { return unsafeBitCast(MatCalcTensor.mapBuffer(v) { Float(Double($0)) }, to: [T].self) }
            if T.self == Double.self { return unsafeBitCast(MatCalcTensor.mapBuffer(v) { Double($0) }, to: [T].self) }
            return MatCalcTensor.mapBuffer(v) { T(converting: Double($0)) }
        case .bool(let v):
            if T.self == Bool.self { return unsafeBitCast(v, to: [T].self) }
            // A Bool is stored as the byte 0 or 1: converting that byte needs no branch.
            if T.self == Float.self { return unsafeBitCast(MatCalcTensor.mapBuffer(v) { Float(unsafeBitCast($0, to: UInt8.self)) }, to: [T].self) }
            if T.self == Double.self { return unsafeBitCast(MatCalcTensor.mapBuffer(v) { Double(unsafeBitCast($0, to: UInt8.self)) }, to: [T].self) }
            return MatCalcTensor.mapBuffer(v) { T(converting: $0 ? 1 : 0) }
        }
    }

    /// The same elements converted to `dtype`.
    public func converted(to dtype: DType) -> TensorStorage {
        if dtype == self.dtype { return self }
        switch dtype {
        case .float32: return .float32(values(as: Float.self))
        case .float64: return .float64(values(as: Double.self))
        case .bool:
            switch self {
            case .float32(let v): return .bool(MatCalcTensor.mapBuffer(v) { $0 != 0 })
            case .float64(let v): return .bool(MatCalcTensor.mapBuffer(v) { $0 != 0 })
            case .int64(let v): return .bool(MatCalcTensor.mapBuffer(v) { $0 != 0 })
            case .bool: return self
            }
        case .int64:
            switch self {
            case .int64: return self
            case .bool(let v): return .int64(MatCalcTensor.mapBuffer(v) { $0 ? 1 : 0 })
            default: return .int64(values(as: Int64.self))
            }
        }
    }

    /// Element `i` as a Double (for printing, comparisons in tests, reductions to a scalar).
    public func double(at i: Int) -> Double {
        switch self {
        case .float32(let v): Double(v[i])
        case .float64(let v): v[i]
        case .int64(let v): Double(v[i])
        case .bool(let v): v[i] ? 1 : 0
        }
    }
}

extension TensorStorage {
    // One closure per dtype, since Swift closures cannot be generic.
    /// Applies a buffer transformation that works for any element type to the stored buffer.
    func mapBuffer(
        _ f32: ([Float]) -> [Float], _ f64: ([Double]) -> [Double], _ i64: ([Int64]) -> [Int64], _ b: ([Bool]) -> [Bool]
    ) -> TensorStorage {
        switch self {
        case .float32(let v): .float32(f32(v))
        case .float64(let v): .float64(f64(v))
        case .int64(let v): .int64(i64(v))
        case .bool(let v): .bool(b(v))
        }
    }
}
