// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title ICLAIToken
 * @notice The CloudAI work token: ERC-20 with EIP-2612 permit and ERC-5805 votes (timestamp clock),
 * a hard supply cap, and role-gated minting within that cap.
 */
interface ICLAIToken {
    /// @notice Emitted when new tokens are minted by a minter.
    /// @param minter The account holding MINTER_ROLE that minted.
    /// @param to The recipient.
    /// @param amount The amount minted.
    event Minted(address indexed minter, address indexed to, uint256 amount);

    /// @notice Thrown when a mint would push the total supply above the cap.
    /// @param requested The amount asked for.
    /// @param available The amount still mintable under the cap.
    error CLAIToken__CapExceeded(uint256 requested, uint256 available);

    /// @notice Thrown when the cap given to the initializer is zero or below the initial supply.
    /// @param cap The cap given.
    /// @param initialSupply The initial supply given.
    error CLAIToken__InvalidCap(uint256 cap, uint256 initialSupply);

    /// @notice Thrown when a required address argument is the zero address.
    error CLAIToken__ZeroAddress();

    /// @notice Mints `amount` tokens to `to`. Requires MINTER_ROLE; reverts above the cap.
    /// @param to The recipient.
    /// @param amount The amount to mint (wei).
    function mint(address to, uint256 amount) external;

    /// @notice The maximum total supply, fixed at initialization.
    /// @return The cap (wei).
    function cap() external view returns (uint256);
}
