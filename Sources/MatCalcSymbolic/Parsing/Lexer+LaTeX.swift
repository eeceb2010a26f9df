// LaTeX input: the lexer reads the LaTeX of an expression as the tokens of the same expression in
// text, so the parser sees one language. `\|` is `‖`, `\odot` is `⊙`, `\operatorname{tr}` is `tr`,
// `\mathbf{1}` is `1`, `\frac{a}{b}` is `((a) / (b))` — an atom, because juxtaposition binds tighter
// than `/` and `2 \frac{a}{b} X` means 2·(a/b)·X. `\left` and `\right` vanish after their
// delimiters are checked to pair up; LaTeX spacing is whitespace.
//
// Braces carry meaning only in LaTeX (where a group ends), so the lexer keeps a stack of what is
// open: brackets, `{` groups, the groups of font commands and fractions, `\left` delimiters. Plain
// brackets are left to the parser to match, except inside a LaTeX group, where a bracket that
// crosses the group's `}` would otherwise change what the fraction holds.

extension Lexer {
    /// Something open at the current position, with the range of its opening text.
    enum Opening {
        /// A bracket (`\{` is `escaped`); the parser matches these.
        case bracket(Bracket, escaped: Bool, SourceRange)
        /// The `{` of a font command (`\mathbf{`): only its contents are tokens.
        case font(SourceRange)
        /// A `{…}` part of `\frac`; `firstToken` tells an empty part.
        case fraction(FractionPart, frac: SourceRange, brace: SourceRange, firstToken: Int)
        /// `\left(`, closed by `\right…`.
        case left(SourceRange)

        /// Whether only LaTeX opens it (everything but plain brackets).
        var isLaTeX: Bool {
            if case .bracket(_, false, _) = self { return false }
            return true
        }
    }

    /// The two brace groups of `\frac`.
    enum FractionPart: String {
        case numerator, denominator
    }

    // MARK: Command tables

    /// Commands that are one token of the text notation.
    static let latexTokens: [String: TokenKind] = [
        "|": .doubleBar, "Vert": .doubleBar, "lVert": .doubleBar, "rVert": .doubleBar,
        "vert": .bar, "lvert": .bar, "rvert": .bar,
        "top": .top, "intercal": .top,
        "odot": .hadamard, "circ": .hadamard, "oslash": .hadamardDivide, "otimes": .kronecker,
        "cdot": .star, "times": .star, "ast": .star,
        "geq": .compare(.greaterOrEqual), "ge": .compare(.greaterOrEqual), "geqslant": .compare(.greaterOrEqual),
        "leq": .compare(.lessOrEqual), "le": .compare(.lessOrEqual), "leqslant": .compare(.lessOrEqual),
        "gt": .compare(.greater), "lt": .compare(.less),
    ]

    /// LaTeX's own function names that are functions of the language.
    static let latexFunctions: Set<String> = ["max", "min", "det", "log", "ln", "exp", "sin", "cos", "tanh", "sqrt"]

    /// Spacing commands.
    static let latexSpaces: Set<String> = [",", ";", ":", "!", " ", "quad", "qquad"]

    /// Delimiter sizes, dropped (the delimiter after them is read as usual).
    static let delimiterSizes: Set<String> = [
        "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
    ]

    /// Font commands: their argument is read as if the command were not there.
    static let fonts: Set<String> = ["mathbf", "mathbb", "boldsymbol", "bm", "mathit", "mathsf", "mathcal", "mathrm"]

    /// Commands whose braced argument is one name: `\operatorname{tr}`, `\mathrm{d}`, `\mathit{lam}`.
    static let nameCommands: Set<String> = ["operatorname", "text", "mathrm", "mathit"]

    /// `\lambda` → `λ`: the letters the LaTeX printer writes, `\varepsilon` `\vartheta` `\varphi` as their
    /// plain forms.
    static let greekLetters: [String: Character] = {
        var table: [String: Character] = [:]
        for (letter, name) in unicodeGreek { table[name] = letter }
        for name in ["epsilon", "theta", "phi"] { table["var" + name] = table[name] }
        return table
    }()

