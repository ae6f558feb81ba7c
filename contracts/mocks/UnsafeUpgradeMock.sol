// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CLAIToken} from "../token/CLAIToken.sol";

/**
 * @title UnsafeUpgradeMock
 * @notice Test-only implementation that upgrade validation must reject (it can delegatecall anywhere).
 * @custom:oz-upgrades-unsafe-allow missing-initializer
 */
contract UnsafeUpgradeMock is CLAIToken {
    /// @notice An arbitrary delegatecall: forbidden in an upgradeable implementation.
    /// @param target The contract to delegatecall.
    /// @param data The calldata.
    /// @return The returned bytes.
    function unsafeCall(address target, bytes calldata data) external returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = target.delegatecall(data);
        require(ok, "call failed"); // solhint-disable-line gas-custom-errors
        return ret;
    }
}
