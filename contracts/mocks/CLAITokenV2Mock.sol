// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CLAIToken} from "../token/CLAIToken.sol";

/**
 * @title CLAITokenV2Mock
 * @notice Test-only V2 of CLAIToken, used to exercise upgrade validation and governance upgrades.
 * @dev V2 adds no state, so it needs no initializer of its own: the proxy's state was initialized by V1.
 * @custom:oz-upgrades-unsafe-allow missing-initializer
 */
contract CLAITokenV2Mock is CLAIToken {
    /// @notice The implementation's version.
    function version() external pure returns (string memory) {
        return "2";
    }
}
