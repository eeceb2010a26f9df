import RealModule

/// A Swift type that can be a tensor element: `Float`, `Double`, `Int64` or `Bool`.
public protocol TensorScalar: Sendable, Equatable {
    /// The tensor dtype this Swift type stores.
    static var dtype: DType { get }
    /// Wraps a buffer of this type as tensor storage.
    static func storage(_ values: [Self]) -> TensorStorage
    /// Converts a value of any dtype, as PyTorch's `.to(dtype)` does.
    init(converting value: Double)
    /// The value as a Double (exact for Float, Bool; rounded for huge Int64).
    var doubleValue: Double { get }
}

/// A floating-point tensor element: `Float` or `Double`.
public protocol TensorFloat: TensorScalar, Real, BinaryFloatingPoint {}

extension Float: TensorFloat {
    public static var dtype: DType { .float32 }
    public static func storage(_ values: [Float]) -> TensorStorage { .float32(values) }
    public init(converting value: Double) { self.init(value) }
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorFloat {
    public static var dtype: DType { .float64 }
    public static func storage(_ values: [Double]) -> TensorStorage { .float64(values) }
    public init(converting value: Double) { self = value }
    public var doubleValue: Double { self }
}

extension Int64: TensorScalar {
    public static var dtype: DType { .int64 }
    public static func storage(_ values: [Int64]) -> TensorStorage { .int64(values) }
    // PyTorch truncates toward zero; out-of-range values are undefined there, we saturate.
    public init(converting value: Double) {
        if value.isNaN { self = 0 } else if value >= 9.223372036854775807e18 { self = .max } else if value < -9.223372036854775807e18 { self = .min } else { self.init(value.rounded(.towardZero)) }
    }
    public var doubleValue: Double { Double(self) }
}

extension Bool: TensorScalar {
    public static var dtype: DType { .bool }
    public static func storage(_ values: [Bool]) -> TensorStorage { .bool(values) }
    public init(converting value: Double) { self = value != 0 }
    public var doubleValue: Double { self ? 1 : 0 }
}
