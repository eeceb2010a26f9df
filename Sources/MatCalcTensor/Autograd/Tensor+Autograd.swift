extension Tensor {
    /// Whether gradients flow to this tensor (PyTorch's `requires_grad`). Setting it is allowed on
    /// leaves only; a leaf then collects its gradient in ``grad``.
    public var requiresGrad: Bool {
        get { autograd?.requiresGrad ?? false }
        set {
            if let meta = autograd {
                precondition(meta.gradFn == nil || newValue,
                             "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use detach().")
                meta.requiresGrad = newValue
            } else if newValue {
                precondition(dtype.isFloatingPoint, "only Tensors of floating point dtype can require gradients (got \(dtype))")
                autograd = AutogradMeta(requiresGrad: true, gradFn: nil)
            }
        }
    }

    /// This tensor as a leaf that requires grad: `let W = Tensor.randn([4, 4]).requiringGrad()`.
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        var t = detach()
        t.requiresGrad = flag
        return t
    }

    /// The gradient accumulated by ``backward(gradient:retainGraph:createGraph:)``; nil until then.
    /// Assign nil to clear it (PyTorch's `x.grad = None`).
    public var grad: Tensor? {
        get { autograd?.grad }
        nonmutating set { autograd?.grad = newValue }
    }

    /// Whether this tensor was created by the user rather than by a recorded op.
    public var isLeaf: Bool { autograd?.gradFn == nil }

    /// PyTorch's name for the op that produced this tensor (`"MmBackward0"`), nil for leaves.
    public var gradFnName: String? { autograd?.gradFn?.name }

    /// The same values, cut from the graph: no grad_fn, does not require grad.
    public func detach() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Computes the gradient of this tensor with respect to every leaf that requires grad and
    /// adds it to the leaf's ``grad``.
    ///
    /// - Parameters:
    ///   - gradient: ∂L/∂self, required unless self has one element (then it is 1).
    ///   - retainGraph: keep the saved tensors so backward can run through the graph again;
    ///     defaults to `createGraph`, as in PyTorch.
    ///   - createGraph: record the backward pass itself, so gradients can be differentiated again.
    /// - Throws: ``AutogradError`` for PyTorch's error cases; ``TensorError`` when a rule needs the
    ///   inverse of a singular matrix.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false) throws {
        let seed = try seedGradient(gradient)
        _ = try Autograd.run(
            from: self, seed: seed, capturing: nil, retainGraph: retainGraph ?? createGraph, createGraph: createGraph)
    }

    func seedGradient(_ gradient: Tensor?) throws -> Tensor {
        guard requiresGrad else { throw AutogradError.doesNotRequireGrad }
        if let gradient {
            guard gradient.shape == shape else { throw AutogradError.gradientShapeMismatch(gradient: gradient.shape, output: shape) }
            return gradient.detach().to(dtype)
        }
        guard count == 1 else { throw AutogradError.nonScalarOutput(shape: shape) }
        return Tensor.ones(shape, dtype: dtype)
    }
}

