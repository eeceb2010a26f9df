/// The longest expression, in UTF-8 bytes, that `parseExpression` accepts.
public let maximumExpressionLength = 100_000

/// Parses and shape-checks an expression over declared variables.
///
/// The notation is that of papers and homework, with ASCII spellings:
/// - products by juxtaposition (`X W`, `2 X`, `lam ||w||^2`) or with `*` `@` `·`; a 1×1 factor is a
///   scalar multiple (`.scale`); `+`, `-`, unary minus; `A / s` for a scalar-valued `s`;
/// - `⊙ ∘ .*` (Hadamard), `⊘ ./` (entrywise division), `⊗` and `kron(A, B)` (Kronecker);
/// - postfix `A^T A^⊤ A' A.T Aᵀ` (transpose), `A^{-1} A^-1 A⁻¹` (inverse), `A^{-T}`, `X^2 X^{3} X²`
///   (a matrix power of a square matrix, an ordinary power of a 1×1 one), `A.^p` (entrywise);
/// - norms `||A||_F ||x||_2 ||x|| ||x||_1 ‖x‖₂`, absolute values `|A|`, masks `1{X W > 0}`, `(X W ≥ 0)`;
/// - the Frobenius inner product `⟨A, B⟩` or `inner(A, B)`, tr(Aᵀ B) for two operands of one shape;
/// - functions, with brackets or by juxtaposition (`log det(S)`, `log σ(X w)`): `tr det logdet inv diag
///   vec sum exp log sin cos tanh sigmoid σ relu abs sqrt step sign softmax softmax_rows logsumexp`,
///   `max(A, c)` and `min(A, c)` against a constant, `norm norm1 norm2`, `eye(n) ones(n) ones(n, m)
///   zeros(n, m)`;
/// - `1` is the all-ones vector or matrix where the shape asks for one (`1^T log(A x)`, `X W + 1 b^T`)
///   and otherwise the number 1 (always over a scalar: `(1/s) X` is X / s); `I` is the identity (unless a variable is called I); a scalar added
///   to a matrix is spread over it (`1 + exp(v)`); a dimension name is its size (`sqrt(d)`); a word
///   made of declared names is their product (`XW`).
///
/// Precedence, loosest first: comparison; `+ -`; `⊗`; `⊙ ⊘ * @ /`; juxtaposition; unary minus;
/// postfix. So `x^T A x / x^T x` is (xᵀAx)/(xᵀx) and `2 X ⊙ Y` is (2X) ⊙ Y.
///
/// LaTeX math (what ``Expr/latex`` writes, and the usual hand-written forms) reads as the same
/// expressions, and may be mixed with the text notation:
/// - `\|x\|_2`, `\lVert X \rVert_F`, `\Vert`, `\lvert a \rvert`, `\vert`; `\left` and `\right` (which
///   must pair up) and `\bigl \bigr \big \Big \bigg \Bigg` before a delimiter are dropped;
///   `\{ \}` are braces (`\mathbb{1}\{X W > 0\}`); `\langle A, B \rangle` is ⟨A, B⟩;
/// - `\max \min \det \log \ln \exp \sin \cos \tanh \sqrt` (`\sqrt{x}`, not `\sqrt[n]{x}`), `\sigma`;
///   `\operatorname{tr}`, `\mathrm{…}`, `\text{…}` around any function name (`diag`, `vec`,
///   `softmax\_rows`, `Tr`); `\mathrm{d}` is the name d;
/// - `^\top ^{\top} ^\intercal ^{\mathsf{T}}` (transpose), `^{-\top}`, `^{-1}`, `^{\circ 2}` (entrywise);
/// - `\odot \circ` (Hadamard), `\oslash`, `\otimes`, `\cdot \times` (product), `\geq \leq`;
/// - `\frac{a}{b}` (also `\dfrac`, `\tfrac`, `\frac12`) is one factor: `2 \frac{a}{b} X` is 2 (a/b) X;
///   `1.5 \cdot 10^{-7}` is a number;
/// - `\mathbf{…} \mathbb{…} \boldsymbol{…} \bm{…} \mathit{…} \mathsf{…} \mathcal{…}` are their contents
///   (`\mathbf{1}^\top x`); Greek letters are names (`\lambda` is λ, or lambda if that is declared);
///   a subscript extends a name (`W_{1}` and `W_1` are W1 when W1 is declared, `x_{i}` is x_i);
/// - `\, \; \: \! \quad \qquad ~` and `\ ` are spaces. Any other command, `&` and `\\` are errors.
///
/// ```swift
/// let declarations: Declarations = ["X": MatrixShape(.named("n"), .named("d")), "w": .vector(.named("d"))]
/// let f = try parseExpression("||X w||^2", declarations: declarations)   // .power(.norm(…), 2)
/// ```
///
/// - Throws: `SymbolicError` with the range of the offending text and `source` set, so that its
///   `description` shows a caret: `.parse` (not in the language, or nested more than 256 levels
///   deep), `.unknownName` (with a "did you mean"), `.shape` (naming the operator and both shapes),
///   `.unsupported` (a spectral norm, the maximum of two matrices, a matrix power beyond ±100).
public func parseExpression(_ source: String, declarations: Declarations) throws(SymbolicError) -> Expr {
    try parse(source, declarations, expecting: nil)
}

