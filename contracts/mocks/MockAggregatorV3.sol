// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title MockAggregatorV3
 * @notice Test double of Chainlink's AggregatorV3Interface with settable round data, used to test the
 * market's handling of stale, non-positive and incomplete-round prices.
 */
contract MockAggregatorV3 {
    /// @notice Decimals of the answer, fixed at deployment.
    uint8 public decimals;
    uint80 private _roundId;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    /// @notice Deploys the mock with no round set.
    /// @param decimals_ The value {decimals} returns.
    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    /// @notice Sets the round data every read returns (`startedAt` is reported equal to `updatedAt`).
    /// @param roundId The round id to report.
    /// @param answer The answer to report.
    /// @param updatedAt The update time to report (also reported as `startedAt`).
    /// @param answeredInRound The answered-in round to report.
    function setRound(uint80 roundId, int256 answer, uint256 updatedAt, uint80 answeredInRound) external {
        _roundId = roundId;
        _answer = answer;
        _updatedAt = updatedAt;
        _answeredInRound = answeredInRound;
    }

    /// @notice Data of a round; this mock ignores the round asked for and returns the data set by {setRound}.
    /// @return roundId The round id set.
    /// @return answer The answer set.
    /// @return startedAt The update time set.
    /// @return updatedAt The update time set.
    /// @return answeredInRound The answered-in round set.
    function getRoundData(uint80) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }

    /// @notice Data of the latest round: the data set by {setRound}.
    /// @return roundId The round id set.
    /// @return answer The answer set.
    /// @return startedAt The update time set.
    /// @return updatedAt The update time set.
    /// @return answeredInRound The answered-in round set.
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }

    /// @notice Human-readable name of the feed.
    /// @return Always "mock".
    function description() external pure returns (string memory) {
        return "mock";
    }

    /// @notice Version of the feed contract.
    /// @return Always 1.
    function version() external pure returns (uint256) {
        return 1;
    }
}
