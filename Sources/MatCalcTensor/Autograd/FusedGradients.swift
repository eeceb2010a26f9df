// Vector–Jacobian products of the hot elementwise rules in one pass each, for backward passes that
// record no graph. Each computes exactly the composed form its rule falls back to (same operations
// in the same order, so the same bits), without the temporaries: relu's mask and the power's
// a^(b−1) and g·b never exist as tensors. The tests compare both paths.

extension Tensor {
    /// relu's backward for input `self`: g where self > 0 or is NaN, else 0 (PyTorch's
    /// threshold_backward). Nil unless g has self's dtype and its shape or one element.
    func reluGradient(_ g: Tensor) -> Tensor? {
        guard fusable(with: g) else { return nil }
        func run<T: TensorFloat>(_: T.Type) -> Tensor {
            Tensor(shape: shape, scalars: fusedMap(scalars(as: T.self), g.scalars(as: T.self)) { x, g in T.select(x <= 0, 0, g) })
        }
        return dtype == .float32 ? run(Float.self) : run(Double.self)
    }

    /// The power's backward for base `self` and a one-element `exponent` b: g · b · self^(b−1).
    /// Nil unless g and b have self's dtype and g has self's shape or one element.
    func powerGradient(_ g: Tensor, exponent: Tensor) -> Tensor? {
        guard fusable(with: g), exponent.dtype == dtype, exponent.count == 1, exponent.rank <= rank else { return nil }
        func run<T: TensorFloat>(_: T.Type) -> Tensor {
            let b = exponent.scalars(as: T.self)[0]
            let b1 = b - 1
            let a = scalars(as: T.self), gs = g.scalars(as: T.self)
            // The square's gradient as its own loop (powReal(a, 1) is a), so that it vectorises.
            if b == 2 { return Tensor(shape: shape, scalars: fusedMap(a, gs) { a, g in g * 2 * a }) }
            return Tensor(shape: shape, scalars: fusedMap(a, gs, costly: b1 != 1) { a, g in g * b * powReal(a, b1) })
        }
        return dtype == .float32 ? run(Float.self) : run(Double.self)
    }

    /// Whether `g` can be paired element by element with self in a fused pass.
    private func fusable(with g: Tensor) -> Bool {
        (dtype == .float32 || dtype == .float64) && g.dtype == dtype
            && (g.shape == shape || (g.count == 1 && g.rank <= rank))
    }
}

/// `f(x[i], g[i])` for each element, with a one-element `g` standing for every element.
@inline(__always)
private func fusedMap<T: TensorFloat>(_ x: [T], _ g: [T], costly: Bool = false, _ f: (T, T) -> T) -> [T] {
    broadcastMap(x, [x.count], g, [g.count], to: [x.count], costly: costly, f)
}
