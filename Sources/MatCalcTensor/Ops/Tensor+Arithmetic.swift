// Operators and named elementwise functions: thin spellings over `apply(_:)`.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { apply(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { apply(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { apply(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { apply(.div, a, b) }
    public static prefix func - (a: Tensor) -> Tensor { a.apply(.neg) }

    public static func + (a: Tensor, b: Double) -> Tensor { apply(.add, a, a.wrappedScalar(b)) }
    public static func - (a: Tensor, b: Double) -> Tensor { apply(.sub, a, a.wrappedScalar(b)) }
    public static func * (a: Tensor, b: Double) -> Tensor { apply(.mul, a, a.wrappedScalar(b)) }
    public static func / (a: Tensor, b: Double) -> Tensor { apply(.div, a, a.wrappedScalar(b)) }
    public static func + (a: Double, b: Tensor) -> Tensor { apply(.add, b.wrappedScalar(a), b) }
    public static func - (a: Double, b: Tensor) -> Tensor { apply(.sub, b.wrappedScalar(a), b).renamingGradFn("RsubBackward1") }
    public static func * (a: Double, b: Tensor) -> Tensor { apply(.mul, b.wrappedScalar(a), b) }
    // PyTorch computes a number over a tensor as a multiple of its reciprocal.
    public static func / (a: Double, b: Tensor) -> Tensor { apply(.div, b.wrappedScalar(a), b).renamingGradFn("MulBackward0") }

    public static func + (a: Tensor, b: Int) -> Tensor { apply(.add, a, a.wrappedScalar(b)) }
    public static func - (a: Tensor, b: Int) -> Tensor { apply(.sub, a, a.wrappedScalar(b)) }
    public static func * (a: Tensor, b: Int) -> Tensor { apply(.mul, a, a.wrappedScalar(b)) }
    public static func / (a: Tensor, b: Int) -> Tensor { apply(.div, a, a.wrappedScalar(b)) }
    public static func + (a: Int, b: Tensor) -> Tensor { apply(.add, b.wrappedScalar(a), b) }
    public static func - (a: Int, b: Tensor) -> Tensor { apply(.sub, b.wrappedScalar(a), b).renamingGradFn("RsubBackward1") }
    public static func * (a: Int, b: Tensor) -> Tensor { apply(.mul, b.wrappedScalar(a), b) }
    public static func / (a: Int, b: Tensor) -> Tensor { apply(.div, b.wrappedScalar(a), b).renamingGradFn("MulBackward0") }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }

    /// Elementwise `self ^ exponent`, broadcast.
    public func pow(_ exponent: Tensor) -> Tensor { Tensor.apply(.pow, self, exponent).renamingGradFn("PowBackward1") }
    /// Elementwise `self ^ exponent` for a number (`x.pow(2)`).
    public func pow(_ exponent: Double) -> Tensor { Tensor.apply(.pow, self, wrappedScalar(exponent)) }
    /// Elementwise `self ^ exponent` for an integer (stays integral for int64 tensors).
    public func pow(_ exponent: Int) -> Tensor { Tensor.apply(.pow, self, wrappedScalar(exponent)) }

    /// Elementwise e^x.
    public func exp() -> Tensor { apply(.exp) }
    /// Elementwise natural logarithm (log of a negative number is NaN, of 0 is −inf).
    public func log() -> Tensor { apply(.log) }
    /// Elementwise square root.
    public func sqrt() -> Tensor { apply(.sqrt) }
    /// Elementwise |x|.
    public func abs() -> Tensor { apply(.abs) }
    /// Elementwise sine.
    public func sin() -> Tensor { apply(.sin) }
    /// Elementwise cosine.
    public func cos() -> Tensor { apply(.cos) }
    /// Elementwise hyperbolic tangent.
    public func tanh() -> Tensor { apply(.tanh) }
    /// Elementwise logistic function 1 / (1 + e^(−x)).
    public func sigmoid() -> Tensor { apply(.sigmoid) }
    /// Elementwise max(x, 0).
    public func relu() -> Tensor { apply(.relu) }

    /// Elementwise maximum of two broadcast tensors; NaN propagates (torch.maximum).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { apply(.maximum, a, b) }
    /// Elementwise minimum of two broadcast tensors; NaN propagates (torch.minimum).
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { apply(.minimum, a, b) }

    /// Clamps every element into `[min, max]` (either bound optional); NaN stays NaN (torch.clamp).
    public func clamp(min lower: Double? = nil, max upper: Double? = nil) -> Tensor {
        precondition(lower != nil || upper != nil, "clamp: at least one of 'min' or 'max' must not be None")
        var out = detach()
        if let lower { out = Tensor.maximum(out, out.wrappedScalar(lower)) }
        if let upper { out = Tensor.minimum(out, out.wrappedScalar(upper)) }
        return out.recorded("ClampBackward1", .clamp(input: self, min: lower, max: upper), [self])
    }
}
