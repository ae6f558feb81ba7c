// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title MockGroth16Verifier
 * @notice Test double with the ABI of a snarkjs Groth16 verifier for 3 public signals.
 * @dev Returns true only when `accept` is set and the received signals hash to `expectedSignalsHash`
 * (`keccak256(abi.encode(uint256[3]))`), or any signals when that hash is zero. Lets tests check that the
 * market binds the commitments and `(taskId << 160) | provider` into the public signals. `revertMode` makes it revert.
 */
contract MockGroth16Verifier {
    /// @notice Whether {verifyProof} may return true.
    bool public accept;
    /// @notice Whether {verifyProof} reverts.
    bool public revertMode;
    /// @notice Required `keccak256(abi.encode(pubSignals))`; zero accepts any signals.
    bytes32 public expectedSignalsHash;

    /// @notice Thrown by {verifyProof} while `revertMode` is set.
    error MockGroth16Verifier__RevertMode();

    /// @notice Deploys the mock.
    /// @param accept_ Initial value of `accept`.
    constructor(bool accept_) {
        accept = accept_;
    }

    /// @notice Sets whether {verifyProof} may return true.
    /// @param accept_ The new value of `accept`.
    function setAccept(bool accept_) external {
        accept = accept_;
    }

    /// @notice Sets whether {verifyProof} reverts.
    /// @param revertMode_ The new value of `revertMode`.
    function setRevertMode(bool revertMode_) external {
        revertMode = revertMode_;
    }

    /// @notice Sets the signals hash {verifyProof} requires (zero accepts any signals).
    /// @param h The new value of `expectedSignalsHash`.
    function setExpectedSignalsHash(bytes32 h) external {
        expectedSignalsHash = h;
    }

    /// @notice Mock of the snarkjs verifier entry point; the proof points are ignored.
    /// @param pubSignals The 3 public signals.
    /// @return True when `accept` is set and the signals match `expectedSignalsHash` (or it is zero).
    function verifyProof(
        uint256[2] calldata,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[3] calldata pubSignals
    ) external view returns (bool) {
        if (revertMode) revert MockGroth16Verifier__RevertMode();
        if (!accept) return false;
        bytes32 h = expectedSignalsHash;
        return h == bytes32(0) || keccak256(abi.encode(pubSignals)) == h;
    }
}
