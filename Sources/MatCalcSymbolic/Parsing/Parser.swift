/// Turns tokens into a `Syntax` tree by precedence climbing.
///
/// Precedence, loosest to tightest: comparison; `+ -`; `⊗`; `⊙ ⊘ * @ /`; juxtaposition; unary minus;
/// postfix (`^T`, `'`, `.T`, `^{-1}`, `^k`, `.^p`). A function name not followed by a bracket applies to
/// the next operand with its postfix operators (`log det(S)` is log(det(S))).
struct Parser {
    /// The deepest nesting accepted, of brackets and operators and of the tree; past it the parser
    /// reports an error instead of overflowing the stack.
    // 256 leaves headroom on an 8 MiB stack even unoptimized, where one nesting level (`tr(a + b ⊗ c ⊙ …`)
    // costs the parser up to ~18 KiB of frames, and keeps trees shallow for the recursive passes after it.
    static let maxDepth = 256

    private enum Delimiter {
        case bracket(Bracket), absolute, norm, unicodeNorm
    }

    private let chars: [Character]
    private var tokens: [Token]
    private var index = 0
    private var delimiters: [Delimiter] = []
    private var nesting = 0
    private let variableNames: [String]
    private let variables: Set<String>
    /// Names that are not variables but mean something without brackets (`I`, dimension names).
    private let constants: Set<String>

    /// Whether `d` before an operand (`d(X W)`, `d tr(A)`, `\mathrm{d}X`) and `d` glued to declared names
    /// (`dX`, `dXW` = d(X W)) are differentials, as in a derivation.
    private let differentials: Bool
    /// How the source was read where it could have been read otherwise (`XW` as X W), for `--explain`.
    private(set) var readings: [Reading] = []

    init(chars: [Character], tokens: [Token], variables: [String], constants: [String], differentials: Bool = false) {
        self.chars = chars
        self.tokens = tokens
        self.variableNames = variables
        self.variables = Set(variables)
        self.constants = Set(constants)
        self.differentials = differentials
    }

    private func isVariable(_ name: String) -> Bool { variables.contains(name) }

    mutating func parse() throws -> Syntax {
        if current.kind == .end {
            throw SymbolicError(.parse, "empty expression", at: SourceRange(0, 0))
        }
        let result = try parseBinary(minLevel: 0)
        if current.kind != .end { throw unexpected(current) }
        return result
    }

    // MARK: Tokens

    private var current: Token { tokens[index] }
    private var next: Token { tokens[Swift.min(index + 1, tokens.count - 1)] }
    private var previous: Token? { index > 0 ? tokens[index - 1] : nil }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func text(_ range: SourceRange) -> String {
        String(chars[range.lowerBound..<Swift.min(range.upperBound, chars.count)])
    }

    private func text(_ token: Token) -> String { token.kind == .end ? "end of input" : text(token.range) }

    /// Two `|` with nothing between them: the ASCII norm delimiter.
    private var atDoubleBar: Bool {
        current.kind == .bar && next.kind == .bar && !next.spaceBefore
    }

    // MARK: Nodes

    private func node(_ kind: Syntax.Kind, _ range: SourceRange, blame: SourceRange? = nil) throws -> Syntax {
        var result = Syntax(kind: kind, range: range, depth: 1)
        result.depth = 1 + (result.children.map(\.depth).max() ?? 0)
        if result.depth > Parser.maxDepth { throw tooDeep(at: blame ?? range) }
        return result
    }

    private func tooDeep(at range: SourceRange) -> SymbolicError {
        SymbolicError(.parse, "expression nested too deeply (more than \(Parser.maxDepth) levels)", at: range)
    }

    private func span(_ a: Syntax, _ b: Syntax) -> SourceRange { SourceRange(a.range.lowerBound, b.range.upperBound) }

    // MARK: Binary operators

    private func binaryLevel(_ kind: TokenKind) -> Int? {
        switch kind {
        case .compare: 0
        case .plus, .minus: 1
        case .kronecker: 2
        case .star, .slash, .hadamard, .hadamardDivide: 3
        default: nil
        }
    }

