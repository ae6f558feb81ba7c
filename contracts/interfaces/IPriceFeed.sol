// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/**
 * @title IPriceFeed
 * @notice One resource class's price in CLAI per unit (18 decimals), published by a committee of `n`
 * oracle signers tolerating `f` faulty ones (`n > 3f`), read through Chainlink's AggregatorV3Interface.
 * @dev Report format (what the oracle nodes sign):
 * - `report = abi.encode(int192[] observations)`, observations sorted ascending, `2f < length ≤ n`;
 * - `configDigest = keccak256(abi.encode(block.chainid, address(feed), configCount, signers, f))`;
 * - each of exactly `f + 1` distinct registered signers signs, EIP-191 (`personal_sign` over 32 bytes),
 *   `keccak256(abi.encodePacked(keccak256(report), configDigest, uint40 epochAndRound))`;
 * - `epochAndRound` strictly increases within a config (it restarts with a new config, whose new digest
 *   makes every old signature useless);
 * - the answer is the median `observations[length / 2]` and must lie in `[minAnswer, maxAnswer]`.
 * Signatures travel as `rs`, `ss` and `rawVs` (byte i of `rawVs` is `v − 27` of signature i), as in OCR.
 * Anyone may transmit: the signatures are the authorisation. Every round answers itself
 * (`answeredInRound == roundId`, `startedAt == updatedAt`).
 */
interface IPriceFeed is AggregatorV3Interface {
    /// @notice Emitted when the signer set changes.
    /// @param configDigest The new digest.
    /// @param configCount The new config count.
    /// @param signers The signers.
    /// @param f Faulty signers tolerated.
    event ConfigSet(bytes32 configDigest, uint32 configCount, address[] signers, uint8 f);
    /// @notice Emitted when the bounds change.
    /// @param minAnswer The new lowest accepted median.
    /// @param maxAnswer The new highest accepted median.
    event BoundsSet(int192 minAnswer, int192 maxAnswer);
    /// @notice Emitted with every accepted report.
    /// @param roundId The new round.
    /// @param answer The median.
    /// @param transmitter Who sent it.
    /// @param epochAndRound The report's epoch and round.
    /// @param observations The observations.
    event NewTransmission(
        uint80 indexed roundId,
        int192 answer,
        address transmitter,
        uint40 epochAndRound,
        int192[] observations
    );
    /// @notice Chainlink's AggregatorInterface event, for existing tooling.
    /// @param current The new answer (the median).
    /// @param roundId The new round.
    /// @param updatedAt The timestamp of the report.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice Thrown when a config has an invalid `f`, too few/many signers, or a zero/duplicate signer.
    error PriceFeed__InvalidConfig();
    /// @notice Thrown when the bounds are not `0 < min ≤ max`.
    /// @param minAnswer The minimum given.
    /// @param maxAnswer The maximum given.
    error PriceFeed__InvalidBounds(int192 minAnswer, int192 maxAnswer);
    /// @notice Thrown when a report is transmitted before any config is set.
    error PriceFeed__NotConfigured();
    /// @notice Thrown when a report is signed for another config digest.
    /// @param given The digest in the transmission.
    /// @param expected The current digest.
    error PriceFeed__ConfigDigestMismatch(bytes32 given, bytes32 expected);
    /// @notice Thrown when `epochAndRound` does not strictly increase.
    /// @param given The transmitted value.
    /// @param latest The latest accepted value.
    error PriceFeed__StaleReport(uint40 given, uint40 latest);
    /// @notice Thrown when the number of signatures is not `f + 1` (or `rs`/`ss` lengths differ).
    /// @param given The number of signatures.
    /// @param required `f + 1`.
    error PriceFeed__WrongNumberOfSignatures(uint256 given, uint256 required);
    /// @notice Thrown when a signature does not recover to a registered signer.
    /// @param signer The recovered address.
    error PriceFeed__UnauthorizedSigner(address signer);
    /// @notice Thrown when one signer signs twice.
    /// @param signer The signer.
    error PriceFeed__DuplicateSigner(address signer);
    /// @notice Thrown when the report holds `≤ 2f` or `> n` observations.
    /// @param given The number of observations.
    error PriceFeed__WrongNumberOfObservations(uint256 given);
    /// @notice Thrown when observations are not sorted ascending.
    error PriceFeed__ObservationsNotSorted();
    /// @notice Thrown when the median is outside `[minAnswer, maxAnswer]`.
    /// @param median The median.
    /// @param minAnswer The lower bound.
    /// @param maxAnswer The upper bound.
    error PriceFeed__MedianOutOfBounds(int192 median, int192 minAnswer, int192 maxAnswer);
    /// @notice Thrown when a round does not exist (or no round yet).
    /// @param roundId The round asked for.
    error PriceFeed__NoDataPresent(uint80 roundId);
    /// @notice Thrown when a required address is the zero address.
    error PriceFeed__ZeroAddress();

    /// @notice Sets the signer set and `f`; bumps the config count and digest. Requires CONFIG_ROLE.
    /// @dev `1 ≤ f`, `3f < signers.length ≤ 31`, no zero or duplicate signer.
    /// @param signers The new signer set; replaces the old one entirely.
    /// @param f The number of faulty signers tolerated; `f + 1` signatures are required per report.
    function setConfig(address[] calldata signers, uint8 f) external;

    /// @notice Sets the accepted median range. Requires CONFIG_ROLE.
    /// @param minAnswer Lowest accepted median (CLAI wei per unit), > 0.
    /// @param maxAnswer Highest accepted median, ≥ `minAnswer`.
    function setBounds(int192 minAnswer, int192 maxAnswer) external;

    /// @notice Accepts a signed report (see the contract notice for the format).
    /// @param configDigest The digest of the config the report was signed under; must be the current one.
    /// @param epochAndRound The report's epoch and round; must exceed the latest accepted value.
    /// @param report `abi.encode(int192[] observations)`, observations sorted ascending.
    /// @param rs The `r` values of the `f + 1` signatures.
    /// @param ss The `s` values of the `f + 1` signatures.
    /// @param rawVs Byte `i` is `v − 27` of signature `i`.
    function transmit(
        bytes32 configDigest,
        uint40 epochAndRound,
        bytes calldata report,
        bytes32[] calldata rs,
        bytes32[] calldata ss,
        bytes32 rawVs
    ) external;

    /// @notice Current config digest, config count, `f`, and latest accepted epoch-and-round.
    /// @return configDigest The current config digest (zero before the first config).
    /// @return configCount The number of configs set so far.
    /// @return f Faulty signers tolerated by the current config.
    /// @return latestEpochAndRound The latest accepted epoch-and-round (reset to zero by a new config).
    function latestConfig()
        external
        view
        returns (bytes32 configDigest, uint32 configCount, uint8 f, uint40 latestEpochAndRound);

    /// @notice The registered signers.
    /// @return The current signer set, in config order.
    function signers() external view returns (address[] memory);

    /// @notice The accepted median range.
    /// @return minAnswer The lowest accepted median.
    /// @return maxAnswer The highest accepted median.
    function bounds() external view returns (int192 minAnswer, int192 maxAnswer);
}
