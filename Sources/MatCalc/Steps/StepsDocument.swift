import MatCalcSymbolic

// A derivation as a person writes it, in text or LaTeX:
//
//   var X: 10x4                      declarations (`n×d` with sizes from --dims)
//   let Z = max(X W, 0)              definitions, usable in later lines (and as dZ)
//   f = ||Z - Y||_F^2                the objective (optional)
//   wrt W                            only dW varies (optional)
//   df = d tr((Z - Y)^T (Z - Y))     the chain: its first line …
//      = tr(2 (Z - Y)^T dZ)          … and each following one, `= …`
//   ∂f/∂W = 2 X^T (…)                a claimed gradient (optional; `\frac{\partial f}{\partial W} = …`)
//
// LaTeX blocks (`\begin{aligned} … &= … \\ … \end{aligned}`, `$…$`, `\[…\]`) are read row by row: `&`,
// `\\`, the delimiters and `&& \text{…}` annotations are blanked out rather than removed, so that a
// column in the text the parser sees is the column in the file and errors point at the right place.

/// A derivation read from a file: declarations, definitions, objective and the chain of lines.
public struct StepsDocument: Sendable {
    /// One line of the chain: `df = …` (with its left side) or `= …`.
    public struct Line: Sendable {
        /// The right side as written.
        public let text: String
        /// The right side, parsed (with differentials).
        public let expr: Expr
        /// The left side of the chain's first line (`df`), nil for `= …` lines (and for `df` without f).
        public let lhs: Expr?
        /// The left side as written (`df`), empty for `= …` lines.
        public let lhsText: String
        /// 1-based line number in the file.
        public let line: Int
    }

    /// A claimed gradient `∂f/∂V = G`.
    public struct Claim: Sendable {
        public let variable: String
        public let gradient: Expr
        public let text: String
        public let line: Int
    }

    /// A reading the parser chose, with where.
    public struct LocatedReading: Sendable {
        public let line: Int
        public let column: Int
        public let message: String
    }

    /// The declared variables (not the defined names), in order.
    public internal(set) var variables = Declarations([])
    /// Declarations of the variables, the defined names and `f`, for parsing lines.
    public internal(set) var scope = Declarations([])
    /// `let` definitions in order, each over the variables and earlier definitions.
    public internal(set) var definitions: [(name: String, expr: Expr)] = []
    /// The objective f, if given.
    public internal(set) var objective: Expr?
    /// The variables that vary (`wrt`); nil means all.
    public internal(set) var wrt: [String]?
    public internal(set) var lines: [Line] = []
    public internal(set) var claims: [Claim] = []
    public internal(set) var readings: [LocatedReading] = []

    /// Every definition (and f) by name, for the parser's `dZ/d(X W)`.
    var definitionTable: [String: Expr] {
        var table = Dictionary(definitions.map { ($0.name, $0.expr) }, uniquingKeysWith: { $1 })
        if let objective { table["f"] = objective }
        return table
    }

    /// Reads a derivation. Sizes of named dimensions come from `dims` where the declarations use names.
    /// - Throws: `SymbolicError` whose message starts with `line L, column C:` and whose source is the
    ///   file's line, so that its description shows a caret under the position.
    public init(parsing text: String, dims: [String: Int] = [:]) throws(SymbolicError) {
        guard text.utf8.count <= 1 << 20 else {
            throw SymbolicError(.parse, "the derivation is \(text.utf8.count) bytes long; the limit is 1 MiB")
        }
        var reader = StepsReader(document: self)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try reader.read(String(raw), line: index + 1)
        }
        self = try reader.finish()
    }
}

/// The state of reading a document row by row.
private struct StepsReader {
    var document: StepsDocument
    var chainClosed = false

    init(document: StepsDocument) { self.document = document }

    mutating func read(_ raw: String, line: Int) throws(SymbolicError) {
        for (row, column) in Self.rows(of: Self.blanked(raw)) {
            try readRow(row, column: column, line: line, source: raw)
        }
    }

    func finish() throws(SymbolicError) -> StepsDocument {
        guard !document.lines.isEmpty || !document.claims.isEmpty else {
            throw SymbolicError(.parse, "the derivation has no lines: write 'df = …' and then '= …' lines")
        }
        return document
    }

    // MARK: Rows

    /// The line with comments, `&`, `$`, `\[ \]`, `\begin{…}`/`\end{…}` and `&& \text{…}` annotations
    /// replaced by spaces (same length, so columns are kept).
    static func blanked(_ raw: String) -> [Character] {
        var chars = Array(raw)
        func blank(_ range: Range<Int>) { for i in range { chars[i] = " " } }
        // `%` (not `\%`) and `#` start comments.
        for i in chars.indices where (chars[i] == "%" && (i == 0 || chars[i - 1] != "\\")) || chars[i] == "#" {
            blank(i..<chars.count)
            break
        }
        var i = 0
        while i < chars.count {
            let rest = String(chars[i...])
            if rest.hasPrefix("&&") {
                // An annotation runs to the end of the row.
                var end = i
                while end < chars.count, !(chars[end] == "\\" && end + 1 < chars.count && chars[end + 1] == "\\") { end += 1 }
                blank(i..<end)
                i = end
            } else if rest.hasPrefix("\\begin{") || rest.hasPrefix("\\end{") {
                let close = chars[i...].firstIndex(of: "}") ?? chars.count - 1
                blank(i..<(close + 1))
                i = close + 1
            } else if rest.hasPrefix("\\[") || rest.hasPrefix("\\]") {
                blank(i..<(i + 2))
                i += 2
            } else if chars[i] == "&" || chars[i] == "$" {
                blank(i..<(i + 1))
                i += 1
            } else {
                i += chars[i] == "\\" ? 2 : 1
            }
        }
        return chars
    }