    // The functions on the recursive path (parseBinary, parseJuxtaposition, parsePrefix, parsePostfix,
    // parseAtom and the bracket parsers) keep few locals and leave the rest to helpers: unoptimized
    // builds give every local its own stack slot, and these frames repeat once per nesting level.
    private mutating func parseBinary(minLevel: Int) throws -> Syntax {
        var lhs = try parseJuxtaposition()
        // Sums are collected flat, so a long `a + b + …` is one node, not a deep tree.
        var terms: [Syntax.Term] = []
        while let level = binaryLevel(current.kind), level >= minLevel {
            let op = current
            advance()
            let rhs = try parseBinary(minLevel: level + 1)
            if op.kind == .plus || op.kind == .minus {
                if terms.isEmpty { terms = [Syntax.Term(negative: false, operatorRange: nil, syntax: lhs)] }
                terms.append(Syntax.Term(negative: op.kind == .minus, operatorRange: op.range, syntax: rhs))
            } else {
                lhs = try combine(op, try flush(&terms, lhs), rhs)
            }
        }
        return try flush(&terms, lhs)
    }

    private func flush(_ terms: inout [Syntax.Term], _ lhs: Syntax) throws -> Syntax {
        guard let last = terms.last else { return lhs }
        defer { terms = [] }
        return try node(.sum(terms), SourceRange(terms[0].syntax.range.lowerBound, last.syntax.range.upperBound))
    }

    private func combine(_ op: Token, _ lhs: Syntax, _ rhs: Syntax) throws -> Syntax {
        if case .compare(let comparison) = op.kind {
            if case .compare = current.kind {
                throw SymbolicError(.parse, "comparisons cannot be chained", at: current.range)
            }
            return try node(.comparison(comparison, operatorRange: op.range, lhs, rhs), span(lhs, rhs), blame: op.range)
        }
        let binary: Syntax.BinaryOperator = switch op.kind {
        case .kronecker: .kronecker
        case .slash: .divide
        case .hadamard: .hadamard
        case .hadamardDivide: .hadamardDivide
        default: .product
        }
        return try node(.binary(binary, operatorRange: op.range, lhs, rhs), span(lhs, rhs), blame: op.range)
    }

    // MARK: Juxtaposition, prefix and postfix

    /// Whether the current token starts an operand (and so, after an operand, a juxtaposed factor).
    private var startsOperand: Bool {
        switch current.kind {
        case .identifier, .number, .open: return true
        case .bar:
            switch delimiters.last {
            case .absolute: return false
            case .norm: return !atDoubleBar
            default: return true
            }
        case .doubleBar:
            if case .unicodeNorm = delimiters.last { return false }
            return true
        default: return false
        }
    }

    private mutating func parseJuxtaposition() throws -> Syntax {
        let first = try parsePrefix()
        guard startsOperand else { return first }
        var items = [first]
        while startsOperand { items.append(try parsePrefix()) }
        return try node(.juxtaposition(items), span(first, items[items.count - 1]))
    }

    private mutating func parsePrefix() throws -> Syntax {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxDepth { throw tooDeep(at: current.range) }
        if current.kind == .minus {
            let start = current.range.lowerBound
            advance()
            let operand = try parsePrefix()
            return try node(.negate(operand), SourceRange(start, operand.range.upperBound))
        }
        return try parsePostfixOperators(on: try parseAtom())
    }

