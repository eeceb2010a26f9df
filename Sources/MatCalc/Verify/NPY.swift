import Foundation
import MatCalcTensor

// Reading NumPy `.npy` files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
//
// Layout: the magic `\x93NUMPY`, a major and a minor version byte, the header length (little-endian
// UInt16 for version 1.0, UInt32 for 2.0 and 3.0), the header — a Python dict literal such as
// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, Latin-1 text for 1.0 and 2.0 and
// UTF-8 for 3.0 — and then the raw elements. Every length and size below comes from the input, so
// each is checked before it is used: no read past the end, no arithmetic that can trap, and no
// allocation larger than the bytes actually present.

/// Why a `.npy` file could not be read into a ``Tensor``.
///
/// Every case carries the file's name (its path, or the `name` given to ``decodeNPY(_:name:)``),
/// and its ``description`` says what is wrong and, where there is one, what to do about it.
public enum NPYError: Error, Equatable, CustomStringConvertible {
    /// No file exists at the path.
    case fileNotFound(file: String)
    /// The file exists but could not be read (a directory, no permission, an I/O error).
    case unreadable(file: String, reason: String)
    /// The bytes do not start with the `.npy` magic `\x93NUMPY`; `prefix` holds the first few bytes.
    case notNPY(file: String, prefix: [UInt8])
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: UInt8, minor: UInt8)
    /// The file ends inside the preamble (magic, version, header length) or the header: `expected` bytes
    /// were needed, `actual` were there.
    case truncatedHeader(file: String, expected: Int, actual: Int)
    /// The header is not the dict literal the format prescribes; `reason` says where it goes wrong.
    case malformedHeader(file: String, reason: String)
    /// The element type is not float32 or float64; `descr` is the header's `descr` string (such as `<i8`),
    /// or, for a structured dtype, its field list as written.
    case unsupportedDType(file: String, descr: String)
    /// The array is stored in Fortran (column-major) order.
    case fortranOrder(file: String)
    /// The shape has a negative dimension, or its element or byte count does not fit in `Int`.
    case invalidShape(file: String, shape: String, reason: String)
    /// The data is shorter than the shape needs: `expected` bytes, `actual` present.
    case truncatedData(file: String, shape: [Int], expected: Int, actual: Int)
    /// Bytes follow the data that the shape accounts for: `expected` bytes of data, `actual` present.
    case trailingData(file: String, shape: [Int], expected: Int, actual: Int)

    /// The file's name as the error reports it.
    public var file: String {
        switch self {
        case .fileNotFound(let file), .unreadable(let file, _), .notNPY(let file, _),
            .unsupportedVersion(let file, _, _), .truncatedHeader(let file, _, _), .malformedHeader(let file, _),
            .unsupportedDType(let file, _), .fortranOrder(let file), .invalidShape(let file, _, _),
            .truncatedData(let file, _, _, _), .trailingData(let file, _, _, _):
            return file
        }
    }

    /// What is wrong and why, naming the file.
    public var description: String {
        switch self {
        case .fileNotFound(let file):
            return "\(file): no such file"
        case .unreadable(let file, let reason):
            return "\(file): cannot be read: \(reason)"
        case .notNPY(let file, let prefix):
            let hex = prefix.isEmpty ? "it is empty" : "it starts with " + prefix.map { byteHex($0) }.joined(separator: " ")
            let zip = prefix.starts(with: [0x50, 0x4B]) ? " (it looks like a zip archive: an .npz holds several .npy files; extract one)" : ""
            return "\(file) is not a NumPy .npy file: it does not start with the magic bytes 93 4E 55 4D 50 59 (\\x93NUMPY); \(hex)\(zip)"
        case .unsupportedVersion(let file, let major, let minor):
            return "\(file) uses .npy format version \(major).\(minor); only versions 1.0, 2.0 and 3.0 are supported"
        case .truncatedHeader(let file, let expected, let actual):
            return "\(file) is truncated inside its header: the preamble and header take \(expected) bytes but the file has only \(actual)"
        case .malformedHeader(let file, let reason):
            return "\(file) has a malformed .npy header: \(reason)"
        case .unsupportedDType(let file, let descr):
            let quoted = descr.hasPrefix("[") ? descr : "'\(descr)'"
            return "\(file) holds \(dtypeDescription(descr)) (descr \(quoted)); only float32 ('<f4', '>f4') and "
                + "float64 ('<f8', '>f8') arrays are supported: convert with a.astype(np.float64)"
        case .fortranOrder(let file):
            return "\(file) is stored in Fortran (column-major) order; C (row-major) order is required: "
                + "save np.ascontiguousarray(a) instead"
        case .invalidShape(let file, let shape, let reason):
            return "\(file) has an invalid shape \(shape): \(reason)"
        case .truncatedData(let file, let shape, let expected, let actual):
            return "\(file) is truncated: shape \(shapeText(shape)) needs \(expected) bytes of data but only \(actual) follow the header"
        case .trailingData(let file, let shape, let expected, let actual):
            return "\(file) has \(actual - expected) bytes of trailing data: shape \(shapeText(shape)) needs \(expected) bytes "
                + "but \(actual) follow the header"
        }
    }
}