    /// The LaTeX spellings of `names` that differ from the names (see ``latexName(_:)``), by first
    /// character, longest first; of two names spelled alike the first declared wins.
    static func spellings(of names: [String]) -> [Character: [(latex: [Character], name: String)]] {
        var table: [Character: [(latex: [Character], name: String)]] = [:]
        for name in names {
            let latex = Array(latexName(name))
            if String(latex) != name, let first = latex.first { table[first, default: []].append((latex, name)) }
        }
        // A stable sort: equal lengths keep the declaration order.
        return table.mapValues { entries in
            entries.enumerated().sorted { ($0.element.latex.count, -$0.offset) > ($1.element.latex.count, -$1.offset) }
                .map(\.element)
        }
    }

    /// `W1` for `W_1`: a trailing `_digits` is also how LaTeX writes a name ending in digits.
    static func digitSubscriptJoined(_ word: String) -> [String] {
        guard let underscore = word.lastIndex(of: "_"), underscore != word.startIndex else { return [] }
        let digits = word[word.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return [] }
        return [String(word[..<underscore]) + digits]
    }

    // MARK: Commands

    /// Lexes the command at `\`.
    mutating func lexCommand() throws(SymbolicError) {
        if lexSpelledName() { return }
        let start = position
        let name = try readCommandName()
        let range = SourceRange(start, position)
        if let kind = Lexer.latexTokens[name] { return emit(kind, range) }
        if Lexer.latexFunctions.contains(name) {
            emit(.identifier(name), range)
            if name == "sqrt", let bracket = nextNonSpace(), chars[bracket] == "[" {
                throw SymbolicError(.parse, "an n-th root \\sqrt[n]{…} is not supported", at: SourceRange(bracket, bracket + 1))
            }
            return
        }
        if let letter = Lexer.greekLetters[name] { return emitName([String(letter), name], range) }
        if Lexer.latexSpaces.contains(name) || name.first!.isWhitespace { return addSpace() }
        if Lexer.delimiterSizes.contains(name) { return }
        if Lexer.nameCommands.contains(name), try lexBracedName(name, range) { return }
        if Lexer.fonts.contains(name) { return openFont() }
        switch name {
        case "{": open(.brace, range, escaped: true)
        case "}": try close(.brace, range, escaped: true)
        case "langle": open(.angle, range)
        case "rangle": try close(.angle, range)
        case "left": try lexLeft(start)
        case "right": try lexRight(start)
        case "frac", "dfrac", "tfrac":
            emit(.open(.paren), range)
            emit(.open(.paren), range)
            try beginFraction(.numerator, range)
        case "\\":
            throw SymbolicError(.parse, "a line break '\\\\' is not part of an expression", at: range)
        default:
            throw SymbolicError(.parse, "unknown LaTeX command '\\\(name)'", at: range)
        }
    }

    /// The name after `\`: a run of letters, or one other character.
    private mutating func readCommandName() throws(SymbolicError) -> String {
        position += 1
        guard let first = peek() else {
            throw SymbolicError(.parse, "unexpected '\\' at the end of the expression", at: SourceRange(position - 1, position))
        }
        guard first.isASCII && first.isLetter else {
            position += 1
            return String(first)
        }
        let start = position
        while let c = peek(), c.isASCII && c.isLetter { position += 1 }
        return String(chars[start..<position])
    }

    private func nextNonSpace() -> Int? {
        var i = position
        while i < chars.count, chars[i].isWhitespace { i += 1 }
        return i < chars.count ? i : nil
    }

    private mutating func skipSpaces() {
        while let c = peek(), c.isWhitespace { position += 1 }
    }

    // MARK: Names

    /// The printer's spelling of a declared name (`W_{1}`, `\lambda`, `\mathit{lam}`) at `position`.
    mutating func lexSpelledName() -> Bool {
        guard let (name, length) = spelledName(at: position) else { return false }
        let start = position
        position += length
        emitName([name], SourceRange(start, position))
        return true
    }

    /// The declared name whose LaTeX spelling starts at `start`, and the spelling's length.
    func spelledName(at start: Int) -> (name: String, length: Int)? {
        guard let candidates = spellings[chars[start]] else { return nil }
        for (latex, name) in candidates where spelled(latex, at: start) { return (name, latex.count) }
        return nil
    }