    private mutating func parsePostfixOperators(on operand: Syntax) throws -> Syntax {
        var base = operand
        while true {
            let op = current
            let postfix: Syntax.Postfix
            switch op.kind {
            case .prime, .dotT:
                advance()
                postfix = .transpose
            case .caret:
                advance()
                if current.kind == .hadamard, !current.spaceBefore {
                    // `A^∘p`: the entrywise power as the text printer writes it (the same as `A.^p`).
                    advance()
                    postfix = try parseEntrywiseExponent(after: op)
                } else {
                    postfix = try parseExponent(after: op)
                }
            case .dotCaret:
                advance()
                postfix = try parseEntrywiseExponent(after: op)
            case .superscript(let text):
                advance()
                postfix = try exponent(fromSuperscript: text, at: op.range)
            default:
                return base
            }
            let end = previous?.range.upperBound ?? op.range.upperBound
            base = try node(.postfix(base, postfix, operatorRange: SourceRange(op.range.lowerBound, end)),
                            SourceRange(base.range.lowerBound, end), blame: op.range)
        }
    }

    /// After `.^` or `^∘`: a number (`-1` included).
    private mutating func parseEntrywiseExponent(after op: Token) throws -> Syntax.Postfix {
        switch try parseExponent(after: op) {
        case .power(let p), .entrywisePower(let p): return .entrywisePower(p)
        case .inverse: return .entrywisePower(-1)
        default:
            throw SymbolicError(.parse, "expected a number after '\(text(op))'",
                at: SourceRange(op.range.lowerBound, previous?.range.upperBound ?? op.range.upperBound))
        }
    }

    private static let exponentHelp = "a number, T, -1 or -T"

    /// After `^`: `T`, `⊤`, a signed number, `-T`, or one of those in `{}` or `()`; in braces also `∘p`
    /// (LaTeX's `A^{\circ 2}`, the entrywise power).
    private mutating func parseExponent(after caret: Token) throws -> Syntax.Postfix {
        if case .open(let bracket) = current.kind, bracket == .paren || bracket == .brace {
            let open = current
            advance()
            let inner = try parsePlainExponent(after: caret)
            guard current.kind == .close(bracket) else {
                if current.kind == .end {
                    throw SymbolicError(.parse, "unbalanced '\(bracket.open)': no matching '\(bracket.close)'",
                        at: open.range)
                }
                throw SymbolicError(.parse, "expected '\(bracket.close)' after the exponent", at: current.range)
            }
            advance()
            return inner
        }
        return try parsePlainExponent(after: caret)
    }

    private mutating func parsePlainExponent(after caret: Token) throws -> Syntax.Postfix {
        guard current.kind == .hadamard else { return try parseSignedExponent(after: caret) }
        advance()
        switch try parseSignedExponent(after: caret) {
        case .power(let p): return .entrywisePower(p)
        case .inverse: return .entrywisePower(-1)
        default:
            throw SymbolicError(.parse, "expected a number after '∘' in the exponent", at: previous?.range ?? current.range)
        }
    }

    private mutating func parseSignedExponent(after caret: Token) throws -> Syntax.Postfix {
        var negative = false
        if current.kind == .minus {
            negative = true
            advance()
        }
        switch current.kind {
        case .identifier(let name) where name.hasPrefix("T"):
            // `x^Tx`: the exponent takes the T, the rest of the word stays an identifier.
            if name.count > 1 {
                let t = current
                tokens[index] = Token(kind: .identifier(String(name.dropFirst())),
                                      range: SourceRange(t.range.lowerBound + 1, t.range.upperBound), spaceBefore: false)
            } else {
                advance()
            }
            return negative ? .inverseTranspose : .transpose
        case .top:
            advance()
            return negative ? .inverseTranspose : .transpose
        case .number(let value):
            advance()
            let p = negative ? -value : value
            return p == -1 ? .inverse : .power(p)
        case .end:
            throw SymbolicError(.parse, "missing exponent after '\(text(caret))'", at: current.range)
        default:
            throw SymbolicError(.parse, "expected an exponent after '\(text(caret))': \(Parser.exponentHelp)",
                at: current.range)
        }
    }

    private func exponent(fromSuperscript text: String, at range: SourceRange) throws -> Syntax.Postfix {
        switch text {
        case "T": return .transpose
        case "-1": return .inverse
        case "-T": return .inverseTranspose
        default:
            if let p = Double(text) { return .power(p) }
            throw SymbolicError(.parse, "unsupported superscript; write the exponent with '^': \(Parser.exponentHelp)",
                at: range)
        }
    }

