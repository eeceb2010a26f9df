/// The brackets of the language: `()`, `[]` and `{}` group, and `{}` after `1` makes an indicator;
/// `⟨a, b⟩` is the inner product.
enum Bracket: Hashable, Sendable {
    case paren, square, brace, angle

    var open: Character {
        switch self {
        case .paren: "("
        case .square: "["
        case .brace: "{"
        case .angle: "⟨"
        }
    }

    var close: Character {
        switch self {
        case .paren: ")"
        case .square: "]"
        case .brace: "}"
        case .angle: "⟩"
        }
    }
}

/// A token of the expression language.
enum TokenKind: Hashable, Sendable {
    case identifier(String)
    case number(Double)
    case plus, minus
    /// `*`, `@`, `·`, `⋅`: the matrix product spelled out.
    case star
    case slash
    /// `⊙`, `∘`, `.*`.
    case hadamard
    /// `⊘`, `./`.
    case hadamardDivide
    case kronecker
    case caret
    /// `.^`, the entrywise power.
    case dotCaret
    /// `'` or `′` (transpose).
    case prime
    /// `.T` (transpose, NumPy spelling).
    case dotT
    /// `⊤` (only meaningful after `^`).
    case top
    case underscore
    case comma
    case compare(Comparison)
    /// `|`; two adjacent bars make a norm delimiter `||`.
    case bar
    /// `‖`.
    case doubleBar
    case open(Bracket)
    case close(Bracket)
    /// A run of superscript characters, decoded: `ᵀ` → "T", `⁻¹` → "-1", `²` → "2".
    case superscript(String)
    /// A run of subscript digits not attached to an identifier (`‖x‖₂`), decoded.
    case subscriptText(String)
    case end
}

/// A token with its position (character offsets) and whether whitespace precedes it.
struct Token: Hashable, Sendable {
    var kind: TokenKind
    var range: SourceRange
    var spaceBefore: Bool
}

/// Splits expression text into tokens; offsets count `Character`s, as `SymbolicError` renders them.
///
/// LaTeX commands (`\frac`, `\lVert`, `\operatorname{tr}`, …) become the tokens of the same
/// notation in text; see Lexer+LaTeX.swift.
struct Lexer {
    let chars: [Character]
    var position = 0
    var tokens: [Token] = []
    /// Whether whitespace (or LaTeX spacing) precedes the next token.
    var spaceBefore = false
    /// The brackets, `{` groups and `\left` delimiters open at `position`, innermost last.
    var openings: [Opening] = []
    /// Declared names (variables and dimensions), to read the printer's spelling of a name back.
    let names: Set<String>
    /// The LaTeX spelling of each declared name that is not spelled as in text (`W_{1}` for W1,
    /// `\lambda`, `\mathit{lam}`), by first character, longest first.
    let spellings: [Character: [(latex: [Character], name: String)]]
    /// The spellings of the name just lexed that a LaTeX subscript may extend (`x` in `x_{i}`, `λ` and
    /// `lambda` for `\lambda`); empty when no name was just lexed.
    var subscriptBases: [String] = []

    init(_ chars: [Character], names: [String] = []) {
        self.chars = chars
        self.names = Set(names)
        self.spellings = Lexer.spellings(of: names)
    }

    static let superscripts: [Character: Character] = [
        "ᵀ": "T", "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
        "⁸": "8", "⁹": "9",
    ]
    static let subscripts: [Character: Character] = [
        "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
    ]

    static func isIdentifierStart(_ c: Character) -> Bool {
        c.isLetter && superscripts[c] == nil
    }

    static func isIdentifierContinuation(_ c: Character) -> Bool {
        isIdentifierStart(c) || c.isASCII && c.isNumber || c == "_" || subscripts[c] != nil
    }

    func peek(_ offset: Int = 0) -> Character? {
        position + offset < chars.count ? chars[position + offset] : nil
    }

    mutating func tokenize() throws(SymbolicError) -> [Token] {
        while let c = peek() {
            if c.isWhitespace {
                position += 1
                addSpace()
                continue
            }
            try lexToken(c)
        }
        try checkClosed()
        tokens.append(Token(kind: .end, range: SourceRange(chars.count, chars.count), spaceBefore: spaceBefore))
        return tokens
    }

    /// Appends a token.
    mutating func emit(_ kind: TokenKind, _ range: SourceRange) {
        tokens.append(Token(kind: kind, range: range, spaceBefore: spaceBefore))
        spaceBefore = false
        subscriptBases = []
    }

    /// Appends a name: the first of `candidates` that is declared, else the first. A LaTeX subscript
    /// may follow it (`x_{i}`, `\lambda_1`).
    mutating func emitName(_ candidates: [String], _ range: SourceRange) {
        emit(.identifier(candidates.first(where: names.contains) ?? candidates[0]), range)
        subscriptBases = candidates
    }

    /// LaTeX spacing (`\,`, `~`): whitespace between tokens.
    mutating func addSpace() {
        spaceBefore = true
        subscriptBases = []
    }