/// Parses and shape-checks an expression that must have the shape `expected` (a gradient has the
/// shape of its variable); the expected shape also sizes a bare `I` or `1`.
public func parseExpression(_ source: String, declarations: Declarations,
                            expecting expected: MatrixShape) throws(SymbolicError) -> Expr {
    try parse(source, declarations, expecting: expected)
}

/// A choice the parser made where the text could be read otherwise (`XW` read as X W, `dZ/d(X W)` as
/// the entrywise derivative), with the range of the text it concerns.
public struct Reading: Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var range: SourceRange

    public init(_ message: String, at range: SourceRange) {
        self.message = message
        self.range = range
    }

    public var description: String { message }
}

/// What the parser accepts beyond the plain notation.
public struct ParseOptions: Sendable {
    /// Differentials, as a derivation writes them: `dX` (X declared), `dXW` = d(X W), `d(…)`, `d[…]`,
    /// `d tr(…)`, `\mathrm{d}X`.
    public var differentials: Bool
    /// Names a derivation defines (`let Z = max(X W, 0)`), each also declared as a variable of its
    /// shape: `dZ/d(X W)` (`\frac{dZ}{dXW}`) then reads as the entrywise derivative g′(X W) of
    /// Z = g(X W), and a product with it as a Hadamard product.
    public var definitions: [String: Expr]
    /// The shape the expression must have, if any (it also sizes a bare `I` or `1`).
    public var expected: MatrixShape?

    public init(differentials: Bool = false, definitions: [String: Expr] = [:], expected: MatrixShape? = nil) {
        self.differentials = differentials
        self.definitions = definitions
        self.expected = expected
    }
}

/// Parses an expression with options, returning it with the readings the parser chose (see ``Reading``).
public func parseExpressionExplained(_ source: String, declarations: Declarations,
                                     options: ParseOptions = ParseOptions()) throws(SymbolicError) -> (expr: Expr, readings: [Reading]) {
    try parseWithReadings(source, declarations, options)
}

private func parse(_ source: String, _ declarations: Declarations,
                   expecting expected: MatrixShape?) throws(SymbolicError) -> Expr {
    try parseWithReadings(source, declarations, ParseOptions(expected: expected)).expr
}

private func parseWithReadings(_ source: String, _ declarations: Declarations,
                               _ options: ParseOptions) throws(SymbolicError) -> (expr: Expr, readings: [Reading]) {
    // No objective is this long; refusing early keeps a pasted megabyte from taking seconds.
    guard source.utf8.count <= maximumExpressionLength else {
        throw SymbolicError(.parse, "the expression is \(source.utf8.count) bytes long; the limit is \(maximumExpressionLength)")
    }
    let chars = Array(source)
    do {
        var lexer = Lexer(chars, names: declarations.names + declarations.dimensionNames)
        let tokens = try lexer.tokenize()
        var parser = Parser(chars: chars, tokens: tokens, variables: declarations.names,
                            constants: ["I"] + declarations.dimensionNames, differentials: options.differentials)
        let syntax = try parser.parse()
        var elaborator = Elaborator(declarations: declarations, chars: chars, definitions: options.definitions)
        let expr = try elaborator.elaborateRoot(syntax, expecting: options.expected)
        return (expr, parser.readings + elaborator.readings)
    } catch let error as SymbolicError {
        throw error.located(in: source)
    } catch {
        // The lexer, parser and elaborator throw only SymbolicError.
        throw SymbolicError(.parse, "\(error)", in: source)
    }
}
