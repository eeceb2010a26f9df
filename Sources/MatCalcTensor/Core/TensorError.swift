/// An error a tensor operation reports for input that is valid Swift but not valid mathematics
/// (a singular matrix) or that came from outside the program (a user's shape, a file).
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// The matrix (or one matrix of a batch) is singular to working precision.
    case singularMatrix(operation: String, shape: [Int])
    /// An argument is out of its valid range; the message says which and why.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .singularMatrix(let op, let shape):
            "\(op): the \(Shape.describe(shape)) matrix is singular (a zero pivot in its LU factorization)"
        case .invalidArgument(let message):
            message
        }
    }
}