    private func spelled(_ latex: [Character], at start: Int) -> Bool {
        guard start + latex.count <= chars.count else { return false }
        for i in latex.indices where chars[start + i] != latex[i] { return false }
        // A command's name ends at the first non-letter: `\lambda` does not begin `\lambdax`.
        let end = start + latex.count
        if let last = latex.last, last.isASCII && last.isLetter, end < chars.count, chars[end].isASCII && chars[end].isLetter {
            return false
        }
        return true
    }

    /// `{name}` after `\operatorname`, `\text`, `\mathrm` or `\mathit` as one identifier; false (nothing
    /// read) when the braces hold something else, which `\mathrm` and `\mathit` then read as a font.
    private mutating func lexBracedName(_ command: String, _ commandRange: SourceRange) throws(SymbolicError) -> Bool {
        let afterCommand = position
        skipSpaces()
        var name = ""
        if peek() == "{" {
            position += 1
            skipSpaces()
            while let c = peek() {
                if c.isLetter || c.isASCII && c.isNumber || c == "_" {
                    name.append(c)
                    position += 1
                } else if c == "\\", peek(1) == "_" {
                    name.append("_")
                    position += 2
                } else {
                    break
                }
            }
            skipSpaces()
        }
        guard peek() == "}", let first = name.first, first.isLetter else {
            position = afterCommand
            if Lexer.fonts.contains(command) { return false }
            throw SymbolicError(.parse, "expected a name in braces after '\\\(command)', as in \\\(command){tr}",
                                at: commandRange)
        }
        position += 1
        // Operator names are often capitalised (`\operatorname{Tr}`); a declared name is never changed.
        let lowercased = name.lowercased()
        if !names.contains(name), BuiltinFunction(named: name) == nil, BuiltinFunction(named: lowercased) != nil {
            name = lowercased
        }
        emitName([name], SourceRange(commandRange.lowerBound, position))
        return true
    }

    /// `\mathbf{…}`: the group's contents are read as they are; without braces the command is dropped.
    private mutating func openFont() {
        subscriptBases = []
        guard let brace = nextNonSpace(), chars[brace] == "{" else { return }
        position = brace + 1
        openings.append(.font(SourceRange(brace, position)))
    }

    /// `_{i}`, `_1`, `_\lambda` right after a name: the name with its subscript, `x_i` (or `W1` for
    /// `W_{1}` when W1 is declared). False, with nothing read, for any other subscript.
    mutating func lexSubscript() -> Bool {
        let start = position
        position += 1
        var tails: [String] = []
        if peek() == "{" {
            position += 1
            skipSpaces()
            if peek() == "\\" {
                tails = readGreekLetter()
            } else {
                let wordStart = position
                while let c = peek(), c.isLetter || c.isASCII && c.isNumber { position += 1 }
                if position > wordStart { tails = [String(chars[wordStart..<position])] }
            }
            skipSpaces()
            if peek() == "}" {
                position += 1
            } else {
                tails = []
            }
        } else if peek() == "\\" {
            tails = readGreekLetter()
        } else if let c = peek(), c.isLetter || c.isASCII && c.isNumber {
            // As in TeX, an unbraced subscript is one character: `\lambda_12` is λ₁·2.
            position += 1
            tails = [String(c)]
        }
        guard !tails.isEmpty else {
            position = start
            return false
        }
        var candidates: [String] = []
        for base in subscriptBases {
            for tail in tails {
                candidates.append(base + "_" + tail)
                if tail.allSatisfy({ $0.isASCII && $0.isNumber }) { candidates.append(base + tail) }
            }
        }
        let name = tokens.removeLast()
        spaceBefore = name.spaceBefore
        emitName(candidates, SourceRange(name.range.lowerBound, position))
        subscriptBases = []
        return true
    }

    /// `\alpha` as its spellings (`α`, `alpha`); empty, with nothing read, for another command.
    private mutating func readGreekLetter() -> [String] {
        let start = position
        position += 1
        while let c = peek(), c.isASCII && c.isLetter { position += 1 }
        let name = String(chars[(start + 1)..<position])
        guard let letter = Lexer.greekLetters[name] else {
            position = start
            return []
        }
        return [String(letter), name]
    }

