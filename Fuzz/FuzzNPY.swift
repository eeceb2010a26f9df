// libFuzzer target `fuzz-npy`: the `.npy` reader on arbitrary bytes.
//
// Every error must be a thrown `NPYError`; a trap, a read out of bounds, a hang or an allocation
// larger than the input is a bug. Built and run by `Fuzz/run.sh`.

import Foundation
import MatCalc

nonisolated(unsafe) private var sink = 0

/// Decodes one input and touches the tensor it gives.
func fuzzNPY(_ data: Data) -> Int {
    do {
        let tensor = try decodeNPY(data, name: "fuzz")
        return tensor.count &+ tensor.shape.reduce(0, &+) &+ tensor.shape.count
    } catch let error as NPYError {
        return error.description.utf8.count
    } catch {
        fatalError("decodeNPY threw something other than NPYError: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    sink &+= fuzzNPY(Data(bytes: data, count: size))
    return 0
}
