extension Tensor {
    /// Elementwise `|a − b| ≤ atol + rtol·|b|` with broadcasting, exactly as torch.isclose:
    /// equal values (including equal infinities) are close, NaNs only when `equalNaN`.
    public func isclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) -> Tensor {
        precondition(rtol >= 0 && atol >= 0, "isclose: rtol and atol must be non-negative")
        guard let shape = Shape.broadcast(self.shape, other.shape) else {
            preconditionFailure(
                "isclose: shapes \(Shape.describe(self.shape)) and \(Shape.describe(other.shape)) cannot be broadcast together")
        }
        // torch evaluates the tolerance in the operands' dtype; Double holds every float32 and
        // int64 value this library compares exactly enough for that.
        let close = broadcastMap(scalars(as: Double.self), self.shape, other.scalars(as: Double.self), other.shape, to: shape) {
            a, b -> Bool in
            if a == b { return true }
            if a.isNaN || b.isNaN { return equalNaN && a.isNaN && b.isNaN }
            if !a.isFinite || !b.isFinite { return false }
            return Swift.abs(a - b) <= atol + rtol * Swift.abs(b)
        }
        return Tensor(shape: shape, scalars: close)
    }

    /// Whether every element is close to `other` (torch.allclose); shapes must broadcast.
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) -> Bool {
        isclose(other, rtol: rtol, atol: atol, equalNaN: equalNaN).scalars(as: Bool.self).allSatisfy { $0 }
    }
}