    // MARK: Numbers

    /// `1.5 \cdot 10^{-7}` after the mantissa starting at `mantissa`: the number 1.5e-7, as the LaTeX
    /// printer writes it; nil, with nothing read, when no such tail follows.
    mutating func lexScientificNotation(mantissa: Int) -> Double? {
        let end = position
        func fail() -> Double? {
            position = end
            return nil
        }
        let digits = String(chars[mantissa..<end])
        skipSpaces()
        guard peek() == "\\", let times = try? readCommandName(), times == "cdot" || times == "times" else { return fail() }
        skipSpaces()
        guard peek() == "1", peek(1) == "0", peek(2) == "^" else { return fail() }
        position += 3
        let braced = peek() == "{"
        if braced { position += 1 }
        let exponentStart = position
        if braced && peek() == "-" { position += 1 }
        while let c = peek(), c.isASCII && c.isNumber, braced || position == exponentStart { position += 1 }
        let exponent = String(chars[exponentStart..<position])
        if braced {
            guard peek() == "}" else { return fail() }
            position += 1
        }
        guard exponent.last?.isNumber == true, let value = Double(digits + "e" + exponent), value.isFinite, value != 0 else {
            return fail()
        }
        return value
    }

    // MARK: Fractions

    /// Reads the start of a part of `\frac`: `{` opens it; a single letter or digit is the whole part
    /// (`\frac12`, as TeX reads it).
    private mutating func beginFraction(_ part: FractionPart, _ frac: SourceRange) throws(SymbolicError) {
        skipSpaces()
        guard let c = peek() else {
            throw SymbolicError(.parse, "missing the \(part.rawValue) of '\\frac', as in \\frac{a}{b}",
                                at: SourceRange(position, position))
        }
        let start = position
        guard c == "{" || c.isASCII && (c.isLetter || c.isNumber) else {
            throw SymbolicError(.parse, "expected the {…} \(part.rawValue) of '\\frac', as in \\frac{a}{b}",
                                at: SourceRange(start, start + 1))
        }
        position += 1
        let range = SourceRange(start, position)
        if part == .denominator {
            emit(.slash, range)
            emit(.open(.paren), range)
        }
        if c == "{" {
            openings.append(.fraction(part, frac: frac, brace: range, firstToken: tokens.count))
            return
        }
        emit(c.isNumber ? .number(Double(String(c))!) : .identifier(String(c)), range)
        try endFraction(part, frac, range)
    }

    /// Closes a part of `\frac`: `)` and the denominator after the numerator, `))` after the denominator.
    private mutating func endFraction(_ part: FractionPart, _ frac: SourceRange, _ range: SourceRange) throws(SymbolicError) {
        emit(.close(.paren), range)
        switch part {
        case .numerator: try beginFraction(.denominator, frac)
        case .denominator: emit(.close(.paren), range)
        }
    }

    // MARK: Brackets and delimiters

    /// An opening bracket (`\{` is `escaped`), remembered until it is closed.
    mutating func open(_ bracket: Bracket, _ range: SourceRange, escaped: Bool = false) {
        openings.append(.bracket(bracket, escaped: escaped, range))
        emit(.open(bracket), range)
    }

    /// A closing bracket or `}`: checked against what is open.
    mutating func close(_ bracket: Bracket, _ range: SourceRange, escaped: Bool = false) throws(SymbolicError) {
        let isGroupEnd = bracket == .brace && !escaped
        switch openings.last {
        case nil:
            // Unmatched: the parser reports it.
            emit(.close(bracket), range)
        case .bracket(let open, let openEscaped, _)?:
            if (open, openEscaped) != (bracket, escaped) && openings.contains(where: \.isLaTeX) {
                throw SymbolicError(
                    .parse, "mismatched brackets: '\(display(open, openEscaped, opening: true))' closed by "
                        + "'\(display(bracket, escaped, opening: false))'", at: range)
            }
            // Brackets that do not match outside LaTeX groups are the parser's to report.
            openings.removeLast()
            emit(.close(bracket), range)
        case .font? where isGroupEnd:
            openings.removeLast()
        case .fraction(let part, let frac, let brace, let firstToken)? where isGroupEnd:
            openings.removeLast()
            if tokens.count == firstToken {
                throw SymbolicError(.parse, "empty \(part.rawValue) in '\\frac'", at: SourceRange(brace.lowerBound, range.upperBound))
            }
            try endFraction(part, frac, range)
        case .left(let leftRange)?:
            throw SymbolicError(.parse, "unbalanced '\(text(leftRange))': no matching '\\right' before "
                                    + "'\(display(bracket, escaped, opening: false))'", at: leftRange)
        case .font?, .fraction?:
            throw SymbolicError(.parse, "unmatched '\(display(bracket, escaped, opening: false))'", at: range)
        }
    }