    // MARK: Atoms

    private mutating func parseAtom() throws -> Syntax {
        switch current.kind {
        case .identifier(let name): return try parseIdentifier(name)
        case .number(let value): return try parseNumber(value)
        case .open(.angle): return try parseInnerProduct()
        case .open(let bracket): return try parseGroup(bracket)
        case .bar where atDoubleBar: return try parseNorm(ascii: true)
        case .bar: return try parseAbsolute()
        case .doubleBar: return try parseNorm(ascii: false)
        default: throw missingOperand()
        }
    }

    private mutating func parseNumber(_ value: Double) throws -> Syntax {
        let one = try node(.number(value), current.range)
        advance()
        if value == 1, current.kind == .underscore, !current.spaceBefore { return try parseOnesMatrix(one) }
        guard value == 1, current.kind == .open(.brace) else { return one }
        let attached = !current.spaceBefore
        let group = try parseGroup(.brace)
        return try indicator(one, group, attached: attached)
    }

    /// `1_{n×k}`: the all-ones matrix as the text printer writes it, read as `ones(n, k)`.
    private mutating func parseOnesMatrix(_ one: Syntax) throws -> Syntax {
        advance()
        guard current.kind == .open(.brace) else {
            throw SymbolicError(.parse, "expected '{' after '1_' (the ones matrix 1_{n×k})", at: current.range)
        }
        advance()
        func dimension(_ parser: inout Parser) throws -> Syntax {
            let token = parser.current
            let kind: Syntax.Kind
            switch token.kind {
            case .identifier(let name): kind = .identifier(name)
            case .number(let value): kind = .number(value)
            default: throw SymbolicError(.parse, "expected a dimension in 1_{n×k}", at: token.range)
            }
            parser.advance()
            return try parser.node(kind, token.range)
        }
        let rows = try dimension(&self)
        guard current.kind == .star else { throw SymbolicError(.parse, "expected '×' in 1_{n×k}", at: current.range) }
        advance()
        let cols = try dimension(&self)
        guard current.kind == .close(.brace) else {
            throw SymbolicError(.parse, "expected '}' to close 1_{n×k}", at: current.range)
        }
        let end = current.range.upperBound
        advance()
        return try node(.call("ones", nameRange: one.range, [rows, cols]), SourceRange(one.range.lowerBound, end))
    }

    /// `1{X W > 0}` (also with a space); `1{…}` without a comparison inside is an error, `1 {…}` a product.
    private func indicator(_ one: Syntax, _ group: Syntax, attached: Bool) throws -> Syntax {
        guard case .group(let inner) = group.kind, case .comparison = inner.kind else {
            if !attached { return try node(.juxtaposition([one, group]), span(one, group)) }
            throw SymbolicError(.parse, "1{…} is an indicator and needs a comparison inside, like 1{X W > 0}",
                at: group.range)
        }
        return try node(.indicator(inner), span(one, group))
    }

    private mutating func parseAbsolute() throws -> Syntax {
        let open = current.range
        advance()
        delimiters.append(.absolute)
        let inner = try parseBinary(minLevel: 0)
        delimiters.removeLast()
        return try closeAbsolute(inner, open: open)
    }

    private mutating func closeAbsolute(_ inner: Syntax, open: SourceRange) throws -> Syntax {
        guard current.kind == .bar else { throw unclosed(open, "'|': the absolute value is never closed") }
        let close = current.range
        advance()
        return try node(.absolute(inner), SourceRange(open.lowerBound, close.upperBound))
    }

