pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

/// Poseidon chain over a fixed-length vector: h_0 = tag; h_{r+1} = PoseidonEx(chunk_r, initialState = h_r)
/// with chunks of 16 elements (the last one shorter, never padded — the length is fixed by the circuit).
/// Matches `poseidonSponge` in sdk/zk/commitment.ts. ≈ 38 constraints per element.
template PoseidonSponge(len, tag) {
    signal input in[len];
    signal output out;

    var rounds = (len + 15) \ 16;
    component h[rounds];
    for (var r = 0; r < rounds; r++) {
        var size = len - 16 * r;
        if (size > 16) size = 16;
        h[r] = PoseidonEx(size, 1);
        if (r == 0) {
            h[r].initialState <== tag;
        } else {
            h[r].initialState <== h[r - 1].out[0];
        }
        for (var i = 0; i < size; i++) h[r].inputs[i] <== in[16 * r + i];
    }
    out <== h[rounds - 1].out[0];
}