/// Reads the NumPy `.npy` file at `url` into a ``Tensor``.
///
/// Supports format versions 1.0, 2.0 and 3.0 and C-ordered float32 or float64 arrays of any rank,
/// in either byte order (big-endian data is byte-swapped). `float32` data gives a `.float32`
/// tensor and `float64` data a `.float64` one; a 0-d array gives a rank-0 tensor.
///
/// - Parameter url: A file URL.
/// - Returns: The array, with the file's shape.
/// - Throws: ``NPYError``: the file is missing or unreadable, or its contents are not a supported
///   `.npy` array (see ``decodeNPY(_:name:)``). Errors name the file by its path.
public func loadNPY(contentsOf url: URL) throws -> Tensor {
    let name = url.isFileURL ? url.path : url.absoluteString
    var isDirectory: ObjCBool = false
    if url.isFileURL {
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw NPYError.fileNotFound(file: name)
        }
        if isDirectory.boolValue { throw NPYError.unreadable(file: name, reason: "it is a directory") }
    }
    let data: Data
    do {
        data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
        throw NPYError.unreadable(file: name, reason: error.localizedDescription)
    }
    return try decodeNPY(data, name: name)
}

/// Parses the bytes of a NumPy `.npy` file into a ``Tensor``.
///
/// A pure function of its input: it never reads past the end of `data`, never traps on arithmetic,
/// and never allocates more than the data present can fill, whatever the bytes are.
///
/// - Parameters:
///   - data: The whole file: preamble, header and data, nothing after.
///   - name: How errors name the input.
/// - Returns: A `.float32` or `.float64` tensor of the header's shape.
/// - Throws: ``NPYError`` when the magic or version is wrong, the header is truncated or not a valid
///   dict, the dtype is not float32/float64, the array is Fortran-ordered, the shape is negative or
///   too large, or the data is shorter or longer than the shape needs.
public func decodeNPY(_ data: Data, name: String = "<data>") throws -> Tensor {
    let bytes = [UInt8](data)
    return try NPYDecoder(bytes: bytes, name: name).decode()
}

// MARK: - Decoding