    private mutating func parseIdentifier(_ name: String) throws -> Syntax {
        let nameRange = current.range
        // In a derivation `d` is the differential, even where a dimension is called d.
        if differentials, !isVariable(name), let differential = try parseDifferential(name, nameRange) { return differential }
        if isVariable(name) || constants.contains(name) {
            advance()
            return try node(.identifier(name), nameRange)
        }
        if BuiltinFunction(named: name) != nil {
            advance()
            if case .open(let bracket) = current.kind, bracket != .angle { return try parseCall(name, nameRange, bracket) }
            guard startsOperand || current.kind == .minus else {
                throw SymbolicError(.parse, "missing argument of '\(name)'", at: current.range)
            }
            let argument = try parsePrefix()
            return try node(.call(name, nameRange: nameRange, [argument]),
                            SourceRange(nameRange.lowerBound, argument.range.upperBound))
        }
        if splitIntoVariables(name) { return try parseAtom() }
        advance()
        if current.kind == .open(.paren), !current.spaceBefore {
            // `f(x)` with an unknown f: a call, so that the elaborator reports an unknown function.
            return try parseCall(name, nameRange, .paren)
        }
        return try node(.identifier(name), nameRange)
    }

    /// `⟨A, B⟩` (LaTeX `\langle A, B \rangle`): the inner product, read as `inner(A, B)`.
    private mutating func parseInnerProduct() throws -> Syntax {
        let open = current.range
        let (arguments, end) = try parseArguments(.angle)
        guard arguments.count == 2 else {
            throw SymbolicError(.parse, "the inner product ⟨A, B⟩ takes two arguments, got \(arguments.count)",
                                at: SourceRange(open.lowerBound, end))
        }
        return try node(.call("inner", nameRange: open, arguments), SourceRange(open.lowerBound, end))
    }

    private mutating func parseCall(_ name: String, _ nameRange: SourceRange, _ bracket: Bracket) throws -> Syntax {
        let (arguments, end) = try parseArguments(bracket)
        return try node(.call(name, nameRange: nameRange, arguments), SourceRange(nameRange.lowerBound, end))
    }

    /// `d a` (`d(X W)`, `d tr(A)`, `\mathrm{d}X`), or a word `d…` whose rest is declared names (`dX`, `dXW`,
    /// which is d(X W)); nil when the word is something else.
    private mutating func parseDifferential(_ name: String, _ nameRange: SourceRange) throws -> Syntax? {
        guard let differential = try parseOneDifferential(name, nameRange) else { return nil }
        // `dZ/d(X W)` is one unit, the entrywise derivative: (Z − Y) ⊙ dZ/d(X W) is (Z − Y) ⊙ (dZ/d(X W)).
        guard current.kind == .slash, case .identifier(let next) = next.kind, isDifferentialWord(next) else { return differential }
        let slash = current.range
        advance()
        let nextRange = current.range
        guard let denominator = try parseOneDifferential(next, nextRange) else { return differential }
        return try node(.binary(.divide, operatorRange: slash, differential, denominator), span(differential, denominator))
    }

    /// Whether a word is a differential: `d`, or `d` followed by declared names.
    private func isDifferentialWord(_ word: String) -> Bool {
        guard word.first == "d", !isVariable(word) else { return false }
        let rest = String(word.dropFirst())
        return rest.isEmpty || isVariable(rest) || segmentation(of: rest) != nil
    }

    private mutating func parseOneDifferential(_ name: String, _ nameRange: SourceRange) throws -> Syntax? {
        if name == "d" {
            let start = index
            advance()
            // A dimension called d stays a number where no operand follows (`sqrt(d)`).
            if !startsOperand, constants.contains("d") {
                index = start
                return nil
            }
            guard startsOperand else { throw SymbolicError(.parse, "missing operand of the differential 'd'", at: current.range) }
            let operand = try parsePrefix()
            return try node(.differential(operand), SourceRange(nameRange.lowerBound, operand.range.upperBound))
        }
        guard name.count > 1, name.first == "d" else { return nil }
        let rest = String(name.dropFirst())
        let parts = isVariable(rest) ? [rest] : segmentation(of: rest)
        guard let parts else { return nil }
        advance()
        var offset = nameRange.lowerBound + 1
        let items = try parts.map { part in
            defer { offset += part.count }
            return try node(.identifier(part), SourceRange(offset, offset + part.count))
        }
        if parts.count > 1 { readings.append(Reading("read '\(name)' as d(\(parts.joined(separator: " ")))", at: nameRange)) }
        let operand = items.count == 1 ? items[0] : try node(.juxtaposition(items), SourceRange(nameRange.lowerBound + 1, nameRange.upperBound))
        return try node(.differential(operand), nameRange)
    }

