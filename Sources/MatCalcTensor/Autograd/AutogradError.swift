/// An autograd misuse, reported with PyTorch's meaning and wording.
public enum AutogradError: Error, Equatable, CustomStringConvertible {
    /// `backward()` on a tensor that does not require grad.
    case doesNotRequireGrad
    /// `backward()` without a gradient on a tensor with more than one element.
    case nonScalarOutput(shape: [Int])
    /// The explicit gradient's shape differs from the output's.
    case gradientShapeMismatch(gradient: [Int], output: [Int])
    /// A second backward through a node whose saved tensors were freed by the first.
    case graphFreed(node: String)
    /// `grad(of:wrt:)` asked for an input that is not part of the graph.
    case inputNotInGraph(index: Int)

    public var description: String {
        switch self {
        case .doesNotRequireGrad:
            "element 0 of tensors does not require grad and does not have a grad_fn"
        case .nonScalarOutput(let shape):
            "grad can be implicitly created only for scalar outputs (the output has shape \(Shape.describe(shape)); pass backward(gradient:))"
        case .gradientShapeMismatch(let g, let o):
            "Mismatch in shape: grad_output[0] has a shape of \(Shape.describe(g)) and output[0] has a shape of \(Shape.describe(o))."
        case .graphFreed(let node):
            "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) at \(node). Saved intermediate values of the graph are freed when you call backward(); pass retainGraph: true if you need to backward through the graph a second time."
        case .inputNotInGraph(let i):
            "One of the differentiated Tensors (input \(i)) appears to not have been used in the graph."
        }
    }
}
