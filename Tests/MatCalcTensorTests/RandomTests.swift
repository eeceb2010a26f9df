import Foundation
import Testing
@testable import MatCalcTensor

// MARK: - Golden data (torch 2.13.0+cpu, glibc 2.36; see /work/shared/torch/SPEC.md §7)

private struct GoldenFile: Decodable {
    let cases: [GoldenCase]
}

private struct GoldenCase: Decodable {
    let name: String
    let capability: String
    let ops: [GoldenOp]
    let outputs: [GoldenOutput]
}

private struct GoldenOp: Decodable {
    let op: String
    let seed: Int64?
    let shape: [Int]?
    let dtype: String?
    let low: Int64?
    let high: Int64?
}

private struct GoldenOutput: Decodable {
    let shape: [Int]
    let dtype: String
    let bits: [String]
}

private func loadGolden() throws -> GoldenFile {
    let url = try #require(
        Bundle.module.url(forResource: "golden_randn", withExtension: "json", subdirectory: "Resources"))
    return try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url))
}

/// The golden spelling of each element: `0x%08x` / `0x%016x` bit patterns, decimal for int64.
private func bitStrings(_ t: Tensor) -> [String] {
    func hex<I: BinaryInteger>(_ v: I, digits: Int) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: digits - s.count) + s
    }
    switch t.storage {
    case .float32(let v): return v.map { hex($0.bitPattern, digits: 8) }
    case .float64(let v): return v.map { hex($0.bitPattern, digits: 16) }
    case .int64(let v): return v.map { String($0) }
    case .bool(let v): return v.map { String($0) }
    }
}

