// The homework, in Swift: the same program as homework.py beside this file, printing the same text.
//
// f = tr((relu(X W) − Y)ᵀ (relu(X W) − Y)) = ‖relu(X W) − Y‖²_F. Autograd's gradients are compared with
// the closed forms derived by hand with the differential/trace method:
//   ∂f/∂W = 2 Xᵀ [(relu(X W) − Y) ⊙ 1{X W > 0}],  ∂f/∂Y = −2 (relu(X W) − Y),
//   ∂f/∂X = 2 [(relu(X W) − Y) ⊙ 1{X W > 0}] Wᵀ.
import MatCalc

manualSeed(0)
let X = Tensor.randn(10, 4).requiringGrad()
let W = Tensor.randn(4, 4).requiringGrad()
let Y = Tensor.randn(10, 4).requiringGrad()
var f = (X.matmul(W).relu() - Y).t().matmul(X.matmul(W).relu() - Y)
f = f.trace()
try f.backward(retainGraph: true)
print(W.grad!)
print(Y.grad!)
print(X.grad!)
// Python's `2 * X.t() @ M` is `(2 * X.t()) @ M`: same precedence, left to right.
let gradW = (2 * X.t()).matmul((X.matmul(W).relu() - Y) * (X.matmul(W) > 0))
let gradY = -2 * (X.matmul(W).relu() - Y)
let gradX = (2 * ((X.matmul(W).relu() - Y) * (X.matmul(W) > 0))).matmul(W.t())
print(gradW)
print(gradY)
print(gradX)
print(W.grad!.allclose(gradW))
print(Y.grad!.allclose(gradY))
print(X.grad!.allclose(gradX))
