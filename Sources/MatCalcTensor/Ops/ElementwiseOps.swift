import Foundation
import RealModule

/// An elementwise function of one tensor.
public enum UnaryOp: String, Sendable, CaseIterable {
    case neg, abs, exp, log, sqrt, sin, cos, tanh, sigmoid, relu

    /// PyTorch's grad_fn name for this op.
    var gradFnName: String {
        switch self {
        case .neg: "NegBackward0"
        case .abs: "AbsBackward0"
        case .exp: "ExpBackward0"
        case .log: "LogBackward0"
        case .sqrt: "SqrtBackward0"
        case .sin: "SinBackward0"
        case .cos: "CosBackward0"
        case .tanh: "TanhBackward0"
        case .sigmoid: "SigmoidBackward0"
        case .relu: "ReluBackward0"
        }
    }

    /// Whether the result is floating point even for integer input (exp of an int64 is float32).
    var alwaysFloat: Bool {
        switch self {
        case .neg, .abs, .relu: false
        case .exp, .log, .sqrt, .sin, .cos, .tanh, .sigmoid: true
        }
    }

    @inlinable
    func apply<T: TensorFloat>(_ x: [T]) -> [T] {
        switch self {
        case .neg: mapBuffer(x) { -$0 }
        case .abs: mapBuffer(x) { Swift.abs($0) }
        case .exp: mapBuffer(x, costly: true) { T.exp($0) }
        case .log: mapBuffer(x, costly: true) { T.log($0) }
        case .sqrt: mapBuffer(x) { $0.squareRoot() }
        case .sin: mapBuffer(x, costly: true) { T.sin($0) }
        case .cos: mapBuffer(x, costly: true) { T.cos($0) }
        case .tanh: mapBuffer(x, costly: true) { T.tanh($0) }
        // 1/(1+e^(-x)) saturates cleanly: e^(-x) = inf gives exactly 0 for very negative x.
        case .sigmoid: mapBuffer(x, costly: true) { 1 / (1 + T.exp(-$0)) }
        // NaN propagates, as torch.relu (clamp_min) does.
        case .relu: mapBuffer(x) { $0.isNaN ? $0 : ($0 > 0 ? $0 : 0) }
        }
    }

    func apply(_ x: [Int64]) -> [Int64] {
        switch self {
        case .neg: mapBuffer(x) { 0 &- $0 }
        case .abs: mapBuffer(x) { $0 < 0 ? 0 &- $0 : $0 }
        case .relu: mapBuffer(x) { Swift.max($0, 0) }
        case .exp, .log, .sqrt, .sin, .cos, .tanh, .sigmoid:
            preconditionFailure("\(rawValue) is computed in floating point")
        }
    }
}

/// An elementwise function of two broadcast tensors.
public enum BinaryOp: String, Sendable, CaseIterable {
    case add, sub, mul, div, pow, maximum, minimum

    /// PyTorch's grad_fn name for this op between two tensors.
    var gradFnName: String {
        switch self {
        case .add: "AddBackward0"
        case .sub: "SubBackward0"
        case .mul: "MulBackward0"
        case .div: "DivBackward0"
        case .pow: "PowBackward0"
        case .maximum: "MaximumBackward0"
        case .minimum: "MinimumBackward0"
        }
    }

    /// The result dtype for operands of `a` and `b` (true division and pow of ints give floats
    /// only for division; torch keeps int pow integral).
    func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        let t = DType.resultType(a.dtype, rank: a.rank, b.dtype, rank: b.rank)
        switch self {
        case .div: return t.floatingPromoted
        case .add, .sub, .mul, .maximum, .minimum: return t
        case .pow: return t == .bool ? .int64 : t
        }
    }

    @inlinable
    func apply<T: TensorFloat>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int], _ shape: [Int]) -> [T] {
        switch self {
        case .add: broadcastMap(a, aShape, b, bShape, to: shape, +)
        case .sub: broadcastMap(a, aShape, b, bShape, to: shape, -)
        case .mul: broadcastMap(a, aShape, b, bShape, to: shape, *)
        case .div: broadcastMap(a, aShape, b, bShape, to: shape, /)
        // The common square as its own loop: one multiply, vectorised.
        case .pow where b.count == 1 && b[0] == 2: broadcastMap(a, aShape, b, bShape, to: shape) { x, _ in x * x }
        case .pow: broadcastMap(a, aShape, b, bShape, to: shape, costly: !isCheapExponent(b)) { x, y in powReal(x, y) }
        // NaN propagates (torch.maximum); otherwise the larger, and +0 over -0 as IEEE maxNum would not say.
        case .maximum: broadcastMap(a, aShape, b, bShape, to: shape) { x, y in x.isNaN || y.isNaN ? x + y : (x >= y ? x : y) }
        case .minimum: broadcastMap(a, aShape, b, bShape, to: shape) { x, y in x.isNaN || y.isNaN ? x + y : (x <= y ? x : y) }
        }
    }

    func apply(_ a: [Int64], _ aShape: [Int], _ b: [Int64], _ bShape: [Int], _ shape: [Int]) -> [Int64] {
        switch self {
        case .add: return broadcastMap(a, aShape, b, bShape, to: shape, &+)
        case .sub: return broadcastMap(a, aShape, b, bShape, to: shape, &-)
        case .mul: return broadcastMap(a, aShape, b, bShape, to: shape, &*)
        case .maximum: return broadcastMap(a, aShape, b, bShape, to: shape) { Swift.max($0, $1) }
        case .minimum: return broadcastMap(a, aShape, b, bShape, to: shape) { Swift.min($0, $1) }
        case .pow:
            precondition(b.allSatisfy { $0 >= 0 }, "pow: Integers to negative integer powers are not allowed.")
            return broadcastMap(a, aShape, b, bShape, to: shape, powInt)
        case .div: preconditionFailure("div is computed in floating point")
        }
    }

    func apply(_ a: [Bool], _ aShape: [Int], _ b: [Bool], _ bShape: [Int], _ shape: [Int]) -> [Bool] {
        switch self {
        // torch: bool + bool is logical or, bool * bool logical and, max/min likewise.
        case .add, .maximum: return broadcastMap(a, aShape, b, bShape, to: shape) { $0 || $1 }
        case .mul, .minimum: return broadcastMap(a, aShape, b, bShape, to: shape) { $0 && $1 }
        case .sub:
            preconditionFailure(
                "sub: subtraction, the `-` operator, with two bool tensors is not supported. Use logical not or xor instead.")
        case .div, .pow: preconditionFailure("\(rawValue) does not operate on bool tensors")
        }
    }
}