    /// `XW` with X and W declared: splits the current word into its variables, as papers write products.
    private mutating func splitIntoVariables(_ word: String) -> Bool {
        guard let parts = segmentation(of: word) else { return false }
        let token = current
        readings.append(Reading("read '\(word)' as \(parts.joined(separator: " "))", at: token.range))
        var offset = token.range.lowerBound
        let replacement = parts.enumerated().map { i, part in
            defer { offset += part.count }
            return Token(kind: .identifier(part), range: SourceRange(offset, offset + part.count),
                         spaceBefore: i == 0 ? token.spaceBefore : false)
        }
        tokens.replaceSubrange(index...index, with: replacement)
        return true
    }

    /// The unique way to write `word` as a run of two or more declared names, if there is one.
    private func segmentation(of word: String) -> [String]? {
        let letters = Array(word)
        let longest = variableNames.map(\.count).max() ?? 0
        guard longest > 0 else { return nil }
        func isName(_ start: Int, _ end: Int) -> Bool {
            end - start <= longest && isVariable(String(letters[start..<end]))
        }
        // Counting splittings (capped at 2) from each position, not searching, keeps long words linear.
        var ways = Array(repeating: 0, count: letters.count + 1)
        ways[letters.count] = 1
        for start in stride(from: letters.count - 1, through: 0, by: -1) {
            for end in start + 1...Swift.min(start + longest, letters.count) where ways[end] > 0 && isName(start, end) {
                ways[start] = Swift.min(2, ways[start] + ways[end])
            }
        }
        guard ways[0] == 1 else { return nil }
        var parts: [String] = []
        var start = 0
        while start < letters.count {
            let ends = (start + 1...letters.count).lazy.filter { ways[$0] > 0 && isName(start, $0) }
            guard let end = ends.first else { return nil }
            parts.append(String(letters[start..<end]))
            start = end
        }
        return parts.count > 1 ? parts : nil
    }

    private mutating func parseArguments(_ bracket: Bracket) throws -> ([Syntax], Int) {
        let open = current
        advance()
        delimiters.append(.bracket(bracket))
        defer { delimiters.removeLast() }
        var arguments: [Syntax] = []
        if current.kind != .close(bracket) {
            arguments.append(try parseBinary(minLevel: 0))
            while current.kind == .comma {
                advance()
                arguments.append(try parseBinary(minLevel: 0))
            }
        }
        try expectClose(bracket, opener: open.range)
        let end = current.range.upperBound
        advance()
        return (arguments, end)
    }

    private mutating func parseGroup(_ bracket: Bracket) throws -> Syntax {
        let open = current.range
        advance()
        if current.kind == .close(bracket) { throw emptyBrackets(bracket, open) }
        delimiters.append(.bracket(bracket))
        let inner = try parseBinary(minLevel: 0)
        delimiters.removeLast()
        return try closeGroup(inner, bracket, open: open)
    }

    private func emptyBrackets(_ bracket: Bracket, _ open: SourceRange) -> SymbolicError {
        SymbolicError(.parse, "empty brackets '\(bracket.open)\(bracket.close)'",
            at: SourceRange(open.lowerBound, current.range.upperBound))
    }

    private mutating func closeGroup(_ inner: Syntax, _ bracket: Bracket, open: SourceRange) throws -> Syntax {
        if current.kind == .comma {
            throw SymbolicError(.parse, "unexpected ',' (commas separate the arguments of a function)", at: current.range)
        }
        try expectClose(bracket, opener: open)
        let close = current.range
        advance()
        return try node(.group(inner), SourceRange(open.lowerBound, close.upperBound))
    }

