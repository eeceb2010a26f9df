/// Cephes-style float32 `log` and `sincos`, evaluated exactly as PyTorch's AVX2 normal kernel
/// evaluates them (SPEC §3.5): every `*`, `+`, `-` is one binary32 operation, and the fused
/// multiply-adds are exactly those GCC formed in the official Linux x86-64 build.
///
/// `fma(a, b, c)` is written `c.addingProduct(a, b)` (one rounding). Every plain operation is a
/// separate statement so that nothing else is fused or reassociated.
enum Cephes {
    // Constants by bit pattern (the decimal spellings are in SPEC §3.5).
    @inline(__always) static var sqrtHalf: Float { Float(bitPattern: 0x3F35_04F3) }  // 0.70710677
    @inline(__always) static var p0: Float { Float(bitPattern: 0x3D90_21BB) }  // 0.070376836
    @inline(__always) static var p1: Float { Float(bitPattern: 0xBDEB_D1B8) }  // -0.1151461
    @inline(__always) static var p2: Float { Float(bitPattern: 0x3DEF_251A) }  // 0.116769984
    @inline(__always) static var p3: Float { Float(bitPattern: 0xBDFE_5D4F) }  // -0.12420141
    @inline(__always) static var p4: Float { Float(bitPattern: 0x3E11_E9BF) }  // 0.14249323
    @inline(__always) static var p5: Float { Float(bitPattern: 0xBE2A_AE50) }  // -0.16668057
    @inline(__always) static var p6: Float { Float(bitPattern: 0x3E4C_CEAC) }  // 0.20000714
    @inline(__always) static var p7: Float { Float(bitPattern: 0xBE7F_FFFC) }  // -0.24999994
    @inline(__always) static var p8: Float { Float(bitPattern: 0x3EAA_AAAA) }  // 0.3333333
    @inline(__always) static var q1: Float { Float(bitPattern: 0xB95E_8083) }  // -2.1219444e-4
    @inline(__always) static var q2: Float { Float(bitPattern: 0x3F31_8000) }  // 0.693359375
    @inline(__always) static var fourOverPi: Float { Float(bitPattern: 0x3FA2_F983) }  // 1.2732395
    @inline(__always) static var dp1: Float { Float(bitPattern: 0xBF49_0000) }  // -0.78515625
    @inline(__always) static var dp2: Float { Float(bitPattern: 0xB97D_A000) }  // -2.4187565e-4
    @inline(__always) static var dp3: Float { Float(bitPattern: 0xB322_2169) }  // -3.774895e-8
    @inline(__always) static var s0: Float { Float(bitPattern: 0xB94C_A1F9) }  // -1.9515296e-4
    @inline(__always) static var s1: Float { Float(bitPattern: 0x3C08_839E) }  // 0.008332161
    @inline(__always) static var s2: Float { Float(bitPattern: 0xBE2A_AAA3) }  // -0.16666655
    @inline(__always) static var c0: Float { Float(bitPattern: 0x37CC_F5CE) }  // 2.4433157e-5
    @inline(__always) static var c1: Float { Float(bitPattern: 0xBAB6_061A) }  // -0.0013887316
    @inline(__always) static var c2: Float { Float(bitPattern: 0x3D2A_AAA5) }  // 0.041666646
    /// 2π rounded to float32, 6.2831855 (the kernel's angle factor).
    @inline(__always) static var twoPi: Float { Float(bitPattern: 0x40C9_0FDB) }

    /// Natural logarithm as the AVX2 kernel computes it. Exact for its use in `randn`, where
    /// `x ∈ [2^-24, 1]`; `x <= 0` gives NaN and subnormal `x` is raised to `2^-126` first.
    @inline(__always)
    static func log(_ input: Float) -> Float {
        if input.isNaN { return input }
        let invalid = input <= 0
        let clamped = max(input, Float.leastNormalMagnitude)
        // Split x = m · 2^e with m in [0.5, 1); e is a small integer, so all float steps are exact.
        let bits = clamped.bitPattern
        var e = Float(Int32(bitPattern: bits >> 23) - 127)
        e = e + 1
        let m = Float(bitPattern: (bits & 0x807F_FFFF) | 0x3F00_0000)
        var x: Float
        if m < sqrtHalf {
            // Use 2m - 1 with e - 1, keeping x in [sqrt(1/2) - 1, sqrt(2) - 1).
            e = e - 1
            let t = m - 1
            x = t + m
        } else {
            x = m - 1
        }
        let z = x * x
        var y = p0
        y = p1.addingProduct(y, x)
        y = p2.addingProduct(y, x)
        y = p3.addingProduct(y, x)
        y = p4.addingProduct(y, x)
        y = p5.addingProduct(y, x)
        y = p6.addingProduct(y, x)
        y = p7.addingProduct(y, x)
        y = p8.addingProduct(y, x)
        y = y * x
        let eq1 = e * q1
        y = eq1.addingProduct(y, z)  // fma(y, z, e*q1)
        let halfZ = z * 0.5
        y = y - halfZ
        var r = x + y
        let eq2 = e * q2
        r = r + eq2
        return invalid ? .nan : r
    }

    /// `(sin θ, cos θ)` as the AVX2 kernel's `sincos` computes them; exact for the kernel's
    /// inputs `θ ∈ [0, 2π)`. Requires `|θ| · 4/π < 2^31`.
    @inline(__always)
    static func sinCos(_ theta: Float) -> (sin: Float, cos: Float) {
        var signSin = theta.sign == .minus
        let a = theta.magnitude
        // Octant index, rounded up to even: j ∈ {0, 2, 4, 6, 8} for θ in [0, 2π).
        let scaled = a * fourOverPi
        var j = Int32(scaled)  // truncation toward zero, like the SIMD conversion
        j = (j &+ 1) & ~1
        let y = Float(j)
        // "Extended precision" range reduction x = a - j·π/4 in three fused steps.
        var x = a.addingProduct(y, dp1)
        x = x.addingProduct(y, dp2)
        x = x.addingProduct(y, dp3)
        let swapSin = j & 4 != 0
        signSin = signSin != swapSin
        let useSinPolyForSin = j & 2 == 0
        let negCos = (j &- 2) & 4 == 0
        let z = x * x
        // Cosine polynomial: 1 - z/2 + z²·(c0·z² + c1·z + c2).
        var pc = c1.addingProduct(c0, z)
        pc = c2.addingProduct(pc, z)
        pc = pc * z
        let halfZ = z * 0.5
        pc = (-halfZ).addingProduct(pc, z)  // fma(pc, z, -(z*0.5))
        pc = pc + 1
        // Sine polynomial: x + x·z·(s0·z² + s1·z + s2).
        var ps = s1.addingProduct(s0, z)
        ps = s2.addingProduct(ps, z)
        ps = ps * z
        ps = x.addingProduct(ps, x)  // fma(ps, x, x)
        var s = useSinPolyForSin ? ps : pc
        var c = useSinPolyForSin ? pc : ps
        // Negation flips only the sign bit, like the kernel's XOR with the sign mask.
        if signSin { s = -s }
        if negCos { c = -c }
        return (s, c)
    }
}