    /// Lexes the token (or, for LaTeX, the tokens) at `c`.
    private mutating func lexToken(_ c: Character) throws(SymbolicError) {
        let start = position
        switch c {
        case "\\":
            return try lexCommand()
        case "_" where !subscriptBases.isEmpty:
            if lexSubscript() { return }
        case "(", "[", "{", "⟨":
            position += 1
            let bracket: Bracket = c == "(" ? .paren : c == "[" ? .square : c == "{" ? .brace : .angle
            return open(bracket, SourceRange(start, position))
        case ")", "]", "}", "⟩":
            position += 1
            let bracket: Bracket = c == ")" ? .paren : c == "]" ? .square : c == "}" ? .brace : .angle
            return try close(bracket, SourceRange(start, position))
        case "~":
            // LaTeX's non-breaking space.
            position += 1
            return addSpace()
        default:
            if Lexer.isIdentifierStart(c) { return lexName() }
        }
        var kind = try lexSymbol(c)
        if case .number = kind, let scientific = lexScientificNotation(mantissa: start) { kind = .number(scientific) }
        emit(kind, SourceRange(start, position))
    }

    /// A word (`X`, `lam`, `W1`, `x_i`, `XW`), or the LaTeX spelling of a declared name starting here.
    private mutating func lexName() {
        if lexSpelledName() { return }
        let start = position
        position += 1
        while let d = peek(), Lexer.isIdentifierContinuation(d) {
            // `XW_{1}`: the spelling of a declared name ends the word before it.
            if spellings[d] != nil, spelledName(at: position) != nil { break }
            position += 1
        }
        // `W_{1}`, `x_\lambda`: the subscript is LaTeX's, read by lexSubscript.
        if chars[position - 1] == "_", position - 1 > start, peek() == "{" || peek() == "\\" { position -= 1 }
        let word = String(chars[start..<position])
        // `W_1` is also how LaTeX writes W1.
        emitName([word] + Lexer.digitSubscriptJoined(word), SourceRange(start, position))
    }

    private mutating func lexSymbol(_ c: Character) throws(SymbolicError) -> TokenKind {
        if c.isASCII && c.isNumber || c == "." && peek(1).map({ $0.isASCII && $0.isNumber }) == true {
            return try lexNumber()
        }
        if Lexer.superscripts[c] != nil {
            var text = ""
            while let d = peek(), let mapped = Lexer.superscripts[d] {
                text.append(mapped)
                position += 1
            }
            return .superscript(text)
        }
        if Lexer.subscripts[c] != nil {
            var text = ""
            while let d = peek(), let mapped = Lexer.subscripts[d] {
                text.append(mapped)
                position += 1
            }
            return .subscriptText(text)
        }
        position += 1
        switch c {
        case "+": return .plus
        case "-", "−": return .minus
        case "*", "@", "·", "⋅", "×": return .star
        // `√x`, `√(…)`: the square root as the text printer writes it.
        case "√": return .identifier("sqrt")
        case "/": return .slash
        case "⊙", "∘": return .hadamard
        case "⊘": return .hadamardDivide
        case "⊗": return .kronecker
        case "^": return .caret
        case "'", "′": return .prime
        case "⊤": return .top
        case "_": return .underscore
        case ",": return .comma
        case "|": return .bar
        case "‖": return .doubleBar
        case "≥": return .compare(.greaterOrEqual)
        case "≤": return .compare(.lessOrEqual)
        case ">":
            if peek() == "=" { position += 1; return .compare(.greaterOrEqual) }
            return .compare(.greater)
        case "<":
            if peek() == "=" { position += 1; return .compare(.lessOrEqual) }
            return .compare(.less)
        case ".":
            switch peek() {
            case "*": position += 1; return .hadamard
            case "/": position += 1; return .hadamardDivide
            case "^": position += 1; return .dotCaret
            case "T" where !(peek(1).map(Lexer.isIdentifierContinuation) ?? false):
                position += 1
                return .dotT
            default: break
            }
        default: break
        }
        throw SymbolicError(.parse, "unexpected character '\(c)'", at: SourceRange(position - 1, position))
    }

    /// digits [. digits] [e [±] digits], or `.5`; the exponent only when digits follow it (`2e` is 2·e).
    private mutating func lexNumber() throws(SymbolicError) -> TokenKind {
        let start = position
        func isDigit(_ c: Character?) -> Bool { c.map { $0.isASCII && $0.isNumber } ?? false }
        while isDigit(peek()) { position += 1 }
        if peek() == ".", !(peek(1).map { "*/^".contains($0) } ?? false), peek(1) != "T" || isDigit(peek(2)) {
            position += 1
            while isDigit(peek()) { position += 1 }
        }
        if peek() == "e" || peek() == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if isDigit(peek(signed ? 2 : 1)) {
                position += signed ? 2 : 1
                while isDigit(peek()) { position += 1 }
            }
        }
        var text = String(chars[start..<position])
        if peek() == ".", isDigit(peek(1)) {
            while peek() == "." || isDigit(peek()) { position += 1 }
            throw SymbolicError(.parse, "malformed number '\(String(chars[start..<position]))'",
                                at: SourceRange(start, position))
        }
        if text.hasPrefix(".") { text = "0" + text }
        guard let value = Double(text) else {
            throw SymbolicError(.parse, "malformed number '\(text)'", at: SourceRange(start, position))
        }
        let mantissaIsZero = !text.prefix { $0 != "e" && $0 != "E" }.contains { $0 != "0" && $0 != "." }
        if !value.isFinite || value == 0 && !mantissaIsZero {
            throw SymbolicError(.parse, "number '\(String(chars[start..<position]))' is out of range",
                                at: SourceRange(start, position))
        }
        return .number(value)
    }
}
