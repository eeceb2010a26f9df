/// The brackets of the language; all three group, and `{}` after `1` makes an indicator.
enum Bracket: Hashable, Sendable {
    case paren, square, brace

    var open: Character {
        switch self {
        case .paren: "("
        case .square: "["
        case .brace: "{"
        }
    }

    var close: Character {
        switch self {
        case .paren: ")"
        case .square: "]"
        case .brace: "}"
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
struct Lexer {
    private let chars: [Character]
    private var position = 0

    init(_ chars: [Character]) {
        self.chars = chars
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

    private func peek(_ offset: Int = 0) -> Character? {
        position + offset < chars.count ? chars[position + offset] : nil
    }

    mutating func tokenize() throws(SymbolicError) -> [Token] {
        var tokens: [Token] = []
        var spaceBefore = false
        while let c = peek() {
            if c.isWhitespace {
                position += 1
                spaceBefore = true
                continue
            }
            let start = position
            let kind = try lexToken(c)
            tokens.append(Token(kind: kind, range: SourceRange(start, position), spaceBefore: spaceBefore))
            spaceBefore = false
        }
        tokens.append(Token(kind: .end, range: SourceRange(chars.count, chars.count), spaceBefore: spaceBefore))
        return tokens
    }

    private mutating func lexToken(_ c: Character) throws(SymbolicError) -> TokenKind {
        if c.isASCII && c.isNumber || c == "." && peek(1).map({ $0.isASCII && $0.isNumber }) == true {
            return try lexNumber()
        }
        if Lexer.isIdentifierStart(c) {
            let start = position
            while let d = peek(), Lexer.isIdentifierContinuation(d) { position += 1 }
            return .identifier(String(chars[start..<position]))
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
        case "(": return .open(.paren)
        case "[": return .open(.square)
        case "{": return .open(.brace)
        case ")": return .close(.paren)
        case "]": return .close(.square)
        case "}": return .close(.brace)
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
