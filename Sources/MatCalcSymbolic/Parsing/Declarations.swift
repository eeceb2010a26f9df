/// The variables an expression may use, each with its shape, in the order they were declared.
///
/// ```swift
/// let declarations = Declarations([("X", MatrixShape(.named("n"), .named("d"))), ("w", .vector(.named("d")))])
/// let f = try parseExpression("||X w||^2", declarations: declarations)
/// ```
/// Declaring a name again replaces its shape and keeps its first position. A declared variable
/// shadows a function of the same name (declare `σ` and `σ(x)` is the product σ·x).
public struct Declarations: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// The declared names, in order of first declaration.
    public private(set) var names: [String] = []
    private var shapes: [String: MatrixShape] = [:]

    /// Declares the variables in order.
    public init(_ entries: [(String, MatrixShape)]) {
        for (name, shape) in entries {
            if shapes.updateValue(shape, forKey: name) == nil { names.append(name) }
        }
    }

    /// Declares the variables of a literal, in the literal's order: `["X": MatrixShape(n, d), "lam": .scalar]`.
    public init(dictionaryLiteral elements: (String, MatrixShape)...) {
        self.init(elements)
    }

    /// The shape of a declared variable, or nil.
    public func shape(of name: String) -> MatrixShape? { shapes[name] }

    /// The named dimensions of the declared shapes, in order of first appearance (`n`, `d` for
    /// `X: n×d, w: d`).
    public var dimensionNames: [String] {
        var seen: [String] = []
        func collect(_ dim: Dim) {
            switch dim {
            case .named(let name): if !seen.contains(name) { seen.append(name) }
            case .fixed: break
            case .product(let a, let b): collect(a); collect(b)
            }
        }
        for name in names {
            guard let shape = shapes[name] else { continue }
            collect(shape.rows)
            collect(shape.cols)
        }
        return seen
    }

    /// The same declarations with one more variable (replacing the shape of one already declared).
    public func adding(_ name: String, _ shape: MatrixShape) -> Declarations {
        var copy = self
        if copy.shapes.updateValue(shape, forKey: name) == nil { copy.names.append(name) }
        return copy
    }
}

/// Parses one variable declaration (the CLI's `--var`):
///
/// - `X: n×d`, `X: n x d`, `X: 10x4`, `X: n*d`, `X: (n, d)`, `X: [n, d]`: an n×d matrix;
/// - `x: n`: a column vector (`n×1`); `r: 1×n`: a row;
/// - `lam`, `lam: scalar`, `lam: 1`: a scalar.
///
/// Names are identifiers (letters, Greek included, then letters, digits and `_`); dimensions are
/// identifiers or positive integers. Errors have kind `.declaration` and point into `text`.
public func parseDeclaration(_ text: String) throws(SymbolicError) -> (name: String, shape: MatrixShape) {
    let chars = Array(text)
    func fail(_ message: String, _ range: SourceRange) -> SymbolicError {
        SymbolicError(.declaration, message, at: range, in: text)
    }
    func word(from start: Int) -> (String, Int) {
        var end = start
        while end < chars.count,
              end == start ? Lexer.isIdentifierStart(chars[end]) : Lexer.isIdentifierContinuation(chars[end]) {
            end += 1
        }
        return (String(chars[start..<end]), end)
    }
    func skipSpaces(_ i: inout Int) { while i < chars.count, chars[i].isWhitespace { i += 1 } }

    var i = 0
    skipSpaces(&i)
    if i == chars.count { throw fail("empty declaration; expected one like 'X: n×d'", SourceRange(0, chars.count)) }
    let (name, nameEnd) = word(from: i)
    if name.isEmpty {
        var end = i
        while end < chars.count, chars[end] != ":", !chars[end].isWhitespace { end += 1 }
        throw fail("invalid variable name '\(String(chars[i..<end]))'; names start with a letter", SourceRange(i, end))
    }
    i = nameEnd
    skipSpaces(&i)
    if i == chars.count { return (name, .scalar) }
    guard chars[i] == ":" else {
        throw fail("expected ':' after the name, as in '\(name): n×d'", SourceRange(i, i + 1))
    }
    i += 1
    skipSpaces(&i)
    if i == chars.count { throw fail("missing shape after ':'", SourceRange(i, i)) }

    var closing: Character?
    if chars[i] == "(" || chars[i] == "[" {
        closing = chars[i] == "(" ? ")" : "]"
        i += 1
    }
    var dims: [(Dim, SourceRange)] = []
    var expectDim = true
    while true {
        skipSpaces(&i)
        guard i < chars.count else { break }
        let c = chars[i]
        if let close = closing, c == close {
            closing = nil
            i += 1
            skipSpaces(&i)
            if i < chars.count { throw fail("unexpected '\(chars[i])' after the shape", SourceRange(i, i + 1)) }
            break
        }
        if !expectDim {
            guard c == "×" || c == "x" || c == "*" || c == "," else {
                throw fail("expected '×' between dimensions", SourceRange(i, i + 1))
            }
            i += 1
            expectDim = true
            continue
        }
        let start = i
        if c.isASCII && c.isNumber {
            while i < chars.count, chars[i].isASCII && chars[i].isNumber { i += 1 }
            let digits = String(chars[start..<i])
            guard let n = Int(digits), n > 0 else {
                throw fail("dimension '\(digits)' must be a positive integer", SourceRange(start, i))
            }
            dims.append((.fixed(n), SourceRange(start, i)))
        } else if Lexer.isIdentifierStart(c) {
            let (dimName, end) = word(from: start)
            i = end
            if dimName == "scalar", dims.isEmpty {
                dims.append((.one, SourceRange(start, i)))
                expectDim = false
                continue
            }
            dims.append((.named(dimName), SourceRange(start, i)))
        } else {
            throw fail("expected a dimension (a name like n or a positive integer), found '\(c)'", SourceRange(i, i + 1))
        }
        expectDim = false
        // In `10x4` an x right after a number separates; names need spaces (`n x d`), as `nxd` is one name.
        if i < chars.count, chars[i] == "x", case .fixed = dims[dims.count - 1].0 {
            i += 1
            expectDim = true
        }
    }
    if let close = closing { throw fail("missing '\(close)' after the shape", SourceRange(chars.count, chars.count)) }
    if expectDim { throw fail("missing dimension", SourceRange(i, i)) }
    switch dims.count {
    case 1: return (name, .vector(dims[0].0))
    case 2: return (name, MatrixShape(dims[0].0, dims[1].0))
    default:
        throw fail("a shape has one or two dimensions, got \(dims.count)",
                   SourceRange(dims[0].1.lowerBound, dims[dims.count - 1].1.upperBound))
    }
}