/// The reverse-mode engine: a topological order of the graph's nodes, then one reverse sweep that
/// applies each node's rule and routes the results to its inputs.
public enum Autograd {
    /// Runs backward from `root` with seed gradient `seed`. When `capturing` is given, gradients of
    /// those tensors are returned instead of being accumulated into leaves (torch.autograd.grad).
    static func run(
        from root: Tensor, seed: Tensor, capturing targets: [AutogradMeta]?, retainGraph: Bool, createGraph: Bool
    ) throws -> [ObjectIdentifier: Tensor] {
        guard let rootMeta = root.autograd else { throw AutogradError.doesNotRequireGrad }
        var captured: [ObjectIdentifier: Tensor] = [:]
        let captureIDs = targets.map { Set($0.map(ObjectIdentifier.init)) }

        // A gradient arriving at a tensor: captured, accumulated into a leaf, or queued for its node.
        // A gradient may arrive still in a smaller shape that broadcasts to `shape` (see
        // `Node.takesBroadcastGradient`); what leaves the engine is expanded. Gradients for nodes
        // wait in `Node.pendingGradient`.
        func deliver(_ grad: Tensor, to meta: AutogradMeta, shape: [Int]) {
            var grad = createGraph ? grad : grad.detach()
            let id = ObjectIdentifier(meta)
            let isCaptured = captureIDs?.contains(id) == true
            if grad.shape != shape && (meta.gradFn == nil || isCaptured) { grad = grad.expand(shape) }
            if isCaptured {
                captured[id] = captured[id].map { $0 + grad } ?? grad
                if meta.gradFn == nil { return }
            }
            if let node = meta.gradFn {
                node.pendingGradient = node.pendingGradient.map { $0 + grad } ?? grad
            } else if captureIDs == nil {
                meta.grad = meta.grad.map { $0 + grad } ?? grad
            }
        }

        try GradMode.$isEnabled.withValue(createGraph) {
            deliver(seed, to: rootMeta, shape: root.shape)
            guard let rootNode = rootMeta.gradFn else { return }
            let order = topologicalOrder(from: rootNode)
            // A pass that throws leaves no gradient behind in the graph.
            defer { for node in order { node.pendingGradient = nil } }
            for node in order {
                guard var g = node.pendingGradient else { continue }
                node.pendingGradient = nil
                guard let rule = node.rule else { throw AutogradError.graphFreed(node: node.name) }
                let needs = node.inputs.map { $0.meta?.requiresGrad ?? false }
                if g.shape != node.shape && !node.takesBroadcastGradient(needs: needs) { g = g.expand(node.shape) }
                let grads = try rule.inputGradients(g, needs: needs, createGraph: createGraph)
                for (edge, grad) in zip(node.inputs, grads) {
                    guard let meta = edge.meta, meta.requiresGrad, var grad else { continue }
                    // Broadcasting's gradient reduction, for every op, happens here; a gradient that
                    // still broadcasts to the input's shape travels on as it is.
                    if grad.shape != edge.shape && Shape.broadcast(grad.shape, edge.shape) != edge.shape {
                        grad = grad.sum(toShape: edge.shape)
                    }
                    if grad.dtype != edge.dtype { grad = grad.to(edge.dtype) }
                    deliver(grad, to: meta, shape: edge.shape)
                }
                if !retainGraph && rule.savesTensors { node.rule = nil }
            }
        }
        return captured
    }

    /// Nodes reachable from `root`, each before every node it depends on (iterative DFS, so deep
    /// graphs do not overflow the stack).
    static func topologicalOrder(from root: Node) -> [Node] {
        let pass = BackwardPass()
        var postOrder: [Node] = []
        root.visitedBy = pass
        var stack: [(node: Node, next: Int)] = [(root, 0)]
        while let (node, next) = stack.last {
            if next < node.inputs.count {
                stack[stack.count - 1].next += 1
                if let child = node.inputs[next].meta?.gradFn, child.visitedBy !== pass {
                    child.visitedBy = pass
                    stack.append((child, 0))
                }
            } else {
                postOrder.append(node)
                stack.removeLast()
            }
        }
        return postOrder.reversed()
    }

    /// The gradients of `output` with respect to `inputs` without touching their `grad`
    /// (torch.autograd.grad).
    public static func grad(
        of output: Tensor, wrt inputs: [Tensor], gradient: Tensor? = nil, retainGraph: Bool? = nil,
        createGraph: Bool = false
    ) throws -> [Tensor] {
        let seed = try output.seedGradient(gradient)
        let metas = try inputs.enumerated().map { i, t in
            guard let meta = t.autograd, meta.requiresGrad else { throw AutogradError.inputNotInGraph(index: i) }
            return meta
        }
        let captured = try run(
            from: output, seed: seed, capturing: metas, retainGraph: retainGraph ?? createGraph, createGraph: createGraph)
        return try metas.enumerated().map { i, meta in
            guard let g = captured[ObjectIdentifier(meta)] else { throw AutogradError.inputNotInGraph(index: i) }
            return g
        }
    }
}
