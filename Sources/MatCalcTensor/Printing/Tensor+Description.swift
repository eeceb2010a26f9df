extension Tensor: CustomStringConvertible {
    /// The tensor exactly as PyTorch's `str(tensor)` (and `repr`) writes it, e.g.
    /// `tensor([ 1.5410, -0.2934, -2.1788])` or `tensor([1., 2.], dtype=torch.float64)`.
    ///
    /// Default print options: 4 digits, scientific notation chosen automatically, lines wrapped
    /// at 80 characters, and tensors of more than 1000 elements summarised to their first and
    /// last 3 entries along each dimension longer than 6.
    public var description: String {
        torchString(requiresGrad: requiresGrad, gradFn: gradFnName)
    }

    /// `str(tensor)` with the autograd state and dtype given explicitly.
    ///
    /// - Parameters:
    ///   - requiresGrad: adds `requires_grad=True` when there is no `gradFn`.
    ///   - gradFn: the grad_fn name, e.g. `"MulBackward0"`, printed as `grad_fn=<MulBackward0>`.
    ///   - isParameter: prefixes `Parameter containing:` and a newline (an `nn.Parameter`).
    ///   - dtypeName: the PyTorch dtype name (`"float64"`, `"int32"`) used for the suffix rules;
    ///     nil means this tensor's own dtype. Only the suffix depends on it, so int32 tensors can
    ///     be printed from int64 storage.
    func torchString(requiresGrad: Bool, gradFn: String?, isParameter: Bool = false, dtypeName: String? = nil) -> String {
        let name = dtypeName ?? String(dtype.torchName.dropFirst("torch.".count))
        let prefix = "tensor("
        let indent = prefix.utf8.count
        var suffixes: [String] = []
        var s = prefix
        if count == 0 {
            // PyTorch spells out the shape and every dtype but float32 (int64 and bool included).
            if rank != 1 { suffixes.append("size=" + Tensor.pythonTuple(shape)) }
            if name != "float32" { suffixes.append("dtype=torch." + name) }
            s += "[]"
        } else {
            if !["float32", "complex64", "int64", "bool"].contains(name) {
                suffixes.append("dtype=torch." + name)
            }
            TensorLayout(tensor: self).render(into: &s, indent: indent)
        }
        if let gradFn {
            suffixes.append("grad_fn=<\(gradFn)>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        Tensor.appendSuffixes(suffixes, to: &s, indent: indent)
        return isParameter ? "Parameter containing:\n" + s : s
    }

    /// `(0, 3)`, `(5,)`, `()`: Python's tuple spelling.
    private static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Appends `", x"` per suffix, or `",\n" + indent + x` when it would pass the line width, then `")"`.
    private static func appendSuffixes(_ suffixes: [String], to s: inout String, indent: Int) {
        let width = TorchPrintOptions.lineWidth
        let bytes = s.utf8
        // PyTorch's `len(s) - s.rfind("\n") + 1` is the last line's length plus 2 (plus 1 more
        // when there is no newline); the overestimate decides real outputs, so it is kept as is.
        let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")).map { bytes.distance(from: bytes.startIndex, to: $0) } ?? -1
        var lastLineLength = bytes.count - lastNewline + 1
        for x in suffixes {
            let n = x.utf8.count
            if lastLineLength + n + 2 > width {
                s += ",\n" + String(repeating: " ", count: indent) + x
                lastLineLength = indent + n
            } else {
                s += ", " + x
                lastLineLength += n + 2
            }
        }
        s += ")"
    }
}

/// The body of a non-empty tensor's string: nested brackets, wrapped rows, summarisation.
///
/// Only the shown elements are read and formatted, so printing a summarised tensor of a million
/// elements costs the same as printing a small one.
private struct TensorLayout {
    let shape: [Int]
    let summarize: Bool
    let elements: TorchElementTexts

    init(tensor: Tensor) {
        let shape = tensor.shape
        let summarize = tensor.count > TorchPrintOptions.threshold
        let strides = Shape.strides(shape)
        var indices: [Int] = []
        // Row-major walk over the shown positions; rendering consumes the texts in this order.
        func collect(_ dim: Int, _ base: Int) {
            if dim == shape.count {
                indices.append(base)
                return
            }
            for i in TensorLayout.shownPositions(shape[dim], summarize: summarize) {
                collect(dim + 1, base + i * strides[dim])
            }
        }
        collect(0, 0)
        self.shape = shape
        self.summarize = summarize
        elements = TorchElementTexts(storage: tensor.storage, indices: indices)
    }

    /// The indices shown along a dimension of size `n`; for a summarised one, the ellipsis sits
    /// between the third and fourth.
    static func shownPositions(_ n: Int, summarize: Bool) -> [Int] {
        let edge = TorchPrintOptions.edgeItems
        if summarize && n > 2 * edge { return Array(0..<edge) + Array((n - edge)..<n) }
        return Array(0..<n)
    }

    func render(into s: inout String, indent: Int) {
        var cursor = 0
        render(dim: 0, indent: indent, into: &s, cursor: &cursor)
    }

    private func render(dim: Int, indent: Int, into s: inout String, cursor: inout Int) {
        let rank = shape.count
        if dim == rank {
            s += elements.padded(cursor)
            cursor += 1
            return
        }
        let n = shape[dim]
        let shown = TensorLayout.shownPositions(n, summarize: summarize).count
        let elided = shown < n
        let edge = TorchPrintOptions.edgeItems
        s += "["
        if dim == rank - 1 {
            let perLine = max(1, (TorchPrintOptions.lineWidth - indent) / (elements.width + 2))
            let lineBreak = ",\n" + String(repeating: " ", count: indent + 1)
            // The summary marker " ..." counts as one item when filling lines.
            let items = shown + (elided ? 1 : 0)
            for k in 0..<items {
                if k > 0 { s += k % perLine == 0 ? lineBreak : ", " }
                if elided && k == edge {
                    s += " ..."
                } else {
                    s += elements.padded(cursor)
                    cursor += 1
                }
            }
        } else {
            let separator = "," + String(repeating: "\n", count: rank - dim - 1) + String(repeating: " ", count: indent + 1)
            for k in 0..<shown {
                if k > 0 { s += separator }
                if elided && k == edge { s += "..." + separator }
                render(dim: dim + 1, indent: indent + 1, into: &s, cursor: &cursor)
            }
        }
        s += "]"
    }
}