private struct NPYDecoder {
    let bytes: [UInt8]
    let name: String

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    func decode() throws -> Tensor {
        // Magic: compare what is there, so that a short file which is a prefix of the magic counts as truncated.
        let magicPrefixLength = min(bytes.count, Self.magic.count)
        guard bytes[0..<magicPrefixLength].elementsEqual(Self.magic[0..<magicPrefixLength]), !bytes.isEmpty else {
            throw NPYError.notNPY(file: name, prefix: Array(bytes.prefix(8)))
        }
        guard bytes.count >= 8 else { throw NPYError.truncatedHeader(file: name, expected: 10, actual: bytes.count) }
        let major = bytes[6], minor = bytes[7]
        guard minor == 0, (1...3).contains(major) else {
            throw NPYError.unsupportedVersion(file: name, major: major, minor: minor)
        }

        // Header length.
        let lengthSize = major == 1 ? 2 : 4
        let headerStart = 8 + lengthSize
        guard bytes.count >= headerStart else {
            throw NPYError.truncatedHeader(file: name, expected: headerStart, actual: bytes.count)
        }
        var headerLength = 0
        for i in 0..<lengthSize { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let dataStart = headerStart + headerLength  // at most 12 + (2³² − 1): no overflow in a 64-bit Int
        guard bytes.count >= dataStart else {
            throw NPYError.truncatedHeader(file: name, expected: dataStart, actual: bytes.count)
        }

        // Header text: Latin-1 for 1.0 and 2.0 (every byte is one scalar), UTF-8 for 3.0.
        let headerBytes = bytes[headerStart..<dataStart]
        let scalars: [Unicode.Scalar]
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else {
                throw NPYError.malformedHeader(file: name, reason: "the version 3.0 header is not valid UTF-8")
            }
            scalars = Array(text.unicodeScalars)
        } else {
            scalars = headerBytes.map { Unicode.Scalar($0) }
        }
        let header = try parseHeader(scalars)

        // Element type.
        guard case .string(let descr) = header.descr else {
            throw NPYError.unsupportedDType(file: name, descr: header.descrSource)  // a structured dtype's field list
        }
        guard let element = ElementType(descr: descr) else { throw NPYError.unsupportedDType(file: name, descr: descr) }

        // Order.
        guard case .bool(let fortran) = header.fortranOrder else {
            throw NPYError.malformedHeader(
                file: name, reason: "'fortran_order' must be True or False, not \(header.fortranOrderSource)")
        }
        if fortran { throw NPYError.fortranOrder(file: name) }

        // Shape: every dimension a non-negative Int, and the product of the non-zero ones, in bytes, an Int,
        // so that no later product of dimensions (counts, strides) can overflow either.
        guard case .tuple(let dimensionValues) = header.shape else {
            throw NPYError.malformedHeader(
                file: name, reason: "'shape' must be a tuple of integers such as (3, 4), not \(header.shapeSource)")
        }
        var shape: [Int] = []
        for value in dimensionValues {
            guard case .integer(let text) = value.kind else {
                throw NPYError.malformedHeader(
                    file: name, reason: "'shape' must be a tuple of integers such as (3, 4), not \(header.shapeSource)")
            }
            guard let dimension = Int(text) else {
                throw NPYError.invalidShape(
                    file: name, shape: header.shapeSource, reason: "dimension \(text) does not fit in a 64-bit integer")
            }
            guard dimension >= 0 else {
                throw NPYError.invalidShape(file: name, shape: header.shapeSource, reason: "dimension \(dimension) is negative")
            }
            shape.append(dimension)
        }
        var nonZeroBytes = element.size
        for dimension in shape where dimension != 0 {
            let (product, overflow) = nonZeroBytes.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw NPYError.invalidShape(
                    file: name, shape: header.shapeSource,
                    reason: "its size in bytes (\(element.size) per element) does not fit in a 64-bit integer")
            }
            nonZeroBytes = product
        }
        let byteCount = shape.contains(0) ? 0 : nonZeroBytes
        let count = byteCount / element.size

        // Data: exactly the bytes the shape needs, checked before anything is allocated.
        let available = bytes.count - dataStart
        if available < byteCount {
            throw NPYError.truncatedData(file: name, shape: shape, expected: byteCount, actual: available)
        }
        if available > byteCount {
            throw NPYError.trailingData(file: name, shape: shape, expected: byteCount, actual: available)
        }
        switch element.kind {
        case .float32:
            let values = bytes.withUnsafeBytes { raw in
                (0..<count).map { i in
                    let bits = raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self)
                    return Float(bitPattern: element.bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits))
                }
            }
            return Tensor(shape: shape, scalars: values)
        case .float64:
            let values = bytes.withUnsafeBytes { raw in
                (0..<count).map { i in
                    let bits = raw.loadUnaligned(fromByteOffset: dataStart + 8 * i, as: UInt64.self)
                    return Double(bitPattern: element.bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits))
                }
            }
            return Tensor(shape: shape, scalars: values)
        }
    }

    func parseHeader(_ scalars: [Unicode.Scalar]) throws -> Header {
        var parser = LiteralParser(scalars: scalars)
        let value: LiteralParser.Value
        do {
            parser.skipWhitespace()
            value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.atEnd else { throw LiteralParser.Failure("unexpected text after the dict at offset \(parser.position)") }
        } catch let failure as LiteralParser.Failure {
            throw NPYError.malformedHeader(file: name, reason: failure.message)
        }
        guard case .dict(let entries) = value.kind else {
            throw NPYError.malformedHeader(file: name, reason: "the header is not a dict literal {...}")
        }
        var seen: [String: LiteralParser.Value] = [:]
        for (key, entry) in entries {
            guard seen[key] == nil else {
                throw NPYError.malformedHeader(file: name, reason: "the key '\(key)' appears twice")
            }
            guard ["descr", "fortran_order", "shape"].contains(key) else {
                throw NPYError.malformedHeader(
                    file: name, reason: "unexpected key '\(key)' (the keys are 'descr', 'fortran_order' and 'shape')")
            }
            seen[key] = entry
        }
        guard let descr = seen["descr"], let fortranOrder = seen["fortran_order"], let shape = seen["shape"] else {
            let missing = ["descr", "fortran_order", "shape"].filter { seen[$0] == nil }.map { "'\($0)'" }
            throw NPYError.malformedHeader(file: name, reason: "missing key \(missing.joined(separator: ", "))")
        }
        return Header(
            descr: descr.kind, descrSource: descr.source, fortranOrder: fortranOrder.kind,
            fortranOrderSource: fortranOrder.source, shape: shape.kind, shapeSource: shape.source)
    }
}

