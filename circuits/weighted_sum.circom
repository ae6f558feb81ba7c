pragma circom 2.1.0;

include "./lib/range.circom";
include "./lib/sponge.circom";

// Domain tags; keep in sync with sdk/zk/commitment.ts.
function tagCiphertext(N, J, M, S) { return 1 + N * (1 << 8) + J * (1 << 40) + M * (1 << 48) + S * (1 << 56); }
function tagInputs(K) { return 2 + K * (1 << 8); }
function tagWeights(K, T) { return 3 + K * (1 << 8) + T * (1 << 16); }
function tagSpec() { return 4; }

/// Proves that `out` is the homomorphic weighted sum Σ_i w_i · in_i of K BFV ciphertexts (2 polynomials,
/// J RNS primes, N coefficients), coefficient-wise:
///     out[p][j][k] = Σ_i w_i · in_i[p][j][k] mod q_j,   0 ≤ out < q_j,   0 ≤ w_i < T,
/// which is exactly what SEAL's multiplyPlain + add compute when every q_j > T (fast plain lift).
///
/// Ciphertexts enter packed: the flat coefficient sequence (poly → prime → coeff, SEAL's order) is cut
/// into E = ceil(2JN / M) field elements of M slots of S bits, element e = Σ_l c[eM + l] · 2^(S·l).
/// The relation is checked once per packed element,
///     Σ_i w_i · P_i[e] = Σ_l (out[eM+l] + q_(j(eM+l)) · quot[eM+l]) · 2^(S·l),
/// with out < q (BelowModulus) and quot < 2^QB (QB = bitLength(K·(T−1))). Both sides are integers below
/// 2^(S·M) < p because K·(T−1)·(q−1) < q·2^QB ≤ 2^S, so the field equation holds over the integers and,
/// by uniqueness of base-2^S digits, slot by slot. Input slots are never range-checked: inputs are fixed
/// by the requester's commitment (honestly packed, each c < q_j).
///
/// Public signals (3 — see circuits/README.md for the gas trade-off):
///   specCommitment   = Sponge(tagSpec, [Sponge(tagInputs, [ctCommit(in_0..in_{K−1})]), Sponge(tagWeights, w)])
///   outputCommitment = ctCommit(out), the same function as for inputs
///   taskBinding      = taskId · 2^160 + provider (computed by the contract; bound, not decoded)
template WeightedSum(K, N, J, primes, T, S, M) {
    var ROWS = 2 * J * N;
    var E = (ROWS + M - 1) \ M;
    var QB = bitLength(K * (T - 1));
    var TB = bitLength(T - 1);

    assert(M * S <= 252);
    for (var j = 0; j < J; j++) {
        assert(primes[j] > T);                      // fast plain lift
        assert(bitLength(primes[j]) + QB <= S);     // no slot overflow
    }

    signal input specCommitment;
    signal input outputCommitment;
    signal input taskBinding;

    signal input inputs[K][E];      // packed input ciphertexts
    signal input weights[K];        // w_i mod T
    signal input out[ROWS];         // output ciphertext coefficients, flat SEAL order
    signal input quot[ROWS];        // floor(Σ_i w_i · in_i / q_j), flat order

    // --- weights in [0, T) ---
    component wRange[K];
    for (var i = 0; i < K; i++) {
        wRange[i] = BelowConstant(T);
        wRange[i].in <== weights[i];
    }

    // --- output coefficients below their prime, quotients bounded ---
    component outRange[ROWS];
    component quotRange[ROWS];
    for (var f = 0; f < ROWS; f++) {
        outRange[f] = BelowModulus(primes[(f \ N) % J]);
        outRange[f].in <== out[f];
        quotRange[f] = Num2Bits(QB);
        quotRange[f].in <== quot[f];
    }

    // --- the relation, one equation per packed element ---
    signal outPacked[E];
    signal prod[E][K];
    for (var e = 0; e < E; e++) {
        var outAcc = 0;
        var rhs = 0;
        for (var l = 0; l < M; l++) {
            var f = e * M + l;
            if (f < ROWS) {
                outAcc += out[f] * (1 << (S * l));
                rhs += quot[f] * primes[(f \ N) % J] * (1 << (S * l));
            }
        }
        outPacked[e] <== outAcc;
        var lhs = 0;
        for (var i = 0; i < K; i++) {
            prod[e][i] <== weights[i] * inputs[i][e];
            lhs += prod[e][i];
        }
        lhs === outPacked[e] + rhs;
    }

    // --- commitments ---
    component ctCommit[K];
    component inputsCommit = PoseidonSponge(K, tagInputs(K));
    for (var i = 0; i < K; i++) {
        ctCommit[i] = PoseidonSponge(E, tagCiphertext(N, J, M, S));
        for (var e = 0; e < E; e++) ctCommit[i].in[e] <== inputs[i][e];
        inputsCommit.in[i] <== ctCommit[i].out;
    }
    component weightsCommit = PoseidonSponge(K, tagWeights(K, T));
    for (var i = 0; i < K; i++) weightsCommit.in[i] <== weights[i];

    component spec = PoseidonSponge(2, tagSpec());
    spec.in[0] <== inputsCommit.out;
    spec.in[1] <== weightsCommit.out;
    spec.out === specCommitment;

    component outCommit = PoseidonSponge(E, tagCiphertext(N, J, M, S));
    for (var e = 0; e < E; e++) outCommit.in[e] <== outPacked[e];
    outCommit.out === outputCommitment;

    // Bind taskBinding into a constraint so the proof cannot be re-targeted (Semaphore-style).
    signal bindingSquared <== taskBinding * taskBinding;
}
