// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {IStaking} from "../interfaces/IStaking.sol";
import {IReputation} from "../interfaces/IReputation.sol";

/**
 * @title MarketInvariantLens
 * @notice Test helper: evaluates the money-conservation invariants of the market in one `eth_call`
 * (loops over every task — for tests only). Returns 0 when all hold, else the number of the first broken one.
 * 1: market CLAI ≠ Σ heldFor(task) + accruedFees; 2: staking CLAI ≠ staked + unbonding + reserve;
 * 3: Σ providers' stake ≠ totalStaked; 4: Σ pending rewards > reserve; 5: a provider's locked > stake;
 * 6: a provider's locked ≠ Σ lockedStake of its active tasks; 7: a reputation above 10_000;
 * 8: Σ providers' unbonding ≠ totalUnbonding.
 */
contract MarketInvariantLens {
    /// @notice Checks every invariant listed in the contract notice.
    /// @param market The TaskMarket proxy.
    /// @param staking The Staking proxy.
    /// @param reputation The Reputation proxy.
    /// @param token The CLAI token.
    /// @param providers Every provider that ever took part (the sums run over them).
    /// @return 0 when all invariants hold, else the number of the first broken one.
    function check(
        ITaskMarket market,
        IStaking staking,
        IReputation reputation,
        IERC20 token,
        address[] calldata providers
    ) external view returns (uint256) {
        (uint256 code, uint256[] memory lockedByTasks) = _checkMarket(market, token, providers);
        if (code != 0) return code;
        (uint256 totalStaked, uint256 totalUnbonding, uint256 reserve, , ) = staking.totals();
        if (token.balanceOf(address(staking)) != totalStaked + totalUnbonding + reserve) return 2;
        uint256 sumStake;
        uint256 sumPending;
        uint256 sumUnbonding;
        for (uint256 j; j < providers.length; ++j) {
            IStaking.ProviderInfo memory p = staking.providerInfo(providers[j]);
            sumStake += p.stake;
            sumUnbonding += p.unbonding;
            sumPending += staking.pendingRewards(providers[j]);
            if (p.locked > p.stake) return 5;
            if (p.locked != lockedByTasks[j]) return 6;
            if (reputation.scoreOf(providers[j]) > 10_000) return 7;
        }
        if (sumStake != totalStaked) return 3;
        if (sumPending > reserve) return 4;
        if (sumUnbonding != totalUnbonding) return 8;
        return 0;
    }

    function _checkMarket(
        ITaskMarket market,
        IERC20 token,
        address[] calldata providers
    ) private view returns (uint256 code, uint256[] memory lockedByTasks) {
        uint256 n = market.taskCount();
        uint256 held;
        lockedByTasks = new uint256[](providers.length);
        for (uint256 id = 1; id <= n; ++id) {
            held += market.heldFor(id);
            ITaskMarket.Task memory t = market.getTask(id);
            if (
                t.status == ITaskMarket.Status.Assigned ||
                t.status == ITaskMarket.Status.Submitted ||
                t.status == ITaskMarket.Status.Disputed
            ) {
                for (uint256 j; j < providers.length; ++j) {
                    if (providers[j] == t.provider) lockedByTasks[j] += t.lockedStake;
                }
            }
        }
        if (token.balanceOf(address(market)) != held + market.accruedFees()) code = 1;
    }
}