private struct Header {
    var descr: LiteralParser.Kind
    var descrSource: String
    var fortranOrder: LiteralParser.Kind
    var fortranOrderSource: String
    var shape: LiteralParser.Kind
    var shapeSource: String
}

private struct ElementType {
    enum Kind { case float32, float64 }
    var kind: Kind
    var size: Int
    /// Whether the data is big-endian.
    var bigEndian: Bool

    init?(descr: String) {
        let scalars = Array(descr.unicodeScalars)
        guard scalars.count == 3, scalars[1] == "f" else { return nil }
        switch scalars[0] {
        case "<": bigEndian = false
        case ">": bigEndian = true
        case "=": bigEndian = UInt16(bigEndian: 1) == 1  // the host's order
        default: return nil
        }
        switch scalars[2] {
        case "4": kind = .float32; size = 4
        case "8": kind = .float64; size = 8
        default: return nil
        }
    }
}

// MARK: - The header's Python literal

/// A parser of the Python literals a `.npy` header uses: dicts, tuples, lists, strings, integers,
/// `True`, `False` and `None`. Nesting is bounded, so no input can exhaust the stack.
private struct LiteralParser {
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    indirect enum Kind {
        case string(String)
        /// An integer's digits with their sign, unconverted: it may not fit in `Int`.
        case integer(String)
        case bool(Bool)
        case none
        case tuple([Value])
        case list([Value])
        case dict([(String, Value)])
    }

    struct Value {
        var kind: Kind
        /// The text the value was parsed from, for messages.
        var source: String
    }

    static let maximumDepth = 32

    let scalars: [Unicode.Scalar]
    var position = 0

