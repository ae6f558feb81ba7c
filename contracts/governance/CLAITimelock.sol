// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockControllerUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/**
 * @title CLAITimelock
 * @notice OpenZeppelin's TimelockController behind a UUPS proxy. It holds every admin, upgrade and
 * parameter role of the protocol; the governor is its only proposer and canceller, anyone may execute.
 * @dev Upgrades are self-administered: only the timelock itself (i.e. a governance proposal that went
 * through the full delay) can upgrade it. Its minimum delay must exceed the longest task deadline so
 * that no parameter change can surprise a task in flight.
 */
contract CLAITimelock is TimelockControllerUpgradeable, UUPSUpgradeable {
    /// @notice Thrown when anyone but the timelock itself tries to upgrade it.
    /// @param caller The unauthorized caller.
    error CLAITimelock__OnlySelf(address caller);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @dev Only a scheduled-and-executed operation of this timelock may upgrade it.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(this)) revert CLAITimelock__OnlySelf(msg.sender);
    }
}
