// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IVerifierRegistry
 * @notice Maps a circuit id to the snarkjs-generated Groth16 verifier that checks its proofs.
 * @dev A snarkjs verifier exposes `verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[N] pubSignals)`
 * with `N` fixed per circuit. Because `uint[N]` is a static ABI type, the registry calls any `N`
 * generically: the selector of `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N])` followed by
 * the 8 proof words and the `N` signals, through a `staticcall`. A revert, a short return or `false`
 * all mean "invalid proof".
 */
interface IVerifierRegistry {
    /// @notice A registered circuit.
    /// @param verifier The Groth16 verifier contract.
    /// @param numPublicInputs The number of public signals `N` the verifier takes.
    /// @param selector The selector of `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N])`.
    /// @param active Whether proofs for the circuit are accepted.
    struct Circuit {
        address verifier;
        uint16 numPublicInputs;
        bytes4 selector;
        bool active;
    }

    /// @notice Emitted when a circuit is registered.
    /// @param circuitId The circuit id.
    /// @param verifier The verifier contract.
    /// @param numPublicInputs The number of public signals.
    event CircuitRegistered(bytes32 indexed circuitId, address indexed verifier, uint256 numPublicInputs);

    /// @notice Emitted when a circuit is activated or deactivated.
    /// @param circuitId The circuit id.
    /// @param active The new state.
    event CircuitActiveSet(bytes32 indexed circuitId, bool active);

    /// @notice Thrown when a circuit id is already registered.
    /// @param circuitId The circuit id.
    error VerifierRegistry__CircuitExists(bytes32 circuitId);

    /// @notice Thrown when a circuit id is not registered.
    /// @param circuitId The circuit id.
    error VerifierRegistry__UnknownCircuit(bytes32 circuitId);

    /// @notice Thrown when a proof is checked against a registered but deactivated circuit.
    /// @param circuitId The circuit id.
    error VerifierRegistry__CircuitInactive(bytes32 circuitId);

    /// @notice Thrown when the verifier address has no code.
    /// @param verifier The address given.
    error VerifierRegistry__NotAContract(address verifier);

    /// @notice Thrown when the number of public inputs is zero or above the registry's maximum.
    /// @param numPublicInputs The number given.
    /// @param max The maximum accepted.
    error VerifierRegistry__InvalidNumPublicInputs(uint256 numPublicInputs, uint256 max);

    /// @notice Thrown when the signals passed to {verify} do not match the circuit's count.
    /// @param circuitId The circuit id.
    /// @param given The number of signals given.
    /// @param expected The circuit's number of public inputs.
    error VerifierRegistry__SignalCountMismatch(bytes32 circuitId, uint256 given, uint256 expected);

    /// @notice Thrown when the circuit id is zero or an address argument is the zero address.
    error VerifierRegistry__ZeroValue();

    /// @notice Registers `circuitId` → `verifier` taking `numPublicInputs` signals. Requires REGISTRAR_ROLE.
    /// @dev A circuit id is never re-pointed: a new verifier for the same statement gets a new id, so a task
    /// created against one verifier is never checked by another.
    /// @param circuitId The circuit id; must be non-zero and not yet registered.
    /// @param verifier The Groth16 verifier contract; must have code.
    /// @param numPublicInputs The number of public signals the verifier takes (`1 ≤ N ≤` the registry maximum).
    function registerCircuit(bytes32 circuitId, address verifier, uint16 numPublicInputs) external;

    /// @notice Activates or deactivates a circuit. Requires REGISTRAR_ROLE.
    /// @param circuitId The circuit id; must be registered.
    /// @param active True to accept proofs for the circuit, false to reject them.
    function setCircuitActive(bytes32 circuitId, bool active) external;

    /// @notice Checks a Groth16 proof for `circuitId`.
    /// @param circuitId The circuit id; must be registered and active.
    /// @param proof The proof as `[a0, a1, b00, b01, b10, b11, c0, c1]` (snarkjs `exportSolidityCallData` order).
    /// @param pubSignals The public signals; their count must equal the circuit's.
    /// @return valid True only if the verifier returned `true`.
    function verify(
        bytes32 circuitId,
        uint256[8] calldata proof,
        uint256[] calldata pubSignals
    ) external view returns (bool valid);

    /// @notice The registered data of `circuitId` (all zero when unknown).
    /// @param circuitId The circuit id.
    /// @return The circuit's verifier, number of public inputs, selector and active flag.
    function circuit(bytes32 circuitId) external view returns (Circuit memory);
}