    private func display(_ bracket: Bracket, _ escaped: Bool, opening: Bool) -> String {
        (escaped ? "\\" : "") + String(opening ? bracket.open : bracket.close)
    }

    private func text(_ range: SourceRange) -> String { String(chars[range.lowerBound..<range.upperBound]) }

    /// `\left(`: the delimiter's token, remembered until its `\right`.
    private mutating func lexLeft(_ start: Int) throws(SymbolicError) {
        let kind = try readDelimiter(after: "\\left")
        let range = SourceRange(start, position)
        openings.append(.left(range))
        emit(kind, range)
    }

    private mutating func lexRight(_ start: Int) throws(SymbolicError) {
        let kind = try readDelimiter(after: "\\right")
        let range = SourceRange(start, position)
        switch openings.last {
        case .left?:
            openings.removeLast()
            emit(kind, range)
        case .bracket(let bracket, let escaped, let openRange)?:
            throw SymbolicError(.parse, "unbalanced '\(display(bracket, escaped, opening: true))': no matching "
                                    + "'\(display(bracket, escaped, opening: false))' before '\(text(range))'", at: openRange)
        default:
            throw SymbolicError(.parse, "'\(text(range))' without a matching '\\left'", at: range)
        }
    }

    /// The delimiter after `\left` or `\right`, as a token.
    private mutating func readDelimiter(after command: String) throws(SymbolicError) -> TokenKind {
        skipSpaces()
        let delimiterStart = position
        var kind: TokenKind?
        if peek() == "\\" {
            kind = Lexer.delimiterCommands[try readCommandName()]
        } else if let c = peek() {
            position += 1
            kind = Lexer.delimiterCharacters[c]
        }
        guard let kind else {
            throw SymbolicError(.parse, "expected a delimiter after '\(command)', like \(command)( or \(command)\\|",
                                at: SourceRange(delimiterStart, position))
        }
        return kind
    }

    /// The delimiters `\left` and `\right` take, as characters and as commands.
    static let delimiterCharacters: [Character: TokenKind] = [
        "(": .open(.paren), ")": .close(.paren), "[": .open(.square), "]": .close(.square),
        "⟨": .open(.angle), "⟩": .close(.angle), "|": .bar, "‖": .doubleBar,
    ]

    static let delimiterCommands: [String: TokenKind] = [
        "{": .open(.brace), "}": .close(.brace), "langle": .open(.angle), "rangle": .close(.angle),
        "|": .doubleBar, "Vert": .doubleBar, "lVert": .doubleBar, "rVert": .doubleBar,
        "vert": .bar, "lvert": .bar, "rvert": .bar,
    ]

    /// At the end of the input: a LaTeX group or `\left` still open is an error (open brackets are
    /// the parser's to report).
    mutating func checkClosed() throws(SymbolicError) {
        guard let innermost = openings.last(where: \.isLaTeX) else { return }
        switch innermost {
        case .left(let range):
            throw SymbolicError(.parse, "unbalanced '\(text(range))': no matching '\\right'", at: range)
        case .font(let brace):
            throw SymbolicError(.parse, "unbalanced '{': no matching '}'", at: brace)
        case .fraction(_, _, let brace, _):
            throw SymbolicError(.parse, "unbalanced '{' of '\\frac': no matching '}'", at: brace)
        case .bracket(let bracket, let escaped, let range):
            throw SymbolicError(.parse, "unbalanced '\(display(bracket, escaped, opening: true))': no matching "
                                    + "'\(display(bracket, escaped, opening: false))'", at: range)
        }
    }
}
