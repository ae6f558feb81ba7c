// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";

/**
 * @title VerifierRegistry
 * @notice Governance-curated registry of Groth16 verifiers, one per circuit id.
 * @dev Roles: DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, REGISTRAR_ROLE — all held by the timelock, so a new
 * circuit arrives only through a governance proposal.
 */
contract VerifierRegistry is Initializable, AccessControlUpgradeable, UUPSUpgradeable, IVerifierRegistry {
    /// @custom:storage-location erc7201:cloudai.storage.VerifierRegistry
    struct VerifierRegistryStorage {
        mapping(bytes32 circuitId => Circuit) circuits;
    }

    /// @notice Role allowed to register and (de)activate circuits.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice Role allowed to upgrade the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @notice Upper bound on a circuit's public inputs (keeps calldata building bounded).
    uint256 public constant MAX_PUBLIC_INPUTS = 64;

    // keccak256(abi.encode(uint256(keccak256("cloudai.storage.VerifierRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VERIFIER_REGISTRY_STORAGE_LOCATION =
        0xaa96d9daae478f20aa9e842d3c2a91fea846a28389a5ab619d8f60d3f2994f00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param admin Receives DEFAULT_ADMIN_ROLE, UPGRADER_ROLE and REGISTRAR_ROLE (the timelock).
     */
    function initialize(address admin) external initializer {
        if (admin == address(0)) revert VerifierRegistry__ZeroValue();
        __AccessControl_init();
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    /// @inheritdoc IVerifierRegistry
    function registerCircuit(
        bytes32 circuitId,
        address verifier,
        uint16 numPublicInputs
    ) external onlyRole(REGISTRAR_ROLE) {
        if (circuitId == bytes32(0) || verifier == address(0)) revert VerifierRegistry__ZeroValue();
        if (verifier.code.length == 0) revert VerifierRegistry__NotAContract(verifier);
        if (numPublicInputs == 0 || numPublicInputs > MAX_PUBLIC_INPUTS) {
            revert VerifierRegistry__InvalidNumPublicInputs(numPublicInputs, MAX_PUBLIC_INPUTS);
        }
        VerifierRegistryStorage storage $ = _getVerifierRegistryStorage();
        if ($.circuits[circuitId].verifier != address(0)) revert VerifierRegistry__CircuitExists(circuitId);
        bytes4 selector = bytes4(
            keccak256(
                abi.encodePacked(
                    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
                    Strings.toString(numPublicInputs),
                    "])"
                )
            )
        );
        $.circuits[circuitId] = Circuit({
            verifier: verifier,
            numPublicInputs: numPublicInputs,
            selector: selector,
            active: true
        });
        emit CircuitRegistered(circuitId, verifier, numPublicInputs);
        emit CircuitActiveSet(circuitId, true);
    }

    /// @inheritdoc IVerifierRegistry
    function setCircuitActive(bytes32 circuitId, bool active) external onlyRole(REGISTRAR_ROLE) {
        Circuit storage c = _getVerifierRegistryStorage().circuits[circuitId];
        if (c.verifier == address(0)) revert VerifierRegistry__UnknownCircuit(circuitId);
        c.active = active;
        emit CircuitActiveSet(circuitId, active);
    }

    /// @inheritdoc IVerifierRegistry
    function verify(
        bytes32 circuitId,
        uint256[8] calldata proof,
        uint256[] calldata pubSignals
    ) external view returns (bool valid) {
        Circuit memory c = _getVerifierRegistryStorage().circuits[circuitId];
        if (c.verifier == address(0)) revert VerifierRegistry__UnknownCircuit(circuitId);
        if (!c.active) revert VerifierRegistry__CircuitInactive(circuitId);
        if (pubSignals.length != c.numPublicInputs) {
            revert VerifierRegistry__SignalCountMismatch(circuitId, pubSignals.length, c.numPublicInputs);
        }
        // Static ABI encoding: selector ‖ 8 proof words ‖ N signal words.
        bytes memory data = abi.encodePacked(c.selector, proof, pubSignals);
        (bool ok, bytes memory ret) = c.verifier.staticcall(data);
        if (!ok || ret.length < 32) return false;
        return abi.decode(ret, (uint256)) == 1;
    }

    /// @inheritdoc IVerifierRegistry
    function circuit(bytes32 circuitId) external view returns (Circuit memory) {
        return _getVerifierRegistryStorage().circuits[circuitId];
    }

    /// @dev Only UPGRADER_ROLE may upgrade.
    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _getVerifierRegistryStorage() private pure returns (VerifierRegistryStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := VERIFIER_REGISTRY_STORAGE_LOCATION
        }
    }
}