/// Runs one case's ops in order on one generator; returns the tensors of the non-seed ops.
private func run(_ ops: [GoldenOp], kernel: NormalKernel) throws -> [Tensor] {
    let g = Generator()
    var outputs: [Tensor] = []
    for op in ops {
        switch op.op {
        case "manual_seed":
            g.manualSeed(try #require(op.seed))
        case "randn":
            let dtype = try #require(DType(name: op.dtype ?? "float32"))
            outputs.append(Tensor.randn(try #require(op.shape), dtype: dtype, generator: g, kernel: kernel))
        case "rand":
            let dtype = try #require(DType(name: op.dtype ?? "float32"))
            outputs.append(Tensor.rand(try #require(op.shape), dtype: dtype, generator: g))
        case "randint":
            outputs.append(
                Tensor.randint(
                    low: try #require(op.low), high: try #require(op.high), shape: try #require(op.shape), generator: g))
        default:
            Issue.record("unknown op \(op.op)")
        }
    }
    return outputs
}

@Suite struct RandomGoldenTests {
    @Test func allGoldenCasesBitExact() throws {
        let golden = try loadGolden()
        #expect(golden.cases.count == 95)
        var compared = 0
        var mismatches = 0
        var byCapability: [String: Int] = [:]
        for c in golden.cases {
            byCapability[c.capability, default: 0] += 1
            // "any" and "avx2" cases were made by the AVX2 build; "default" by the portable kernel.
            let kernel: NormalKernel = c.capability == "default" ? .libm : .avx2
            let outputs = try run(c.ops, kernel: kernel)
            try #require(outputs.count == c.outputs.count, "\(c.name): op count")
            for (got, expected) in zip(outputs, c.outputs) {
                #expect(got.shape == expected.shape, "\(c.name): shape")
                #expect(got.dtype.torchName == "torch." + expected.dtype, "\(c.name): dtype")
                let bits = bitStrings(got)
                try #require(bits.count == expected.bits.count, "\(c.name): element count")
                for (i, (b, e)) in zip(bits, expected.bits).enumerated() {
                    compared += 1
                    if b != e {
                        mismatches += 1
                        if mismatches <= 20 { Issue.record("\(c.name)[\(i)]: got \(b), expected \(e)") }
                    }
                }
            }
        }
        #expect(byCapability == ["any": 44, "avx2": 36, "default": 15])
        #expect(compared == 4390)
        #expect(mismatches == 0)
    }
}

// MARK: - Engine and uniforms (SPEC §1, §2)

@Suite struct MT19937Tests {
    @Test func seed5489MatchesStdMt19937() {
        var e = MT19937(seed: 5489)
        #expect(e.random() == 3_499_211_612)
    }

    @Test func seedZeroStateAndStream() {
        var e = MT19937(seed: 0)
        #expect(Array(e.state[0..<4]) == [0x0, 0x1, 0x6C07_8967, 0x714A_CB41])
        let expected: [UInt32] = [
            2_357_136_044, 2_546_248_239, 3_071_714_933, 3_626_093_760, 2_588_848_963, 3_684_848_379,
            2_340_255_427, 3_638_918_503, 1_819_583_497, 2_678_185_683, 2_774_094_101, 1_650_906_866,
            1_879_422_756, 1_277_901_399, 3_830_135_878, 243_580_376, 4_138_900_056,
        ]
        #expect((0..<expected.count).map { _ in e.random() } == expected)
    }

    @Test func random64HighHalfFirst() {
        var e = MT19937(seed: 0)
        #expect(e.random64() == 0x8C7F_0AAC_97C4_AA2F)
        #expect(e.random64() == 0xB716_A675_D821_CCC0)
    }

    @Test func streamCrossesTwist() {
        // The 10000th output of std::mt19937 with the default seed is 4123659995 (C++ standard).
        var e = MT19937(seed: 5489)
        for _ in 0..<9999 { _ = e.random() }
        #expect(e.random() == 4_123_659_995)
    }

    @Test func uniforms() {
        let g = Generator(seed: 0)
        #expect(g.uniformFloat() == 0.49625658988952637)
        let h = Generator(seed: 0)
        #expect(h.uniformDouble() == 0.9700530018065531)
        #expect(h.uniformDouble() == 0.707819864399788)
    }

    @Test func uniformsUseLowBits() {
        // float32: the low 24 bits of one draw; float64: the low 53 bits of one 64-bit draw.
        var s = GeneratorState(seed: 0)
        let f = s.uniformFloat()
        #expect(f == Float(2_357_136_044 & 0x00FF_FFFF as UInt32) * 0x1p-24)
        #expect(f != Float(2_357_136_044 >> 8 as UInt32) * 0x1p-24)
        let d = s.uniformDouble()
        let r64: UInt64 = (2_546_248_239 << 32) | 3_071_714_933
        #expect(d == Double(r64 & 0x001F_FFFF_FFFF_FFFF) * 0x1p-53)
        #expect(d != Double(r64 >> 11) * 0x1p-53)
        #expect(s.random() == 3_626_093_760)
    }
}

// MARK: - Seeding (SPEC §1.2)

@Suite struct SeedingTests {
    private func stream(_ g: Generator, _ n: Int = 700) -> [UInt32] { (0..<n).map { _ in g.random() } }

    @Test func onlyLow32BitsSeedTheEngine() {
        let a = Generator(seed: UInt64(1) << 32 + 5)
        let b = Generator(seed: 5)
        #expect(stream(a) == stream(b))
        #expect(a.initialSeed == 4_294_967_301)
        #expect(b.initialSeed == 5)
        #expect(stream(Generator(seed: 6)) != stream(Generator(seed: 5)))
    }

    @Test func negativeSeedsWrap() {
        let minusOne = Generator(seed: -1)
        #expect(minusOne.initialSeed == UInt64.max)
        #expect(stream(minusOne) == stream(Generator(seed: UInt32.max)))
        #expect(Generator(seed: Int64.min).initialSeed == 1 << 63)
        #expect(Generator(seed: UInt64.max).initialSeed == UInt64.max)
    }

    @Test func defaultSeedAndReseeding() {
        let g = Generator()
        #expect(g.initialSeed == 67_280_421_310_721)
        #expect(stream(Generator()) == stream(Generator(seed: 67_280_421_310_721)))
        var engine = MT19937(seed: UInt32(truncatingIfNeeded: 67_280_421_310_721 as UInt64))
        #expect(g.random() == engine.random())
        // manualSeed restarts the stream and clears the cached normal.
        g.manualSeed(0)
        let first = Tensor.randn([1], generator: g)
        g.manualSeed(0)
        #expect(Tensor.randn([1], generator: g) == first)
        #expect(g.manualSeed(Int64(-1)).initialSeed == UInt64.max)
    }

    @Test func processDefaultGeneratorAndFreeFunctions() {
        // The only test that touches the process-wide generator (tests run in parallel).
        manualSeed(0)
        #expect(initialSeed() == 0)
        #expect(Tensor.randn(3).scalars(as: Float.self) == [1.5409960746765137, -0.293428897857666, -2.1787893772125244])
        #expect(Tensor.randint(high: 10, shape: [4]).scalars(as: Int64.self) != [4, 9, 3, 0])  // stream moved on
        manualSeed(Int64(0))
        #expect(Tensor.randint(high: 10, shape: [4]).scalars(as: Int64.self) == [4, 9, 3, 0])
        manualSeed(UInt64.max)
        #expect(initialSeed() == UInt64.max)
        manualSeed(-1)
        #expect(initialSeed() == UInt64.max)
        #expect(Generator.default === manualSeed(7))
    }
}

// MARK: - randn (SPEC §3)

@Suite struct RandnTests {
    @Test func smallPathWorkedExample() {
        let g = Generator(seed: 0)
        let x = Tensor.randn([3], generator: g)
        #expect(x.shape == [3] && x.dtype == .float32)
        #expect(x.scalars(as: Float.self) == [1.5409960746765137, -0.293428897857666, -2.1787893772125244])
        // The same draws in double: element 0 is r·cos θ, element 1 the cached r·sin θ.
        let d = Tensor.randn([2], dtype: .float64, generator: Generator(seed: 0))
        #expect(d.scalars(as: Double.self) == [1.5409961082440433, -0.2934289057609464])
        let (c, s) = GeneratorState.boxMuller(u1: 0.9700530018065531, u2: 0.707819864399788)
        #expect(c == 1.5409961082440433 && s == -0.2934289057609464)
    }

    @Test func vectorPathWorkedExample() {
        let x = Tensor.randn([16], generator: Generator(seed: 0)).scalars(as: Float.self)
        #expect(x[0].bitPattern == 0xBF90_1B85)
        #expect(x[8].bitPattern == 0x3EA5_0138)
        #expect(x[0] == -1.1258398294448853 && x[8] == 0.32227492332458496)
    }

    @Test func cephesPiecesOfWorkedExample() {
        #expect(Cephes.log(Float(bitPattern: 0x3F00_F554)).bitPattern == 0xBF2F_8944)
        let theta = Cephes.twoPi * Float(0.455627977848053)
        #expect(theta.bitPattern == 0x4037_3809)
        let (s, c) = Cephes.sinCos(theta)
        #expect(c == -0.961387038230896)
        #expect(s == 0.275199830532074)
        #expect(Cephes.twoPi == Float(2 * Double.pi))
        #expect(Cephes.log(1) == 0 && Cephes.log(0).isNaN && Cephes.log(-1).isNaN)
    }

    /// x = randn(10, 4), W = randn(4, 4), y = randn(10, 4) after seed 0 use stream positions
    /// 0–55, 56–71, 72–127 (float64: twice as many 32-bit draws).
    @Test(arguments: [(DType.float32, [56, 16, 56]), (DType.float64, [112, 32, 112])])
    func streamPositionsXWY(dtype: DType, draws: [Int]) {
        let g = Generator(seed: 0)
        let shapes = [[10, 4], [4, 4], [10, 4]]
        var position = 0
        for (shape, n) in zip(shapes, draws) {
            _ = Tensor.randn(shape, dtype: dtype, generator: g)
            position += n
            var reference = MT19937(seed: 0)
            for _ in 0..<position { _ = reference.random() }
            let probe = Generator(seed: 0)
            for _ in 0..<position { _ = probe.random() }
            #expect(g.withState { $0.engine } == reference, "after \(shape): \(position) draws")
            #expect(probe.random() == reference.random())
        }
    }

    /// Inside x = randn(10, 4): elements 0–15 = chunk(draws 0–15), 16–23 = cosine half of
    /// chunk(draws 16–31), draws 32–39 wasted, 24–39 = chunk(draws 40–55).
    @Test(arguments: NormalKernel.allCases)
    func tailRecomputesLastSixteenWithFreshDraws(kernel: NormalKernel) {
        let x = Tensor.randn([10, 4], generator: Generator(seed: 0), kernel: kernel).scalars(as: Float.self)
        var e = MT19937(seed: 0)
        let u = (0..<56).map { _ in Float(e.random() & 0x00FF_FFFF) * 0x1p-24 }
        func chunk(_ from: Int) -> [Float] {
            var d = Array(u[from..<from + 16])
            d.withUnsafeMutableBufferPointer { b in
                switch kernel {
                case .avx2: NormalKernels.chunkAVX2(b.baseAddress!)
                case .libm: NormalKernels.chunkLibm(b.baseAddress!)
                }
            }
            return d
        }
        #expect(Array(x[0..<16]) == chunk(0))
        #expect(Array(x[16..<24]) == Array(chunk(16)[0..<8]))
        #expect(Array(x[24..<40]) == chunk(40))
        #expect(Array(x[24..<40]) != chunk(24))
    }

    @Test func emptyTensorsDrawNothing() {
        let g = Generator(seed: 0)
        #expect(Tensor.randn([0], generator: g).shape == [0])
        #expect(Tensor.randn([2, 0, 3], dtype: .float64, generator: g).shape == [2, 0, 3])
        #expect(Tensor.rand([0], generator: g).isEmpty)
        #expect(Tensor.randint(low: 0, high: 3, shape: [0, 5], generator: g).shape == [0, 5])
        #expect(g.random() == 2_357_136_044)
    }

    @Test func rankZeroDrawsOne() {
        let t = Tensor.randn([], generator: Generator(seed: 0))
        #expect(t.shape == [] && t.item(as: Float.self) == 1.5409960746765137)
        #expect(Tensor.randn(generator: Generator(seed: 0)) == t)
    }

    @Test func cachePersistsAcrossVectorCallsAndDtypes() {
        let g = Generator(seed: 0)
        _ = Tensor.randn([3], generator: g)  // 2 pairs (8 draws), cache holds pair 2's sine
        let vector = Tensor.randn([16], generator: g)  // 16 draws, cache untouched
        let cached = Tensor.randn([1], dtype: .float64, generator: g).item(as: Double.self)
        var e = MT19937(seed: 0)
        for _ in 0..<4 { _ = e.random() }
        let u1 = Double(e.random64() & 0x001F_FFFF_FFFF_FFFF) * 0x1p-53
        let u2 = Double(e.random64() & 0x001F_FFFF_FFFF_FFFF) * 0x1p-53
        #expect(cached == GeneratorState.boxMuller(u1: u1, u2: u2).sin)
        #expect(g.withState { $0.cachedNormalDouble } == nil)
        // The vector call used draws 8–23.
        let fresh = Generator(seed: 0)
        for _ in 0..<8 { _ = fresh.random() }
        #expect(Tensor.randn([16], generator: fresh) == vector)
        #expect(g.random() == fresh.random())
    }

    @Test func negativeZeroBecomesPositive() {
        // u1 = 1 - 0 gives log 0 = 0 and radius sqrt(-0.0) = -0.0, so the raw products are -0.0
        // for an angle of 0; the "* std + mean" step must return +0.0.
        for kernel in NormalKernel.allCases {
            var f = [Float](repeating: 0, count: 16)
            f.withUnsafeMutableBufferPointer { b in
                switch kernel {
                case .avx2: NormalKernels.chunkAVX2(b.baseAddress!)
                case .libm: NormalKernels.chunkLibm(b.baseAddress!)
                }
            }
            #expect(f.allSatisfy { $0.bitPattern == 0 }, "\(kernel)")
        }
        var d = [Double](repeating: 0, count: 16)
        d.withUnsafeMutableBufferPointer { NormalKernels.chunkDouble($0.baseAddress!) }
        #expect(d.allSatisfy { $0.bitPattern == 0 })
        var s = GeneratorState(seed: 0)
        s.cachedNormalDouble = -0.0
        #expect(s.nextNormalDouble().bitPattern == 0)
        #expect((-2 * Cephes.log(1)).squareRoot().sign == .minus)  // the -0.0 really occurs
    }

    @Test func kernelsDifferOnlyForLargeFloat32() {
        let avx = Tensor.randn([100], generator: Generator(seed: 0), kernel: .avx2).scalars(as: Float.self)
        let lib = Tensor.randn([100], generator: Generator(seed: 0), kernel: .libm).scalars(as: Float.self)
        #expect(zip(avx, lib).filter { $0 != $1 }.count == 39)  // SPEC §0, glibc
        #expect(zip(avx, lib).allSatisfy { abs($0 - $1) < 2e-6 })
        for shape in [[15], [3, 5]] {
            #expect(
                Tensor.randn(shape, generator: Generator(seed: 1), kernel: .avx2)
                    == Tensor.randn(shape, generator: Generator(seed: 1), kernel: .libm))
        }
        #expect(
            Tensor.randn([40], dtype: .float64, generator: Generator(seed: 1), kernel: .avx2)
                == Tensor.randn([40], dtype: .float64, generator: Generator(seed: 1), kernel: .libm))
    }

    @Test func variadicShapes() {
        let a = Tensor.randn(10, 4, generator: Generator(seed: 3))
        #expect(a.shape == [10, 4])
        #expect(a == Tensor.randn([10, 4], generator: Generator(seed: 3)))
        #expect(Tensor.rand(2, 3, dtype: .float64, generator: Generator(seed: 3)).shape == [2, 3])
    }

    @Test func concurrentOpsAreAtomic() async {
        let g = Generator(seed: 0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 { _ = Tensor.randn([16], generator: g) }
                }
            }
        }
        var e = MT19937(seed: 0)
        for _ in 0..<(8 * 50 * 16) { _ = e.random() }
        #expect(g.random() == e.random())
    }
}

// MARK: - rand and randint (SPEC §4)

@Suite struct RandAndRandintTests {
    @Test func randFloat32AndFloat64() {
        let f = Tensor.rand([2, 2], generator: Generator(seed: 0))
        #expect(f.dtype == .float32 && f.shape == [2, 2])
        #expect(f.scalars(as: Float.self)[0] == 0.49625658988952637)
        let d = Tensor.rand([2], dtype: .float64, generator: Generator(seed: 0))
        #expect(d.scalars(as: Double.self) == [0.9700530018065531, 0.707819864399788])
        // rand ignores and keeps the normal cache.
        let g = Generator(seed: 0)
        _ = Tensor.randn([1], generator: g)
        _ = Tensor.rand([5], generator: g)
        #expect(g.withState { $0.cachedNormalDouble } != nil)
    }

    @Test func randintWorkedExample() {
        let t = Tensor.randint(low: 0, high: 10, shape: [4], generator: Generator(seed: 0))
        #expect(t.dtype == .int64 && t.shape == [4])
        #expect(t.scalars(as: Int64.self) == [4, 9, 3, 0])
        #expect(2_357_136_044 % 10 == 4)
    }

    @Test func randintThresholdIs2Pow28() {
        let narrow = Generator(seed: 0)
        let a = Tensor.randint(low: 0, high: (1 << 28) - 1, shape: [3], generator: narrow)
        #expect(a.scalars(as: Int64.self) == [2_357_136_044, 2_546_248_239, 3_071_714_933].map { $0 % ((1 << 28) - 1) })
        let wide = Generator(seed: 0)
        let b = Tensor.randint(low: -5, high: (1 << 28) - 5, shape: [1], generator: wide)
        #expect(b.scalars(as: Int64.self) == [Int64((0x8C7F_0AAC_97C4_AA2F as UInt64) % (1 << 28)) - 5])
        #expect(narrow.random() == 3_626_093_760)
        #expect(wide.random() == 3_071_714_933)
    }

    @Test func randintFullInt64Range() {
        let t = Tensor.randint(low: .min, high: .max, shape: [64], generator: Generator(seed: 9))
        #expect(t.scalars(as: Int64.self).allSatisfy { $0 < .max })
        let small = Tensor.randint(low: -5, high: 5, shape: [200], generator: Generator(seed: 9))
        #expect(small.scalars(as: Int64.self).allSatisfy { (-5..<5).contains($0) })
        #expect(Set(small.scalars(as: Int64.self)).count == 10)
    }

    @Test func randintRejectsEmptyRange() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.randint(low: 5, high: 5, shape: [1])
        }
        await #expect(processExitsWith: .failure) {
            _ = Tensor.randn([2], dtype: .int64)
        }
    }
}
