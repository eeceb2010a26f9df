@_exported import MatCalcTensor