/// x^y as C's pow (defined for a negative base with an integer exponent, unlike exp(y log x));
/// the common `x^2` is one exact multiply.
@inlinable
func powReal<T: TensorFloat>(_ x: T, _ y: T) -> T {
    if y == 2 { return x * x }
    if y == 1 { return x }
    return T(Foundation.pow(Double(x), Double(y)))
}

/// Whether a power by `exponent` is a multiply or a copy (`x^2`, `x^1`), not a call to `pow`.
@inlinable
func isCheapExponent<T: TensorFloat>(_ exponent: [T]) -> Bool {
    exponent.count == 1 && (exponent[0] == 2 || exponent[0] == 1)
}

/// x^y for y ≥ 0 by repeated squaring (wrapping on overflow, like C integer arithmetic).
func powInt(_ x: Int64, _ y: Int64) -> Int64 {
    var result: Int64 = 1
    var base = x
    var e = y
    while e > 0 {
        if e & 1 == 1 { result = result &* base }
        base = base &* base
        e >>= 1
    }
    return result
}

extension Tensor {
    /// Applies a unary elementwise op; integer input to a transcendental op is computed in float32.
    public func apply(_ op: UnaryOp) -> Tensor {
        var dtype = self.dtype
        if dtype == .bool || (op.alwaysFloat && !dtype.isFloatingPoint) { dtype = op.alwaysFloat ? .float32 : .int64 }
        precondition(!(op == .neg && self.dtype == .bool), "neg: negation, the `-` operator, on a bool tensor is not supported.")
        let storage: TensorStorage
        switch dtype {
        case .float32: storage = .float32(op.apply(scalars(as: Float.self)))
        case .float64: storage = .float64(op.apply(scalars(as: Double.self)))
        case .int64: storage = .int64(op.apply(scalars(as: Int64.self)))
        case .bool: preconditionFailure("unreachable: bool is promoted above")
        }
        let out = Tensor(shape: shape, storage: storage)
        let keepsOutput = op == .exp || op == .sqrt || op == .tanh || op == .sigmoid
        return out.recorded(op.gradFnName, .unary(op, input: self, output: keepsOutput ? out : nil), [self])
    }

    /// Applies a binary elementwise op with NumPy/PyTorch broadcasting and dtype promotion.
    public static func apply(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure(
                "\(op.rawValue): shapes \(Shape.describe(a.shape)) and \(Shape.describe(b.shape)) cannot be broadcast together")
        }
        let storage: TensorStorage
        switch op.resultType(a, b) {
        case .float32:
            storage = .float32(op.apply(a.scalars(as: Float.self), a.shape, b.scalars(as: Float.self), b.shape, shape))
        case .float64:
            storage = .float64(op.apply(a.scalars(as: Double.self), a.shape, b.scalars(as: Double.self), b.shape, shape))
        case .int64:
            storage = .int64(op.apply(a.scalars(as: Int64.self), a.shape, b.scalars(as: Int64.self), b.shape, shape))
        case .bool:
            storage = .bool(op.apply(a.scalars(as: Bool.self), a.shape, b.scalars(as: Bool.self), b.shape, shape))
        }
        let out = Tensor(shape: shape, storage: storage)
        let rule: BackwardRule = switch op {
        case .add, .sub: .binary(op, lhs: nil, rhs: nil, output: nil)
        case .pow: .binary(op, lhs: a, rhs: b, output: b.requiresGrad ? out : nil)
        default: .binary(op, lhs: a, rhs: b, output: nil)
        }
        return out.recorded(op.gradFnName, rule, [a, b])
    }

    /// A Python-style number as a rank-0 tensor beside `self`: it never widens a float tensor
    /// (float32 + 2.5 stays float32), but a float number makes an integer tensor float32.
    func wrappedScalar(_ value: Double) -> Tensor {
        let dtype: DType = self.dtype.isFloatingPoint ? self.dtype : .float32
        return Tensor(shape: [], storage: TensorStorage.float64([value]).converted(to: dtype))
    }

    /// An integer number beside `self`: keeps the tensor's dtype (bool tensors go to int64).
    func wrappedScalar(_ value: Int) -> Tensor {
        let dtype: DType = self.dtype == .bool ? .int64 : self.dtype
        return Tensor(shape: [], storage: TensorStorage.int64([Int64(value)]).converted(to: dtype))
    }
}
