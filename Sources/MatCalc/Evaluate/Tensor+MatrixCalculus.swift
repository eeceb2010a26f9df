// Tensor functions the symbolic engine's expressions need beyond MatCalcTensor's primitives, each
// composed from recorded ops so that autograd differentiates through it. They carry PyTorch's
// names and semantics; `Expr.swift()` emits calls to them.

extension Tensor {
    /// The softmax along `dim` (`torch.softmax`): exp(x − m) / Σ exp(x − m) with m the maximum
    /// along `dim` (a constant shift that changes nothing but overflow). Differentiable.
    public func softmax(dim: Int) -> Tensor {
        let shift = withNoGrad { max(dim: dim, keepdim: true).values }.detach()
        let e = (self - shift).exp()
        return e / e.sum(dim: dim, keepdim: true)
    }

    /// log Σ exp of all elements, as a rank-0 tensor (`torch.logsumexp` over every dimension),
    /// computed stably as m + log Σ exp(x − m) with m the largest element. Differentiable.
    public func logsumexp() -> Tensor {
        let m = withNoGrad { self.max() }.detach()
        let shift = m.doubleValue.isFinite ? m : Tensor.zeros([], dtype: m.dtype)
        return (self - shift).exp().sum().log() + shift
    }

    /// sign(x) ∈ {−1, 0, 1} elementwise (`torch.sign`), in the tensor's dtype; its gradient is 0.
    public func sign() -> Tensor {
        (self > 0).to(dtype) - (self < 0).to(dtype)
    }

    /// The Kronecker product A ⊗ B (`torch.kron`) of two matrices, or of two 1-D vectors (then 1-D,
    /// of length m·p). Built from a broadcast product and reshapes, so it is differentiable.
    public static func kron(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(
            a.rank == b.rank && (a.rank == 1 || a.rank == 2),
            "kron: expected two 1-D or two 2-D tensors, got shapes \(a.shape) and \(b.shape)")
        if a.rank == 1 {
            return (a.unsqueeze(1) * b.unsqueeze(0)).reshaped([a.shape[0] * b.shape[0]])
        }
        let (m, n, p, q) = (a.shape[0], a.shape[1], b.shape[0], b.shape[1])
        return (a.reshaped([m, 1, n, 1]) * b.reshaped([1, p, 1, q])).reshaped([m * p, n * q])
    }
}