    /// The rows of a line separated by `\\`, each with the column it starts at (0-based).
    static func rows(of chars: [Character]) -> [(String, Int)] {
        var rows: [(String, Int)] = []
        var start = 0
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "\\" {
                rows.append((String(chars[start..<i]), start))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        rows.append((String(chars[start...]), start))
        return rows.filter { !$0.0.allSatisfy(\.isWhitespace) }
    }

    // MARK: One row

    mutating func readRow(_ row: String, column: Int, line: Int, source: String) throws(SymbolicError) {
        let trimmed = row.drop { $0.isWhitespace }
        let indent = column + (row.count - trimmed.count)
        func fail(_ message: String, at offset: Int = 0, length: Int = 1) -> SymbolicError {
            SymbolicError(.parse, "line \(line), column \(indent + offset + 1): \(message)",
                          at: SourceRange(indent + offset, indent + offset + length), in: source)
        }
        for keyword in ["var ", "let ", "wrt "] where trimmed.hasPrefix(keyword) {
            let body = String(trimmed.dropFirst(4))
            switch keyword {
            case "var ": try declare(body, at: indent + 4, line: line, source: source)
            case "let ": try define(body, at: indent + 4, line: line, source: source)
            default: try chooseWrt(body, at: indent + 4, line: line, source: source)
            }
            return
        }
        guard let equals = Self.topLevelEquals(in: Array(trimmed)) else {
            throw fail("expected 'var X: n×d', 'let Z = …', 'f = …', 'wrt W', a line of the derivation ('df = …', '= …') "
                       + "or a claim '∂f/∂W = …'", length: trimmed.count)
        }
        let left = String(trimmed.prefix(equals)).trimmingCharacters(in: .whitespaces)
        let rightOffset = indent + equals + 1
        let right = String(trimmed.dropFirst(equals + 1))
        if left == "f" {
            guard document.objective == nil else { throw fail("f is defined twice") }
            guard document.lines.isEmpty else { throw fail("f must be given before the derivation's lines") }
            let f = try parse(right, at: rightOffset, line: line, source: source, differentials: false)
            guard f.shape.isScalar else {
                throw fail("f must be a scalar, but it is \(f.shape)", at: equals + 1, length: right.count)
            }
            document.objective = f
            document.scope = document.scope.adding("f", .scalar)
            return
        }
        if let variable = Self.claimedVariable(left) {
            guard let shape = document.variables.shape(of: variable) else {
                throw fail("∂f/∂\(variable): '\(variable)' is not a declared variable", length: left.count)
            }
            let g = try parse(right, at: rightOffset, line: line, source: source, differentials: false, expecting: shape)
            document.claims.append(.init(variable: variable, gradient: g, text: right.trimmingCharacters(in: .whitespaces), line: line))
            chainClosed = !document.lines.isEmpty
            return
        }
        if left.isEmpty {
            guard !document.lines.isEmpty else {
                throw fail("a line '= …' needs a line 'df = …' before it")
            }
            guard !chainClosed else { throw fail("the derivation continues after a claimed gradient") }
        } else {
            guard document.lines.isEmpty else {
                throw fail("a second derivation starts here; a file holds one chain 'df = …', '= …', …", length: left.count)
            }
        }
        // Without f, `df` names nothing to evaluate: the chain's first line is then its own reference.
        let unknownDf = document.objective == nil
            && ["df", "d(f)", "\\mathrm{d}f", "\\mathrm{d}(f)", "\\partialf"].contains(left.filter { !$0.isWhitespace })
        let lhs = left.isEmpty || unknownDf ? nil : try parse(left, at: indent, line: line, source: source, differentials: true)
        let expr = try parse(right, at: rightOffset, line: line, source: source, differentials: true)
        // A line of the chain is a number, df; a line that is a matrix (often a product in the wrong order,
        // gᵀ dE with a row dE) cannot equal it.
        guard expr.shape.isScalar else {
            throw fail("the line is \(expr.shape), but a line of the derivation is a number (df is a scalar); "
                       + "for a vector or matrix dE write tr(Gᵀ dE) or gᵀ de", at: equals + 1, length: right.count)
        }
        if let lhs, lhs.shape != expr.shape {
            throw fail("the two sides differ in shape: \(lhs.shape) and \(expr.shape)", length: trimmed.count)
        }
        document.lines.append(.init(text: right.trimmingCharacters(in: .whitespaces), expr: expr, lhs: lhs, lhsText: left, line: line))
    }

    /// `∂f/∂W`, `df/dW`, `\frac{\partial f}{\partial W}`: W.
    static func claimedVariable(_ left: String) -> String? {
        let compact = left.filter { !$0.isWhitespace }
        let forms = [("∂f/∂", ""), ("df/d", ""), ("\\frac{\\partialf}{\\partial", "}"), ("\\frac{df}{d", "}"),
                     ("\\frac{\\mathrm{d}f}{\\mathrm{d}", "}")]
        for (prefix, suffix) in forms {
            guard compact.hasPrefix(prefix), compact.hasSuffix(suffix) else { continue }
            let name = String(compact.dropFirst(prefix.count).dropLast(suffix.count))
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { return name }
        }
        return nil
    }

    /// The offset of the first `=` that is not part of `<=`, `>=` or `==`.
    static func topLevelEquals(in chars: [Character]) -> Int? {
        for i in chars.indices where chars[i] == "=" {
            let before = i > 0 ? chars[i - 1] : " ", after = i + 1 < chars.count ? chars[i + 1] : " "
            if before == "<" || before == ">" || before == "=" || after == "=" { continue }
            return i
        }
        return nil
    }

    // MARK: Declarations

    mutating func declare(_ body: String, at column: Int, line: Int, source: String) throws(SymbolicError) {
        let declaration: (name: String, shape: MatrixShape)
        do {
            declaration = try parseDeclaration(body)
        } catch {
            throw relocated(error, column: column, line: line, source: source)
        }
        guard document.scope.shape(of: declaration.name) == nil else {
            throw SymbolicError(.declaration, "line \(line), column \(column + 1): '\(declaration.name)' is declared twice",
                                at: SourceRange(column, column + body.count), in: source)
        }
        guard document.lines.isEmpty else {
            throw SymbolicError(.declaration, "line \(line), column \(column + 1): declarations come before the derivation's lines",
                                at: SourceRange(column, column + body.count), in: source)
        }
        document.variables = document.variables.adding(declaration.name, declaration.shape)
        document.scope = document.scope.adding(declaration.name, declaration.shape)
    }

    mutating func define(_ body: String, at column: Int, line: Int, source: String) throws(SymbolicError) {
        let chars = Array(body)
        guard let equals = Self.topLevelEquals(in: chars) else {
            throw SymbolicError(.parse, "line \(line), column \(column + 1): a definition reads 'let Z = expression'",
                                at: SourceRange(column, column + body.count), in: source)
        }
        let name = String(chars[..<equals]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.first!.isLetter, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw SymbolicError(.parse, "line \(line), column \(column + 1): '\(name)' is not a name to define",
                                at: SourceRange(column, column + equals), in: source)
        }
        guard document.scope.shape(of: name) == nil else {
            throw SymbolicError(.declaration, "line \(line), column \(column + 1): '\(name)' is already declared",
                                at: SourceRange(column, column + equals), in: source)
        }
        let expr = try parse(String(chars[(equals + 1)...]), at: column + equals + 1, line: line, source: source, differentials: false)
        document.definitions.append((name, expr))
        document.scope = document.scope.adding(name, expr.shape)
    }

    mutating func chooseWrt(_ body: String, at column: Int, line: Int, source: String) throws(SymbolicError) {
        var names: [String] = []
        for part in body.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard document.variables.shape(of: name) != nil else {
                throw SymbolicError(.unknownName, "line \(line), column \(column + 1): wrt '\(name)': not a declared variable "
                                        + "(\(document.variables.names.joined(separator: ", ")))",
                                    at: SourceRange(column, column + body.count), in: source)
            }
            names.append(name)
        }
        document.wrt = (document.wrt ?? []) + names
    }

    // MARK: Expressions

    mutating func parse(_ text: String, at column: Int, line: Int, source: String, differentials: Bool,
                        expecting expected: MatrixShape? = nil) throws(SymbolicError) -> Expr {
        // The expression is parsed in place (columns before it blanked), so offsets are columns.
        let padded = String(repeating: " ", count: column) + text
        do {
            let options = ParseOptions(differentials: differentials, definitions: document.definitionTable, expected: expected)
            let (expr, readings) = try parseExpressionExplained(padded, declarations: document.scope, options: options)
            for r in readings {
                document.readings.append(.init(line: line, column: r.range.lowerBound + 1, message: r.message))
            }
            return expr
        } catch {
            throw relocated(error, column: 0, line: line, source: source)
        }
    }

    /// The error with `line L, column C:` in front and the file's line as its source.
    func relocated(_ error: SymbolicError, column: Int, line: Int, source: String) -> SymbolicError {
        guard let range = error.range else {
            return SymbolicError(error.kind, "line \(line): \(error.message)", in: source)
        }
        let shifted = SourceRange(range.lowerBound + column, range.upperBound + column)
        return SymbolicError(error.kind, "line \(line), column \(shifted.lowerBound + 1): \(error.message)", at: shifted, in: source)
    }
}
