/// The element type of a tensor, named as PyTorch names it.
///
/// Promotion follows PyTorch for these four types: the result category is the higher of
/// bool < integer < floating point, and within floating point the wider type wins.
public enum DType: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case bool = 0
    case int64 = 1
    case float32 = 2
    case float64 = 3

    /// Whether values of this type are floating point (and so differentiable).
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The PyTorch spelling, e.g. `torch.float64`.
    public var torchName: String {
        switch self {
        case .bool: "torch.bool"
        case .int64: "torch.int64"
        case .float32: "torch.float32"
        case .float64: "torch.float64"
        }
    }

    public var description: String { torchName }

    /// Parses `float32`, `float`, `torch.float64`, `double`, `int64`, `long`, `bool`.
    public init?(name: String) {
        let bare = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        switch bare {
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "int64", "long": self = .int64
        case "bool": self = .bool
        default: return nil
        }
    }

    /// The type of `a ∘ b` for tensor operands `a` and `b` (torch.result_type).
    public static func promoted(_ a: DType, _ b: DType) -> DType { max(a, b) }

    /// torch.result_type of two tensors: dimensioned operands decide within a category
    /// (bool < integer < float); a zero-dim operand wins only with a higher category, so
    /// `float32[3] + float64 scalar tensor` stays float32 while `int64[3] + float64 scalar` is float64.
    public static func resultType(_ a: DType, rank aRank: Int, _ b: DType, rank bRank: Int) -> DType {
        if (aRank == 0) == (bRank == 0) { return promoted(a, b) }
        let (dimensioned, zeroDim) = aRank > 0 ? (a, b) : (b, a)
        return zeroDim.category > dimensioned.category ? zeroDim : dimensioned
    }

    /// bool 0, integer 1, floating point 2.
    var category: Int {
        switch self {
        case .bool: 0
        case .int64: 1
        case .float32, .float64: 2
        }
    }

    /// The type a floating-point operation (exp, division, mean…) computes in: integers and
    /// bools go to the default float type, float32; float types stay.
    public var floatingPromoted: DType { isFloatingPoint ? self : .float32 }

    public static func < (lhs: DType, rhs: DType) -> Bool { lhs.rawValue < rhs.rawValue }
}
