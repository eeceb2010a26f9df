/// The autograd state of a tensor that requires grad: its accumulated gradient and, for a tensor
/// produced by an op, the node that produced it (PyTorch's `grad_fn`). Leaves have no node.
///
/// One object is shared by every copy of the tensor, so `W.grad` is visible from any copy.
/// Graphs are built and differentiated on one thread at a time, as in PyTorch's eager mode.
final class AutogradMeta: @unchecked Sendable {
    var requiresGrad: Bool
    var grad: Tensor?
    /// The producing node; only ever cleared, by ``Node``'s iterative teardown.
    var gradFn: Node?

    init(requiresGrad: Bool, gradFn: Node?) {
        self.requiresGrad = requiresGrad
        self.gradFn = gradFn
    }
}

/// One recorded op application: the rule that maps the output's gradient to the inputs',
/// and where each input's gradient goes.
final class Node: @unchecked Sendable {
    /// PyTorch's class name for this grad_fn (`MmBackward0`), used when printing.
    var name: String
    /// The derivative rule with what it saved; nil once a backward pass without
    /// `retainGraph` has freed the saved tensors.
    var rule: BackwardRule?
    var inputs: [Edge]
    /// The output's shape: the shape of the gradient this node's rule receives.
    let shape: [Int]
    /// During a backward pass: the gradient gathered so far for the output, and the pass that last
    /// visited this node (fields rather than hashed lookups; one pass runs at a time on a graph).
    var pendingGradient: Tensor?
    var visitedBy: BackwardPass?

    init(name: String, rule: BackwardRule, inputs: [Edge], shape: [Int]) {
        self.name = name
        self.rule = rule
        self.inputs = inputs
        self.shape = shape
    }

    /// Whether the rule can take the output's gradient still in a smaller shape that broadcasts to
    /// the output's (the gradient of a sum is one number, not a tensor of copies of it). True for
    /// elementwise rules whose inputs that need a gradient have the output's shape: broadcasting g
    /// there gives each input's gradient exactly, with no reduction to make.
    func takesBroadcastGradient(needs: [Bool]) -> Bool {
        guard rule?.isElementwise == true else { return false }
        return zip(inputs, needs).allSatisfy { edge, need in !need || edge.shape == shape }
    }

    // Releasing the last tensor of a long graph would free node after node recursively and
    // overflow the stack (a 20,000-step chain does). Instead, nodes that only this one keeps
    // alive are unhooked onto a local worklist and freed one at a time.
    deinit {
        var worklist: [Node] = []
        unhookUniqueInputs(into: &worklist)
        while let node = worklist.popLast() {
            node.unhookUniqueInputs(into: &worklist)
        }
    }

    private func unhookUniqueInputs(into worklist: inout [Node]) {
        rule = nil
        for i in inputs.indices {
            guard isKnownUniquelyReferenced(&inputs[i].meta), let meta = inputs[i].meta else { continue }
            if var node = meta.gradFn {
                meta.gradFn = nil
                if isKnownUniquelyReferenced(&node) { worklist.append(node) }
            }
        }
        inputs.removeAll()
    }
}

/// One backward pass's identity, marking the nodes it has visited.
final class BackwardPass: @unchecked Sendable {}

/// Where a gradient flows: the input's autograd state (nil if it does not require grad) and the
/// shape and dtype its gradient must have, so broadcast gradients are reduced in one place.
struct Edge {
    var meta: AutogradMeta?
    let shape: [Int]
    let dtype: DType

    init(_ input: Tensor) {
        meta = input.requiresGrad ? input.autograd : nil
        shape = input.shape
        dtype = input.dtype
    }
}

/// Whether ops record autograd graphs; off inside ``withNoGrad(_:)`` and during a backward pass
/// that does not create a graph.
enum GradMode {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording autograd graphs (PyTorch's `torch.no_grad()`).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// Attaches a grad_fn to an op's freshly computed output when grad mode is on and any input
    /// requires grad. The rule is built only then, so ops pay nothing for saving otherwise.
    func recorded(_ name: String, _ rule: @autoclosure () -> BackwardRule, _ inputs: [Tensor]) -> Tensor {
        guard inputs.contains(where: { $0.requiresGrad }), GradMode.isEnabled, dtype.isFloatingPoint else { return self }
        var out = self
        out.autograd = AutogradMeta(requiresGrad: true, gradFn: Node(name: name, rule: rule(), inputs: inputs.map(Edge.init), shape: shape))
        return out
    }

    /// Renames the grad_fn of an op composed from others (mean is a sum divided by a count,
    /// but prints as `MeanBackward0`).
    func renamingGradFn(_ name: String) -> Tensor {
        autograd?.gradFn?.name = name
        return self
    }
}
