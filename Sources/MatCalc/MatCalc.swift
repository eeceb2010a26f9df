@_exported import MatCalcTensor
@_exported import MatCalcSymbolic
