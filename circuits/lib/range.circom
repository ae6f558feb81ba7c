pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

/// Number of bits of x (0 for 0). Compile-time helper.
function bitLength(x) {
    var n = 0;
    var v = x;
    while (v > 0) {
        n++;
        v = v >> 1;
    }
    return n;
}

/// Constrains 0 ≤ in < q for a constant q = 2^B − c with 1 ≤ c < 2^h (RNS primes sit just below a
/// power of two). Cost: B + 3 constraints, plus h when the low h bits of q − 1 are not all zero.
///
/// q − 1 = [B − h ones][L], L = 2^h − c − 1. So in ≤ q − 1 ⟺ the high B − h bits of in are not all
/// ones, or they are and low(in) ≤ L ⟺ low(in) + c < 2^h.
template BelowModulus(q) {
    signal input in;

    var B = bitLength(q);
    var c = (1 << B) - q;
    var h = bitLength(c);
    var L = (1 << h) - c - 1;
    assert(c >= 1 && h < B);

    component bits = Num2Bits(B);
    bits.in <== in;

    var high = 0;
    for (var i = h; i < B; i++) high += bits.out[i] * (1 << (i - h));
    var low = 0;
    for (var i = 0; i < h; i++) low += bits.out[i] * (1 << i);

    component isTop = IsZero();
    isTop.in <== high - ((1 << (B - h)) - 1);

    if (L == 0) {
        // q − 1 = [ones][zeros]: when the top is all ones the low bits must be zero.
        isTop.out * low === 0;
    } else {
        signal guarded <== isTop.out * (low + c);
        component lowRange = Num2Bits(h);
        lowRange.in <== guarded;
    }
}

/// Constrains 0 ≤ in < bound for a constant bound ≥ 2 (two n-bit decompositions, n = bitLength(bound − 1)).
template BelowConstant(bound) {
    signal input in;
    var n = bitLength(bound - 1);
    component a = Num2Bits(n);
    a.in <== in;
    component b = Num2Bits(n);
    b.in <== bound - 1 - in;
}
