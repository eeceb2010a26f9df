import Foundation
import MatCalc
import Testing

/// Reading NumPy `.npy` files: fixtures written by NumPy 2.4 (`Resources/npy/`), and crafted bytes.
@Suite struct NPYTests {
    // MARK: - Helpers

    static func fixtureURL(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Resources/npy"))
    }

    static func fixture(_ name: String) throws -> Tensor { try loadNPY(contentsOf: fixtureURL(name)) }

    static func fixtureBytes(_ name: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: fixtureURL(name))) }

    /// A `.npy` file of `version` with `header` (a newline is appended) followed by `data`.
    static func craft(_ header: String, version: UInt8 = 1, data: [UInt8] = []) -> Data {
        let text = [UInt8]((header + "\n").utf8)
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        if version == 1 {
            bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
        } else {
            bytes += (0..<4).map { UInt8((text.count >> (8 * $0)) & 0xFF) }
        }
        return Data(bytes + text + data)
    }

    /// The little-endian bytes of `values` as float64.
    static func f8(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
    }

    /// The error `body` throws, which must be an `NPYError`.
    static func npyError(_ body: () throws -> Tensor) -> NPYError? {
        do {
            _ = try body()
            return nil
        } catch let error as NPYError {
            return error
        } catch {
            Issue.record("not an NPYError: \(error)")
            return nil
        }
    }

    // MARK: - Fixtures written by NumPy

    @Test func float32Matrix() throws {
        let t = try Self.fixture("f32_2d")
        #expect(t.dtype == .float32)
        #expect(t.shape == [2, 3])
        #expect(t.scalars(as: Float.self) == [1.5, -2.25, 0.1, 3.0, 0.0, -7.75])
    }

    @Test func float64Vector() throws {
        let t = try Self.fixture("f64_1d")
        #expect(t.dtype == .float64)
        #expect(t.shape == [5])
        #expect(t.scalars(as: Double.self) == [0.1, -1.0, 2.5, 1e-300, .infinity])
    }

    @Test func zeroDimensionalScalar() throws {
        let t = try Self.fixture("scalar")
        #expect(t.dtype == .float64)
        #expect(t.shape == [])
        #expect(t.scalars(as: Double.self) == [3.25])
    }

    @Test func threeDimensional() throws {
        let t = try Self.fixture("f64_3d")  // np.arange(24).reshape(2, 3, 4) / 4 - 1
        #expect(t.dtype == .float64)
        #expect(t.shape == [2, 3, 4])
        #expect(
            t.scalars(as: Double.self) == [
                -1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75,
                2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75, 4.0, 4.25, 4.5, 4.75,
            ])
    }

    @Test func emptyArray() throws {
        let t = try Self.fixture("empty_0x3")
        #expect(t.dtype == .float64)
        #expect(t.shape == [0, 3])
        #expect(t.count == 0)
    }

    @Test func bigEndianIsByteSwapped() throws {
        let d = try Self.fixture("bigendian_f8")
        #expect(d.dtype == .float64)
        #expect(d.shape == [2, 2])
        #expect(d.scalars(as: Double.self) == [1.0, -2.5, 1e10, 0.125])
        let f = try Self.fixture("bigendian_f4")
        #expect(f.dtype == .float32)
        #expect(f.shape == [3])
        #expect(f.scalars(as: Float.self) == [0.5, -3.0, 65504.0])
    }

    @Test func versions2And3() throws {
        let v2 = try Self.fixture("v2_f8")
        #expect(v2.shape == [2, 2])
        #expect(v2.scalars(as: Double.self) == [1.0, 2.0, 3.0, 4.5])
        let v3 = try Self.fixture("v3_f4")
        #expect(v3.dtype == .float32)
        #expect(v3.scalars(as: Float.self) == [-1.0, 0.25])
    }

    @Test func fortranOrderIsRefused() throws {
        let url = try Self.fixtureURL("fortran")
        let error = Self.npyError { try loadNPY(contentsOf: url) }
        #expect(error == .fortranOrder(file: url.path))
        let message = error?.description ?? ""
        #expect(message.contains(url.path))
        #expect(message.contains("C (row-major) order is required"))
        #expect(message.contains("np.ascontiguousarray"))
    }

    @Test(arguments: [
        ("int64", "<i8", "int64 data"),
        ("object", "|O", "object array"),
        ("complex", "<c16", "complex128 data"),
        ("float16", "<f2", "float16 data"),
        ("structured", "[('a', '<f4'), ('b', '<f8')]", "structured array"),
    ])
    func unsupportedDTypes(name: String, descr: String, what: String) throws {
        let url = try Self.fixtureURL(name)
        let error = Self.npyError { try loadNPY(contentsOf: url) }
        #expect(error == .unsupportedDType(file: url.path, descr: descr))
        let message = error?.description ?? ""
        #expect(message.contains(url.path))
        #expect(message.contains(what))
        #expect(message.contains(descr))
        #expect(message.contains("float32") && message.contains("float64"))
    }

    @Test func missingFileAndDirectory() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("matcalc-no-such-\(UUID()).npy")
        let error = Self.npyError { try loadNPY(contentsOf: missing) }
        #expect(error == .fileNotFound(file: missing.path))
        #expect(error?.description.contains(missing.path) == true)

        let directory = try Self.fixtureURL("scalar").deletingLastPathComponent()
        let dirError = Self.npyError { try loadNPY(contentsOf: directory) }
        #expect(dirError == .unreadable(file: directory.path, reason: "it is a directory"))
    }

    // MARK: - Crafted bytes

    @Test func badMagic() {
        #expect(Self.npyError { try decodeNPY(Data("hello, world".utf8), name: "h.npy") }
            == .notNPY(file: "h.npy", prefix: Array("hello, w".utf8)))
        #expect(Self.npyError { try decodeNPY(Data(), name: "e.npy") } == .notNPY(file: "e.npy", prefix: []))
        let zip = Self.npyError { try decodeNPY(Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0]), name: "a.npz") }
        #expect(zip == .notNPY(file: "a.npz", prefix: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0]))
        #expect(zip?.description.contains("a.npz is not a NumPy .npy file") == true)
        #expect(zip?.description.contains("zip archive") == true)
    }

    @Test func unsupportedVersions() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"
        for (major, minor) in [(UInt8(0), UInt8(0)), (4, 0), (1, 1), (255, 255)] {
            var bytes = [UInt8](Self.craft(header, data: Self.f8([1])))
            bytes[6] = major
            bytes[7] = minor
            let error = Self.npyError { try decodeNPY(Data(bytes), name: "v.npy") }
            #expect(error == .unsupportedVersion(file: "v.npy", major: major, minor: minor))
            #expect(error?.description.contains("version \(major).\(minor)") == true)
        }
    }

    /// Every proper prefix of a valid file throws a truncation error (or, for the empty prefix, not-npy).
    @Test(arguments: ["f32_2d", "f64_3d", "scalar", "empty_0x3", "bigendian_f4", "v2_f8", "v3_f4"])
    func everyPrefixThrows(name: String) throws {
        let bytes = try Self.fixtureBytes(name)
        #expect(throws: Never.self) { try decodeNPY(Data(bytes)) }
        for length in 0..<bytes.count {
            let error = Self.npyError { try decodeNPY(Data(bytes[0..<length]), name: "p.npy") }
            switch error {
            case .notNPY: #expect(length == 0)
            case .truncatedHeader, .truncatedData: break
            default: Issue.record("prefix of \(length) bytes: \(String(describing: error))")
            }
        }
    }

    /// A `Data` slice whose indices do not start at zero decodes like the bytes themselves.
    @Test func sliceOfLargerData() throws {
        let bytes = try Self.fixtureBytes("f32_2d")
        let padded = Data([1, 2, 3] + bytes + [4, 5])
        let t = try decodeNPY(padded[3..<(3 + bytes.count)])
        #expect(t.scalars(as: Float.self) == [1.5, -2.25, 0.1, 3.0, 0.0, -7.75])
    }

    @Test func truncatedData() {
        let data = Self.craft("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: Self.f8([1, 2, 3, 4, 5]))
        let error = Self.npyError { try decodeNPY(data, name: "t.npy") }
        #expect(error == .truncatedData(file: "t.npy", shape: [2, 3], expected: 48, actual: 40))
        #expect(error?.description == "t.npy is truncated: shape (2, 3) needs 48 bytes of data but only 40 follow the header")
    }

    @Test func trailingDataIsRefused() {
        let data = Self.craft("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data: Self.f8([1, 2, 3]) + [0, 0])
        let error = Self.npyError { try decodeNPY(data, name: "x.npy") }
        #expect(error == .trailingData(file: "x.npy", shape: [3], expected: 24, actual: 26))
        #expect(error?.description == "x.npy has 2 bytes of trailing data: shape (3,) needs 24 bytes but 26 follow the header")
    }

    /// Shapes whose size cannot be represented, or which the data cannot fill, are refused before allocating.
    @Test func hugeAndNegativeShapes() {
        func decode(_ shape: String, _ descr: String = "<f8", data: [UInt8] = []) -> NPYError? {
            Self.npyError {
                try decodeNPY(Self.craft("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }", data: data), name: "s.npy")
            }
        }
        let sizeReason = "its size in bytes (8 per element) does not fit in a 64-bit integer"
        #expect(decode("(4611686018427387904, 4)") == .invalidShape(file: "s.npy", shape: "(4611686018427387904, 4)", reason: sizeReason))
        #expect(decode("(4611686018427387904,)") == .invalidShape(file: "s.npy", shape: "(4611686018427387904,)", reason: sizeReason))
        #expect(decode("(0, 4611686018427387904, 4)") == .invalidShape(file: "s.npy", shape: "(0, 4611686018427387904, 4)", reason: sizeReason))
        #expect(decode("(9223372036854775807,)", "<f4") == .invalidShape(
            file: "s.npy", shape: "(9223372036854775807,)", reason: "its size in bytes (4 per element) does not fit in a 64-bit integer"))
        #expect(decode("(99999999999999999999999, 1)") == .invalidShape(
            file: "s.npy", shape: "(99999999999999999999999, 1)", reason: "dimension 99999999999999999999999 does not fit in a 64-bit integer"))
        #expect(decode("(-1, 3)") == .invalidShape(file: "s.npy", shape: "(-1, 3)", reason: "dimension -1 is negative"))
        // Representable, but far more than the 16 bytes present: refused from the sizes alone.
        #expect(decode("(1099511627776, 1024)", data: Self.f8([1, 2])) == .truncatedData(
            file: "s.npy", shape: [1_099_511_627_776, 1024], expected: 9_007_199_254_740_992, actual: 16))
        // Zero-size arrays with large (representable) other dimensions are fine.
        #expect(throws: Never.self) {
            let t = try decodeNPY(Self.craft("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 0), }"))
            #expect(t.shape == [1_000_000_000, 0])
        }
    }

    @Test func flexibleHeaderSyntax() throws {
        let data = Self.f8([1, 2, 3, 4, 5, 6])
        for header in [
            "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
            "{ \"descr\" :\"<f8\",\n\t'fortran_order' : False ,'shape':( 2 ,3 , ) , }",
            "{'descr': '=f8', 'fortran_order': False, 'shape': (2L, 3L), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}      \t ",
        ] {
            let t = try decodeNPY(Self.craft(header, data: data))
            #expect(t.shape == [2, 3], "\(header)")
            #expect(t.scalars(as: Double.self) == [1, 2, 3, 4, 5, 6], "\(header)")
        }
        let higher = try decodeNPY(Self.craft("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1, 3, 1), }", data: data))
        #expect(higher.shape == [1, 2, 1, 3, 1])
        let v3 = try decodeNPY(Self.craft("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", version: 3, data: Self.f8([7])))
        #expect(v3.scalars(as: Double.self) == [7])
    }

    @Test(arguments: [
        ("", "expected a value but found the end of the header"),
        ("{", "expected a value but found the end of the header"),
        ("[1, 2]", "the header is not a dict literal {...}"),
        ("{'descr': '<f8', 'fortran_order': False}", "missing key 'shape'"),
        ("{'descr': '<f8' 'fortran_order': False, 'shape': ()}", "expected ',' or '}' in the dict but found \"'\" at offset 16"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (), 'extra': 1}", "unexpected key 'extra' (the keys are 'descr', 'fortran_order' and 'shape')"),
        ("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}", "the key 'descr' appears twice"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", "'shape' must be a tuple of integers such as (3, 4), not [2]"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (5)}", "'shape' must be a tuple of integers such as (3, 4), not (5)"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}", "expected an integer but found \".\" at offset 52"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': ('2',)}", "'shape' must be a tuple of integers such as (3, 4), not ('2',)"),
        ("{'descr': '<f8', 'fortran_order': 'no', 'shape': ()}", "'fortran_order' must be True or False, not 'no'"),
        ("{'descr': '<f8, 'fortran_order': False, 'shape': ()}", "expected ',' or '}' in the dict but found \"f\" at offset 17"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': ()} x", "unexpected text after the dict at offset 54"),
        ("{'descr': '<f8', 'fortran_order': Falsey, 'shape': ()}", "expected a value but found \"F\" at offset 34"),
        ("{1: 2}", "dict key 1 is not a string"),
        ("{'descr': '<f8',\u{1} 'fortran_order': False, 'shape': ()}", "expected a value but found U+0001 at offset 16"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': ('2)}", "unterminated string starting with '"),
        (String(repeating: "(", count: 100), "nesting deeper than 32 levels"),
    ])
    func malformedHeaders(header: String, reason: String) {
        let error = Self.npyError { try decodeNPY(Self.craft(header), name: "m.npy") }
        #expect(error == .malformedHeader(file: "m.npy", reason: reason))
        #expect(error?.description.hasPrefix("m.npy has a malformed .npy header: ") == true)
    }

    /// Version 3.0 headers are UTF-8; 1.0 and 2.0 headers are Latin-1.
    @Test func headerEncodings() {
        let header = "{'descr': 'ü', 'fortran_order': False, 'shape': (), }"
        #expect(Self.npyError { try decodeNPY(Self.craft(header, version: 3), name: "u.npy") }
            == .unsupportedDType(file: "u.npy", descr: "ü"))
        #expect(Self.npyError { try decodeNPY(Self.craft(header, version: 1), name: "u.npy") }
            == .unsupportedDType(file: "u.npy", descr: "Ã¼"))
    }

    @Test func version3HeaderMustBeUTF8() {
        var bytes = [UInt8](Self.craft("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", version: 3, data: Self.f8([1])))
        bytes[13] = 0xFF  // inside the header text
        #expect(Self.npyError { try decodeNPY(Data(bytes), name: "u.npy") }
            == .malformedHeader(file: "u.npy", reason: "the version 3.0 header is not valid UTF-8"))
    }

    @Test func hugeHeaderLengthIsTruncation() {
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        bytes += Array("{'descr': '<f8'}".utf8)
        #expect(Self.npyError { try decodeNPY(Data(bytes), name: "h.npy") }
            == .truncatedHeader(file: "h.npy", expected: 12 + 0xFFFF_FFFF, actual: bytes.count))
    }

    /// Random byte mutations of valid files: each decodes or throws an `NPYError`, and never traps.
    @Test func mutatedBytesNeverCrash() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for name in ["f32_2d", "f64_3d", "v2_f8", "v3_f4", "scalar"] {
            let original = try Self.fixtureBytes(name)
            for _ in 0..<400 {
                var bytes = original
                for _ in 0..<(1 + next() % 4) {
                    let index = next() % bytes.count
                    bytes[index] = [0x00, 0xFF, 0x28, 0x29, 0x2C, 0x2D, 0x27, 0x39, UInt8(truncatingIfNeeded: next())][next() % 9]
                }
                if next() % 4 == 0 { bytes.removeLast(next() % bytes.count) }
                do {
                    _ = try decodeNPY(Data(bytes))
                } catch is NPYError {
                } catch {
                    Issue.record("not an NPYError: \(error)")
                }
            }
        }
    }
}
