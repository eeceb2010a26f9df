/// The derivative rule of each primitive op, with what it saved from the forward pass.
///
/// Every differentiable op records exactly one of these; everything else is composed from them.
/// Rules are written with tensor ops, so with `createGraph` the backward pass is itself recorded
/// and can be differentiated again (Hessians by double backward).
enum BackwardRule {
    /// The output is kept only by the ops whose derivative is written with it (exp, sqrt, tanh, sigmoid).
    case unary(UnaryOp, input: Tensor, output: Tensor?)
    /// Only what the op's derivative reads is kept: nothing for + and −, the operands for the others,
    /// and the output of a power only when its exponent needs a gradient (as PyTorch saves them).
    case binary(BinaryOp, lhs: Tensor?, rhs: Tensor?, output: Tensor?)
    case clamp(input: Tensor, min: Double?, max: Double?)
    case select(condition: Tensor)
    case sum(inputShape: [Int], dims: [Int], keepdim: Bool)
    case extremum(input: Tensor, output: Tensor)
    case extremumAlong(inputShape: [Int], dim: Int, keepdim: Bool, indices: Tensor)
    case matmul(lhs: Tensor, rhs: Tensor)
    case permute([Int])
    case reshape(from: [Int])
    case expand(from: [Int])
    case narrow(inputShape: [Int], dim: Int, start: Int)
    case cat(dim: Int, sizes: [Int])
    case toDType(from: DType)
    case trace(inputShape: [Int])
    case diagonal(inputShape: [Int])
    case diagEmbed
    case norm(input: Tensor, output: Tensor, p: Double)
    case inverse(input: Tensor, output: Tensor)
    case det(input: Tensor, output: Tensor)
    case logAbsDet(input: Tensor)
    case solve(a: Tensor, b: Tensor, x: Tensor)

    /// Whether the rule holds tensors that a backward pass without `retainGraph` frees.
    var savesTensors: Bool {
        switch self {
        case .binary(let op, _, _, _):
            op != .add && op != .sub
        case .unary, .clamp, .select, .extremum, .extremumAlong, .matmul, .norm, .inverse, .det, .logAbsDet, .solve:
            true
        case .sum, .permute, .reshape, .expand, .narrow, .cat, .toDType, .trace, .diagonal, .diagEmbed:
            false
        }
    }

    /// Whether the rule is elementwise: the output's element i depends on the inputs' element i only.
    var isElementwise: Bool {
        switch self {
        case .unary, .binary, .clamp, .select: true
        case .sum, .extremum, .extremumAlong, .matmul, .permute, .reshape, .expand, .narrow, .cat, .toDType, .trace,
             .diagonal, .diagEmbed, .norm, .inverse, .det, .logAbsDet, .solve:
            false
        }
    }

