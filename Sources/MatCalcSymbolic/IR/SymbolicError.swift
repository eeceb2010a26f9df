/// A half-open range of character offsets into an expression's source text.
public struct SourceRange: Hashable, Sendable {
    public var lowerBound: Int
    public var upperBound: Int

    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = lowerBound
        self.upperBound = Swift.max(upperBound, lowerBound)
    }
}

/// A user-facing error of the symbolic engine: what is wrong, where, and why.
///
/// Rendered like a compiler diagnostic, with the source line and a caret under the position:
/// ```
/// error: shape mismatch in matrix product: X is n×d but Y is n×k (d ≠ n)
///   X Y
///     ^
/// ```
public struct SymbolicError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The text is not in the language (unbalanced brackets, a missing operand…).
        case parse
        /// Shapes do not fit together (a product, a sum, a square-only function…).
        case shape
        /// An unknown identifier or function.
        case unknownName
        /// A declaration (`X: n×d`) or an option is malformed or conflicting.
        case declaration
        /// The construct is in the language but the engine cannot differentiate or handle it.
        case unsupported
    }

    public let kind: Kind
    public let message: String
    /// Where in `source` the problem is, when it is in an expression.
    public let range: SourceRange?
    /// The expression text the range refers to.
    public let source: String?

    public init(_ kind: Kind, _ message: String, at range: SourceRange? = nil, in source: String? = nil) {
        self.kind = kind
        self.message = message
        self.range = range
        self.source = source
    }

    /// The same error pointing into `source` (for errors raised before the source was known).
    public func located(in source: String) -> SymbolicError {
        SymbolicError(kind, message, at: range, in: self.source ?? source)
    }

    /// `error: message`, then the source and a caret line (`^` under the start, `~` under the rest).
    public var description: String {
        var text = "error: \(message)"
        if let source, let range {
            // Long sources show a window of at most 72 characters around the position, with `…`
            // where text is cut, so a 1 MB expression does not produce a 1 MB message.
            let chars = Array(source)
            let start = Swift.min(range.lowerBound, chars.count)
            var end = Swift.min(Swift.max(range.upperBound, start + 1), Swift.max(chars.count, start + 1))
            let window = 72
            var from = 0
            var to = chars.count
            if chars.count > window {
                from = Swift.max(0, Swift.min(start - window / 3, chars.count - window))
                to = Swift.min(chars.count, from + window)
                end = Swift.min(end, to + 1)
            }
            let prefix = from > 0 ? "…" : ""
            let suffix = to < chars.count ? "…" : ""
            text += "\n  " + prefix + String(chars[from..<to]) + suffix + "\n  "
                + String(repeating: " ", count: start - from + prefix.count) + "^"
                + String(repeating: "~", count: Swift.max(0, end - start - 1))
        }
        return text
    }
}
