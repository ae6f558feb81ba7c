// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IPriceFeed} from "../interfaces/IPriceFeed.sol";

/**
 * @title PriceFeed
 * @notice OCR-style signed median feed for one resource class, exposed as an AggregatorV3Interface;
 * see {IPriceFeed} for the report format.
 * @dev One proxy per resource class. Roles: DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, CONFIG_ROLE (timelock).
 * The signer set is bounded (≤ 31), so config loops are bounded; a round costs one fresh storage slot.
 */
contract PriceFeed is Initializable, AccessControlUpgradeable, UUPSUpgradeable, IPriceFeed {
    struct Round {
        int192 answer;
        uint64 updatedAt;
    }

    /// @custom:storage-location erc7201:cloudai.storage.PriceFeed
    struct PriceFeedStorage {
        // hot slot: read and written by every transmission
        uint40 latestEpochAndRound;
        uint80 latestRoundId;
        uint32 configCount;
        uint8 f;
        bytes32 configDigest;
        int192 minAnswer;
        int192 maxAnswer;
        string description;
        address[] signers;
        mapping(address signer => uint8 indexPlusOne) signerIndex;
        mapping(uint80 roundId => Round) rounds;
    }

    /// @notice Role allowed to set signers and bounds.
    bytes32 public constant CONFIG_ROLE = keccak256("CONFIG_ROLE");
    /// @notice Role allowed to upgrade the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @notice Maximum number of signers.
    uint256 public constant MAX_SIGNERS = 31;
    /// @notice Version reported through {version}.
    uint256 private constant VERSION = 1;

    // keccak256(abi.encode(uint256(keccak256("cloudai.storage.PriceFeed")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PRICE_FEED_STORAGE_LOCATION =
        0xc9673126a55ef3f8498126c3f492f1a1c7bfc569d47536dcef54ed9fe3ce9500;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param admin Receives DEFAULT_ADMIN_ROLE, UPGRADER_ROLE and CONFIG_ROLE (the timelock).
     * @param description_ Human-readable name, e.g. "CLAI / GPU-A100-hour".
     * @param minAnswer Lowest accepted median (CLAI wei per unit), > 0.
     * @param maxAnswer Highest accepted median.
     */
    function initialize(
        address admin,
        string calldata description_,
        int192 minAnswer,
        int192 maxAnswer
    ) external initializer {
        if (admin == address(0)) revert PriceFeed__ZeroAddress();
        __AccessControl_init();
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _grantRole(CONFIG_ROLE, admin);
        _getPriceFeedStorage().description = description_;
        _setBounds(minAnswer, maxAnswer);
    }

    /// @inheritdoc IPriceFeed
    function setConfig(address[] calldata newSigners, uint8 f) external onlyRole(CONFIG_ROLE) {
        uint256 n = newSigners.length;
        if (f == 0 || n <= 3 * uint256(f) || n > MAX_SIGNERS) revert PriceFeed__InvalidConfig();
        PriceFeedStorage storage $ = _getPriceFeedStorage();
        address[] storage old = $.signers;
        for (uint256 i = old.length; i > 0; --i) {
            delete $.signerIndex[old[i - 1]];
            old.pop();
        }
        for (uint256 i; i < n; ++i) {
            address s = newSigners[i];
            if (s == address(0) || $.signerIndex[s] != 0) revert PriceFeed__InvalidConfig();
            $.signerIndex[s] = uint8(i + 1);
            old.push(s);
        }
        uint32 count = $.configCount + 1;
        bytes32 digest = keccak256(abi.encode(block.chainid, address(this), count, newSigners, f));
        $.configCount = count;
        $.f = f;
        $.configDigest = digest;
        $.latestEpochAndRound = 0;
        emit ConfigSet(digest, count, newSigners, f);
    }

    /// @inheritdoc IPriceFeed
    function setBounds(int192 minAnswer, int192 maxAnswer) external onlyRole(CONFIG_ROLE) {
        _setBounds(minAnswer, maxAnswer);
    }

    /// @inheritdoc IPriceFeed
    function transmit(
        bytes32 configDigest,
        uint40 epochAndRound,
        bytes calldata report,
        bytes32[] calldata rs,
        bytes32[] calldata ss,
        bytes32 rawVs
    ) external {
        PriceFeedStorage storage $ = _getPriceFeedStorage();
        uint256 f = $.f;
        if (f == 0) revert PriceFeed__NotConfigured();
        if (configDigest != $.configDigest)
            revert PriceFeed__ConfigDigestMismatch(configDigest, $.configDigest);
        if (epochAndRound <= $.latestEpochAndRound)
            revert PriceFeed__StaleReport(epochAndRound, $.latestEpochAndRound);
        if (rs.length != f + 1 || ss.length != rs.length)
            revert PriceFeed__WrongNumberOfSignatures(rs.length, f + 1);

        _checkSignatures(
            $,
            MessageHashUtils.toEthSignedMessageHash(
                keccak256(abi.encodePacked(keccak256(report), configDigest, epochAndRound))
            ),
            rs,
            ss,
            rawVs
        );
        _record($, epochAndRound, report, f);
    }

    /// @notice Human-readable name of the feed.
    /// @return The description set at initialization, e.g. "CLAI / GPU-A100-hour".
    function description() external view returns (string memory) {
        return _getPriceFeedStorage().description;
    }

    /// @notice Data of round `roundId`; reverts when it does not exist.
    /// @param roundId The round asked for.
    /// @return roundId_ The round id (equal to `roundId`).
    /// @return answer The round's median (CLAI wei per unit).
    /// @return startedAt The timestamp of the round's report (equal to `updatedAt`).
    /// @return updatedAt The timestamp of the round's report.
    /// @return answeredInRound The round id (every round answers itself).
    function getRoundData(
        uint80 roundId
    )
        external
        view
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _round(roundId);
    }

    /// @notice Data of the latest round; reverts before the first report.
    /// @return roundId The latest round id.
    /// @return answer The latest median (CLAI wei per unit).
    /// @return startedAt The timestamp of the latest report (equal to `updatedAt`).
    /// @return updatedAt The timestamp of the latest report.
    /// @return answeredInRound The latest round id (every round answers itself).
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _round(_getPriceFeedStorage().latestRoundId);
    }

    /// @inheritdoc IPriceFeed
    function latestConfig()
        external
        view
        returns (bytes32 configDigest, uint32 configCount, uint8 f, uint40 latestEpochAndRound)
    {
        PriceFeedStorage storage $ = _getPriceFeedStorage();
        return ($.configDigest, $.configCount, $.f, $.latestEpochAndRound);
    }

    /// @inheritdoc IPriceFeed
    function signers() external view returns (address[] memory) {
        return _getPriceFeedStorage().signers;
    }

    /// @inheritdoc IPriceFeed
    function bounds() external view returns (int192 minAnswer, int192 maxAnswer) {
        PriceFeedStorage storage $ = _getPriceFeedStorage();
        return ($.minAnswer, $.maxAnswer);
    }

    /// @notice Decimals of the answer (CLAI has 18).
    /// @return Always 18.
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice Version of the feed contract.
    /// @return The version number (currently 1).
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @dev Only UPGRADER_ROLE may upgrade.
    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    /// @dev Stores a new round with the report's median.
    function _record(
        PriceFeedStorage storage $,
        uint40 epochAndRound,
        bytes calldata report,
        uint256 f
    ) private {
        (int192 median, int192[] memory observations) = _median($, report, f);
        uint80 roundId = $.latestRoundId + 1;
        $.latestRoundId = roundId;
        $.latestEpochAndRound = epochAndRound;
        $.rounds[roundId] = Round({answer: median, updatedAt: uint64(block.timestamp)});
        emit NewTransmission(roundId, median, msg.sender, epochAndRound, observations);
        emit AnswerUpdated(median, roundId, block.timestamp);
    }

    function _setBounds(int192 minAnswer, int192 maxAnswer) private {
        if (minAnswer <= 0 || maxAnswer < minAnswer) revert PriceFeed__InvalidBounds(minAnswer, maxAnswer);
        PriceFeedStorage storage $ = _getPriceFeedStorage();
        $.minAnswer = minAnswer;
        $.maxAnswer = maxAnswer;
        emit BoundsSet(minAnswer, maxAnswer);
    }

    /// @dev Requires every signature to come from a distinct registered signer.
    function _checkSignatures(
        PriceFeedStorage storage $,
        bytes32 h,
        bytes32[] calldata rs,
        bytes32[] calldata ss,
        bytes32 rawVs
    ) private view {
        uint256 seen;
        for (uint256 i; i < rs.length; ++i) {
            address signer = ecrecover(h, uint8(rawVs[i]) + 27, rs[i], ss[i]);
            uint256 idx = $.signerIndex[signer];
            if (idx == 0 || signer == address(0)) revert PriceFeed__UnauthorizedSigner(signer);
            uint256 bit = 1 << idx;
            if (seen & bit != 0) revert PriceFeed__DuplicateSigner(signer);
            seen |= bit;
        }
    }

    /// @dev Decodes the observations, checks count and order, and returns the median within bounds.
    function _median(
        PriceFeedStorage storage $,
        bytes calldata report,
        uint256 f
    ) private view returns (int192 median, int192[] memory observations) {
        observations = abi.decode(report, (int192[]));
        uint256 m = observations.length;
        if (m <= 2 * f || m > $.signers.length) revert PriceFeed__WrongNumberOfObservations(m);
        for (uint256 i = 1; i < m; ++i) {
            if (observations[i] < observations[i - 1]) revert PriceFeed__ObservationsNotSorted();
        }
        median = observations[m / 2];
        if (median < $.minAnswer || median > $.maxAnswer) {
            revert PriceFeed__MedianOutOfBounds(median, $.minAnswer, $.maxAnswer);
        }
    }

    function _round(uint80 roundId) private view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _getPriceFeedStorage().rounds[roundId];
        if (r.updatedAt == 0) revert PriceFeed__NoDataPresent(roundId);
        return (roundId, r.answer, r.updatedAt, r.updatedAt, roundId);
    }

    function _getPriceFeedStorage() private pure returns (PriceFeedStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := PRICE_FEED_STORAGE_LOCATION
        }
    }
}