    /// The gradients of the inputs given the output's gradient `g` (vector–Jacobian products).
    /// `needs[i]` says whether input i wants one; results may still have the broadcast shape,
    /// which the engine reduces. Saved outputs are used as they are unless a graph is being
    /// created, when they are recomputed from the inputs so that the graph reaches the inputs.
    func inputGradients(_ g: Tensor, needs: [Bool], createGraph: Bool) throws -> [Tensor?] {
        switch self {
        case .unary(let op, let x, let saved):
            // The output, for the rules written with it (computed only for those).
            var y: Tensor { createGraph ? x.apply(op) : saved ?? x.apply(op) }
            switch op {
            case .neg: return [-g]
            case .abs: return [g * x.signMask()]
            case .exp: return [g * y]
            case .log: return [g / x]
            case .sqrt: return [g / (y * 2)]
            case .sin: return [g * x.cos()]
            case .cos: return [-(g * x.sin())]
            case .tanh:
                let y = y
                return [g * (1 - y * y)]
            case .sigmoid:
                let y = y
                return [g * (y * (1 - y))]
            // relu′(0) = 0, PyTorch's convention; like its threshold_backward, g passes unless x ≤ 0
            // (so where x is NaN). Without a graph to record: one fused pass, the same numbers.
            case .relu:
                if !createGraph, let fused = x.reluGradient(g) { return [fused] }
                return [Tensor.where(x <= 0.0, Tensor.zeros([], dtype: g.dtype), g)]
            }

        case .binary(let op, let lhs, let rhs, let saved):
            switch op {
            case .add: return [g, g]
            case .sub: return [g, needs[1] ? -g : nil]
            default: break
            }
            // Every other binary op keeps both operands.
            let a = lhs!, b = rhs!
            switch op {
            case .add, .sub: return []
            case .mul: return [needs[0] ? g * b : nil, needs[1] ? g * a : nil]
            case .div: return [needs[0] ? g / b : nil, needs[1] ? -(g * a) / (b * b) : nil]
            case .pow:
                // d(a^b) = b a^(b−1) da + a^b log(a) db; at a = 0 with b ≥ 0 the db term is 0
                // (PyTorch masks it rather than return 0·(−inf) = NaN).
                // A number exponent without a graph to record: one fused pass, the same numbers.
                let fused = needs[0] && !createGraph ? a.powerGradient(g, exponent: b) : nil
                let ga = needs[0] ? fused ?? g * b * a.pow(b - 1) : nil
                var gb: Tensor?
                if needs[1] {
                    let y = createGraph ? a.pow(b) : saved ?? a.pow(b)
                    let zeroBase = (a .== 0.0) * (b >= 0.0)
                    gb = Tensor.where(zeroBase, Tensor.zeros([], dtype: g.dtype), g * y * a.log())
                }
                return [ga, gb]
            case .maximum, .minimum:
                // Ties split the gradient evenly, as torch.maximum does.
                let winsA = op == .maximum ? a > b : a < b
                let winsB = op == .maximum ? b > a : b < a
                let tie = (a .== b) * 0.5
                return [needs[0] ? g * (tie + winsA) : nil, needs[1] ? g * (tie + winsB) : nil]
            }

        case .clamp(let x, let lower, let upper):
            // The gradient passes where lower ≤ x ≤ upper, bounds included (torch.clamp).
            var mask = Tensor.ones(x.shape, dtype: .bool)
            if let lower { mask = mask * (x >= lower) }
            if let upper { mask = mask * (x <= upper) }
            return [g * mask]

        case .select(let condition):
            let zero = Tensor.zeros([], dtype: g.dtype)
            return [needs[0] ? Tensor.where(condition, g, zero) : nil, needs[1] ? Tensor.where(condition, zero, g) : nil]

        case .sum(let shape, let dims, let keepdim):
            // g broadcast back over the summed dims; the engine expands it only where a rule needs
            // the full shape.
            var kept = shape
            for d in dims { kept[d] = 1 }
            return [keepdim ? g : g.reshaped(kept)]

        case .extremum(let x, let y):
            // max()/min() over all elements: ties share the gradient evenly.
            let mask = (x .== y).to(g.dtype)
            return [g * mask / mask.sum()]

        case .extremumAlong(let shape, let dim, let keepdim, let indices):
            var kept = shape
            kept[dim] = 1
            var positionShape = [Int](repeating: 1, count: shape.count)
            positionShape[dim] = shape[dim]
            let positions = Tensor.arange(shape[dim]).reshaped(positionShape)
            let winner = positions .== (keepdim ? indices : indices.reshaped(kept))
            return [(keepdim ? g : g.reshaped(kept)) * winner]

        case .matmul(let a, let b):
            // Promote vectors to matrices (a row for a, a column for b), then
            // dA = G Bᵀ and dB = Aᵀ G, summed over broadcast batch dims.
            let a2 = a.rank == 1 ? a.unsqueeze(0) : a
            let b2 = b.rank == 1 ? b.unsqueeze(-1) : b
            let batch = Shape.broadcast(Array(a2.shape.dropLast(2)), Array(b2.shape.dropLast(2))) ?? []
            let g2 = g.reshaped(batch + [a2.shape[a2.rank - 2], b2.shape[b2.rank - 1]])
            // Without a graph to record, the transposes are GEMM flags instead of copies.
            let ga = needs[0] ? Tensor.matmul(g2, b2, transposeA: false, transposeB: true).sum(toShape: a2.shape).reshaped(a.shape) : nil
            let gb = needs[1] ? Tensor.matmul(a2, g2, transposeA: true, transposeB: false).sum(toShape: b2.shape).reshaped(b.shape) : nil
            return [ga, gb]

        case .permute(let perm):
            var inverse = perm
            for (i, p) in perm.enumerated() { inverse[p] = i }
            return [g.permute(inverse)]

        case .reshape(let shape):
            return [g.reshaped(shape)]

        case .expand(let shape):
            return [g.sum(toShape: shape)]

        case .narrow(let shape, let dim, let start):
            var before = shape
            before[dim] = start
            var after = shape
            after[dim] = shape[dim] - start - g.shape[dim]
            return [Tensor.cat([Tensor.zeros(before, dtype: g.dtype), g, Tensor.zeros(after, dtype: g.dtype)], dim: dim)]

        case .cat(let dim, let sizes):
            var offset = 0
            return sizes.map { size in
                defer { offset += size }
                return g.narrow(dim: dim, start: offset, length: size)
            }

        case .toDType(let dtype):
            return [g.to(dtype)]

        case .trace(let shape):
            return [Tensor.eye(shape[0], shape[1], dtype: g.dtype) * g]

        case .diagonal(let shape):
            let (m, n) = (shape[0], shape[1])
            let k = Swift.min(m, n)
            let square = g.diag()
            if m == n { return [square] }
            return [Tensor.eye(m, k, dtype: g.dtype).matmul(square).matmul(Tensor.eye(k, n, dtype: g.dtype))]

        case .diagEmbed:
            return [g.diag()]

        case .norm(let x, let saved, let p):
            let y = createGraph ? x.norm(p: p) : saved
            let zero = Tensor.zeros([], dtype: g.dtype)
            // The subgradient 0 at x = 0, as PyTorch's norm backward uses.
            if p == 2 { return [Tensor.where(y .== 0.0, zero, g * x / y)] }
            if p == 1 { return [g * x.signMask()] }
            if p == .infinity {
                let mask = (x.abs() .== y).to(g.dtype)
                return [g * x.signMask() * mask / mask.sum()]
            }
            let scaled = g * x * x.abs().pow(p - 2) / y.pow(p - 1)
            return [Tensor.where(y .== 0.0, zero, scaled)]

        case .inverse(let a, let saved):
            // d(A⁻¹) = −A⁻¹ dA A⁻¹  ⇒  Ā = −A⁻ᵀ G A⁻ᵀ.
            let y = createGraph ? try a.inverse() : saved
            return [-(y.mT.matmul(g).matmul(y.mT))]

        case .det(let a, let saved):
            // d det A = det A · tr(A⁻¹ dA)  ⇒  Ā = g · det A · A⁻ᵀ (A must be invertible here).
            let y = createGraph ? a.det() : saved
            let scale = (g * y).unsqueeze(-1).unsqueeze(-1)
            return [scale * (try a.inverse()).mT]

        case .logAbsDet(let a):
            // d log|det A| = tr(A⁻¹ dA)  ⇒  Ā = g · A⁻ᵀ.
            return [g.unsqueeze(-1).unsqueeze(-1) * (try a.inverse()).mT]

        case .solve(let a, let b, let saved):
            // X = A⁻¹B: B̄ = A⁻ᵀ G, Ā = −B̄ Xᵀ.
            let x = createGraph ? try a.solve(b) : saved
            let gb = try a.mT.solve(g)
            guard needs[0] else { return [nil, gb] }
            let ga = x.rank == 1 ? -(gb.unsqueeze(-1).matmul(x.unsqueeze(-2))) : -(gb.matmul(x.mT))
            return [ga, gb]
        }
    }
}

extension Tensor {
    /// sign(x) as 1, 0, −1 in the tensor's dtype (the subgradient 0 at 0, PyTorch's choice).
    func signMask() -> Tensor {
        (self > 0.0).to(dtype) - (self < 0.0).to(dtype)
    }
}