    var atEnd: Bool { position >= scalars.count }
    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    mutating func skipWhitespace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" || c == "\u{0B}" {
            position += 1
        }
    }

    func describeCurrent() -> String {
        guard let c = current else { return "the end of the header" }
        let shown: String
        switch c.value {
        case 0x22: shown = "'\"'"
        case 0x21...0x7E: shown = "\"\(c)\""
        default:
            let hex = String(c.value, radix: 16, uppercase: true)
            shown = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return "\(shown) at offset \(position)"
    }

    mutating func expect(_ c: Unicode.Scalar) throws {
        skipWhitespace()
        guard current == c else { throw Failure("expected '\(c)' but found \(describeCurrent())") }
        position += 1
    }

    mutating func parseValue(depth: Int) throws -> Value {
        guard depth < Self.maximumDepth else { throw Failure("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        let start = position
        guard let c = current else { throw Failure("expected a value but found the end of the header") }
        let kind: Kind
        switch c {
        case "{": kind = .dict(try parseDict(depth: depth))
        case "(": kind = try parseParenthesized(depth: depth)
        case "[": kind = .list(try parseSequence(close: "]", depth: depth).values)
        case "'", "\"": kind = .string(try parseString())
        case "-", "+", "0"..."9": kind = .integer(try parseInteger())
        default:
            if matchWord("True") {
                kind = .bool(true)
            } else if matchWord("False") {
                kind = .bool(false)
            } else if matchWord("None") {
                kind = .none
            } else {
                throw Failure("expected a value but found \(describeCurrent())")
            }
        }
        var source = String(String.UnicodeScalarView(scalars[start..<position]))
        if source.unicodeScalars.count > 80 { source = String(source.prefix(77)) + "..." }
        return Value(kind: kind, source: source)
    }

    mutating func matchWord(_ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        guard position + w.count <= scalars.count, Array(scalars[position..<position + w.count]) == w else { return false }
        if position + w.count < scalars.count {
            let next = scalars[position + w.count]
            if next.properties.isAlphabetic || next == "_" || ("0"..."9").contains(next) { return false }
        }
        position += w.count
        return true
    }

    mutating func parseDict(depth: Int) throws -> [(String, Value)] {
        position += 1  // {
        var entries: [(String, Value)] = []
        while true {
            skipWhitespace()
            if current == "}" { position += 1; return entries }
            let key = try parseValue(depth: depth + 1)
            guard case .string(let name) = key.kind else { throw Failure("dict key \(key.source) is not a string") }
            try expect(":")
            let value = try parseValue(depth: depth + 1)
            entries.append((name, value))
            skipWhitespace()
            if current == "," { position += 1; continue }
            if current == "}" { position += 1; return entries }
            throw Failure("expected ',' or '}' in the dict but found \(describeCurrent())")
        }
    }

    /// `(` … `)`: a tuple, unless it holds one value and no comma, which is that value in parentheses.
    mutating func parseParenthesized(depth: Int) throws -> Kind {
        let (values, sawComma) = try parseSequence(close: ")", depth: depth)
        if values.count == 1, !sawComma { return values[0].kind }
        return .tuple(values)
    }

    mutating func parseSequence(close: Unicode.Scalar, depth: Int) throws -> (values: [Value], sawComma: Bool) {
        position += 1  // ( or [
        var values: [Value] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == close { position += 1; return (values, sawComma) }
            values.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == "," { position += 1; sawComma = true; continue }
            if current == close { position += 1; return (values, sawComma) }
            throw Failure("expected ',' or '\(close)' but found \(describeCurrent())")
        }
    }

    mutating func parseString() throws -> String {
        guard let quote = current else { throw Failure("expected a string") }
        position += 1
        var result = String.UnicodeScalarView()
        while let c = current {
            position += 1
            if c == quote { return String(result) }
            if c == "\n" { break }
            if c == "\\" {
                guard let escaped = current else { break }
                position += 1
                switch escaped {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "\\", "'", "\"": result.append(escaped)
                default: result.append("\\"); result.append(escaped)
                }
            } else {
                result.append(c)
            }
        }
        throw Failure("unterminated string starting with \(quote)")
    }

    /// An optionally signed run of digits, with Python 2's `L` suffix allowed (old files wrote `(3L, 4L)`).
    mutating func parseInteger() throws -> String {
        var text = ""
        if let sign = current, sign == "-" || sign == "+" {
            if sign == "-" { text.append("-") }
            position += 1
            skipWhitespace()
        }
        var digits = 0
        while let c = current, ("0"..."9").contains(c) {
            text.unicodeScalars.append(c)
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw Failure("expected digits but found \(describeCurrent())") }
        if current == "L" || current == "l" { position += 1 }
        if let c = current, c.properties.isAlphabetic || c == "." || c == "_" {
            throw Failure("expected an integer but found \(describeCurrent())")
        }
        return text
    }
}

// MARK: - Messages

private func byteHex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

private func shapeText(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// A short name for a NumPy type string, for the unsupported-dtype message.
private func dtypeDescription(_ descr: String) -> String {
    if descr.hasPrefix("[") { return "a structured array" }
    let scalars = Array(descr.unicodeScalars)
    guard scalars.count >= 2, ["<", ">", "=", "|"].contains(scalars[0]) else { return "an unsupported dtype" }
    let size = String(String.UnicodeScalarView(scalars.dropFirst(2)))
    let bits = Int(size).flatMap { $0.multipliedReportingOverflow(by: 8).overflow ? nil : $0 * 8 }.map(String.init) ?? size
    switch scalars[1] {
    case "f": return "float\(bits) data"
    case "i": return "int\(bits) data"
    case "u": return "uint\(bits) data"
    case "b": return "boolean data"
    case "c": return "complex\(bits) data"
    case "O": return "an object array (pickled Python objects)"
    case "U": return "a unicode string array"
    case "S", "a": return "a byte string array"
    case "V": return "a structured or void array"
    case "M": return "datetime64 data"
    case "m": return "timedelta64 data"
    default: return "an unsupported dtype"
    }
}