    private func expectClose(_ bracket: Bracket, opener: SourceRange) throws {
        switch current.kind {
        case .close(bracket): return
        case .close(let other):
            throw SymbolicError(.parse, "mismatched brackets: '\(bracket.open)' closed by '\(other.close)'",
                at: current.range)
        case .end, .bar, .doubleBar:
            throw unclosed(opener, "'\(bracket.open)': no matching '\(bracket.close)'")
        default:
            throw unexpected(current)
        }
    }

    private mutating func parseNorm(ascii: Bool) throws -> Syntax {
        let open = SourceRange(current.range.lowerBound, current.range.upperBound + (ascii ? 1 : 0))
        advance()
        if ascii { advance() }
        delimiters.append(ascii ? .norm : .unicodeNorm)
        let inner = try parseBinary(minLevel: 0)
        delimiters.removeLast()
        return try closeNorm(inner, ascii: ascii, open: open)
    }

    private mutating func closeNorm(_ inner: Syntax, ascii: Bool, open: SourceRange) throws -> Syntax {
        guard ascii ? atDoubleBar : current.kind == .doubleBar else {
            throw unclosed(open, "'\(ascii ? "||" : "‖")': the norm is never closed")
        }
        advance()
        if ascii { advance() }
        let kind = try parseNormSubscript()
        return try node(.norm(inner, kind), SourceRange(open.lowerBound, previous?.range.upperBound ?? open.upperBound))
    }

    /// `_F`, `_fro`, `_2`, `_1`, `_{F}`, `₂`, `₁`, or nothing.
    private mutating func parseNormSubscript() throws -> Syntax.NormSubscript {
        let start = current.range.lowerBound
        let label: String
        if case .subscriptText(let digits) = current.kind {
            label = digits
            advance()
        } else if current.kind == .underscore {
            advance()
            let braced = current.kind == .open(.brace)
            if braced { advance() }
            switch current.kind {
            case .identifier(let s): label = s
            case .number(let x) where x == 1 || x == 2: label = x == 1 ? "1" : "2"
            case .end: throw SymbolicError(.parse, "missing norm subscript after '_'", at: current.range)
            default: label = text(current)
            }
            advance()
            if braced {
                guard current.kind == .close(.brace) else {
                    throw SymbolicError(.parse, "expected '}' after the norm subscript", at: current.range)
                }
                advance()
            }
        } else {
            return .none
        }
        switch label {
        case "F", "fro": return .frobenius
        case "2": return .two
        case "1": return .one
        default:
            let end = previous?.range.upperBound ?? start
            throw SymbolicError(.parse, "unsupported norm subscript '\(label)'; use _F, _2 or _1",
                at: SourceRange(start, end))
        }
    }

    // MARK: Errors

    private func unclosed(_ opener: SourceRange, _ what: String) -> SymbolicError {
        SymbolicError(.parse, "unbalanced \(what)", at: opener)
    }

    private func missingOperand() -> SymbolicError {
        if let previous {
            switch current.kind {
            case .end, .close, .comma, .bar, .doubleBar:
                return SymbolicError(.parse, "missing operand after '\(text(previous))'", at: current.range)
            default: break
            }
        }
        return SymbolicError(.parse, "expected an operand, found '\(text(current))'", at: current.range)
    }

    private func unexpected(_ token: Token) -> SymbolicError {
        switch token.kind {
        case .close(let bracket):
            return SymbolicError(.parse, "unmatched '\(bracket.close)'", at: token.range)
        case .comma:
            return SymbolicError(.parse, "unexpected ',' (commas separate the arguments of a function)", at: token.range)
        case .end:
            return SymbolicError(.parse, "unexpected end of input", at: token.range)
        default:
            return SymbolicError(.parse, "unexpected '\(text(token))'", at: token.range)
        }
    }
}
