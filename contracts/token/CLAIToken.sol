// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {ERC20VotesUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20VotesUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {ICLAIToken} from "../interfaces/ICLAIToken.sol";

/**
 * @title CLAIToken
 * @notice The CloudAI token (CLAI): ERC-20 + EIP-2612 permit + ERC-5805 votes with a capped supply.
 * @dev Votes use a timestamp clock (`CLOCK_MODE() == "mode=timestamp"`), so governance delays and periods
 * are in seconds on every chain, L2s included. There are no transfer hooks beyond vote checkpointing.
 * Roles: DEFAULT_ADMIN_ROLE (grants roles), MINTER_ROLE (mints within the cap), UPGRADER_ROLE (UUPS
 * upgrades). After deployment all three are held by the timelock only.
 */
contract CLAIToken is
    Initializable,
    ERC20Upgradeable,
    ERC20PermitUpgradeable,
    ERC20VotesUpgradeable,
    AccessControlUpgradeable,
    UUPSUpgradeable,
    ICLAIToken
{
    /// @custom:storage-location erc7201:cloudai.storage.CLAIToken
    struct CLAITokenStorage {
        uint256 cap;
    }

    /// @notice Role allowed to mint new tokens within the cap.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Role allowed to upgrade the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    // keccak256(abi.encode(uint256(keccak256("cloudai.storage.CLAIToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CLAI_TOKEN_STORAGE_LOCATION =
        0xea8180ec7937fef725992b9209a302d53b681b8dd9de391a8813437f0ce50600;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param cap_ Maximum total supply (18 decimals); must be non-zero and at least `initialSupply`.
     * @param admin Receives DEFAULT_ADMIN_ROLE, MINTER_ROLE and UPGRADER_ROLE (the timelock).
     * @param initialRecipient Receives `initialSupply`.
     * @param initialSupply Tokens minted at initialization.
     */
    function initialize(
        uint256 cap_,
        address admin,
        address initialRecipient,
        uint256 initialSupply
    ) external initializer {
        if (admin == address(0) || initialRecipient == address(0)) revert CLAIToken__ZeroAddress();
        if (cap_ == 0 || cap_ < initialSupply || cap_ > _maxSupply())
            revert CLAIToken__InvalidCap(cap_, initialSupply);
        __ERC20_init("CloudAI", "CLAI");
        __ERC20Permit_init("CloudAI");
        __ERC20Votes_init();
        __AccessControl_init();
        __UUPSUpgradeable_init();
        _getCLAITokenStorage().cap = cap_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        if (initialSupply > 0) _mint(initialRecipient, initialSupply);
    }

    /// @inheritdoc ICLAIToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        if (to == address(0)) revert CLAIToken__ZeroAddress();
        _mint(to, amount);
        emit Minted(_msgSender(), to, amount);
    }

    /// @inheritdoc ICLAIToken
    function cap() public view returns (uint256) {
        return _getCLAITokenStorage().cap;
    }

    /// @notice The vote clock: the current block timestamp.
    /// @return The current timestamp as uint48.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @inheritdoc ERC20PermitUpgradeable
    function nonces(
        address owner
    ) public view override(ERC20PermitUpgradeable, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }

    /* solhint-disable func-name-mixedcase */
    /// @notice Machine-readable description of the clock (EIP-6372).
    /// @return The clock mode string.
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }
    /* solhint-enable func-name-mixedcase */

    /// @dev Enforces the cap on mints, then updates balances and vote checkpoints.
    function _update(
        address from,
        address to,
        uint256 value
    ) internal override(ERC20Upgradeable, ERC20VotesUpgradeable) {
        if (from == address(0)) {
            uint256 supplyCap = cap();
            uint256 supply = totalSupply();
            uint256 available = supplyCap > supply ? supplyCap - supply : 0;
            if (value > available) revert CLAIToken__CapExceeded(value, available);
        }
        super._update(from, to, value);
    }

    /// @dev Only UPGRADER_ROLE may upgrade.
    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _getCLAITokenStorage() private pure returns (CLAITokenStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := CLAI_TOKEN_STORAGE_LOCATION
        }
    }
}
