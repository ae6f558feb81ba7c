import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { E18, deployPriceFeed, signReport } from "../fixtures/market";

describe("PriceFeed", function () {
  async function fixture4() {
    const [admin, outsider] = await ethers.getSigners();
    const { feed, wallets } = await deployPriceFeed(admin, 4, 1);
    return { feed, wallets, admin, outsider };
  }
  async function fixture7() {
    const [admin] = await ethers.getSigners();
    return deployPriceFeed(admin, 7, 2);
  }
  const OBS4 = [10n * E18, 11n * E18, 12n * E18];

  async function send(
    feed: Awaited<ReturnType<typeof fixture4>>["feed"],
    r: Awaited<ReturnType<typeof signReport>>,
  ) {
    return feed.transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs);
  }

  it("binds the config digest to chain id, address and config count", async function () {
    const { feed, wallets } = await loadFixture(fixture4);
    const { chainId } = await ethers.provider.getNetwork();
    const expected = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["uint256", "address", "uint32", "address[]", "uint8"],
        [chainId, await feed.getAddress(), 1, wallets.map((w) => w.address), 1],
      ),
    );
    const [digest, count, f, latest] = await feed.latestConfig();
    expect([digest, count, f, latest]).to.deep.equal([expected, 1n, 1n, 0n]);
    expect(await feed.signers()).to.deep.equal(wallets.map((w) => w.address));
    expect(await feed.decimals()).to.equal(18n);
    expect(await feed.version()).to.equal(1n);
    expect(await feed.description()).to.equal("CLAI / CPU-unit");
  });

  it("accepts f+1 signatures (4 signers) and answers through AggregatorV3Interface", async function () {
    const { feed, wallets } = await loadFixture(fixture4);
    await expect(feed.latestRoundData()).to.be.revertedWithCustomError(feed, "PriceFeed__NoDataPresent");
    const r = await signReport(feed, wallets, OBS4, 1);
    await expect(send(feed, r)).to.emit(feed, "NewTransmission").and.to.emit(feed, "AnswerUpdated");
    const now = await time.latest();
    const round = await feed.latestRoundData();
    expect(round).to.deep.equal([1n, 11n * E18, BigInt(now), BigInt(now), 1n]);
    expect(await feed.getRoundData(1)).to.deep.equal(round);
    await expect(feed.getRoundData(2))
      .to.be.revertedWithCustomError(feed, "PriceFeed__NoDataPresent")
      .withArgs(2);
  });

  it("accepts 3 of 7 signers (f = 2) with any signer subset", async function () {
    const { feed, wallets } = await loadFixture(fixture7);
    const r = await signReport(feed, wallets, [1n, 2n, 3n, 4n, 5n], 7, [6, 2, 4]);
    await send(feed, r);
    expect((await feed.latestRoundData())[1]).to.equal(3n);
  });

  it("requires epochAndRound to strictly increase", async function () {
    const { feed, wallets } = await loadFixture(fixture4);
    await send(feed, await signReport(feed, wallets, OBS4, 5));
    await expect(send(feed, await signReport(feed, wallets, OBS4, 5)))
      .to.be.revertedWithCustomError(feed, "PriceFeed__StaleReport")
      .withArgs(5, 5);
  });

  it("rejects a wrong digest, including the previous config's", async function () {
    const { feed, wallets, admin } = await loadFixture(fixture4);
    const old = await signReport(feed, wallets, OBS4, 1);
    await feed.connect(admin).setConfig(
      wallets.map((w) => w.address),
      1,
    );
    await expect(send(feed, old)).to.be.revertedWithCustomError(feed, "PriceFeed__ConfigDigestMismatch");
  });

  it("rejects wrong signature counts, strangers and duplicates", async function () {
    const { feed, wallets } = await loadFixture(fixture4);
    await expect(send(feed, await signReport(feed, wallets, OBS4, 1, [0])))
      .to.be.revertedWithCustomError(feed, "PriceFeed__WrongNumberOfSignatures")
      .withArgs(1, 2);
    await expect(
      send(feed, await signReport(feed, wallets, OBS4, 1, [0, 1, 2])),
    ).to.be.revertedWithCustomError(feed, "PriceFeed__WrongNumberOfSignatures");
    const stranger = ethers.Wallet.createRandom();
    await expect(send(feed, await signReport(feed, [wallets[0], stranger], OBS4, 1, [0, 1])))
      .to.be.revertedWithCustomError(feed, "PriceFeed__UnauthorizedSigner")
      .withArgs(stranger.address);
    await expect(send(feed, await signReport(feed, wallets, OBS4, 1, [2, 2])))
      .to.be.revertedWithCustomError(feed, "PriceFeed__DuplicateSigner")
      .withArgs(wallets[2].address);
    const r = await signReport(feed, wallets, OBS4, 1);
    // a signature over another report does not recover to a signer
    const other = await signReport(feed, wallets, [1n, 2n, 3n], 1);
    await expect(
      feed.transmit(r.configDigest, 1, other.report, r.rs, r.ss, r.rawVs),
    ).to.be.revertedWithCustomError(feed, "PriceFeed__UnauthorizedSigner");
  });

  it("rejects too few/many, unsorted, and out-of-bounds observations", async function () {
    const { feed, wallets } = await loadFixture(fixture4);
    await expect(send(feed, await signReport(feed, wallets, [1n, 2n], 1)))
      .to.be.revertedWithCustomError(feed, "PriceFeed__WrongNumberOfObservations")
      .withArgs(2);
    await expect(
      send(feed, await signReport(feed, wallets, [1n, 2n, 3n, 4n, 5n], 1)),
    ).to.be.revertedWithCustomError(feed, "PriceFeed__WrongNumberOfObservations");
    await expect(send(feed, await signReport(feed, wallets, [3n, 2n, 4n], 1))).to.be.revertedWithCustomError(
      feed,
      "PriceFeed__ObservationsNotSorted",
    );
    await expect(send(feed, await signReport(feed, wallets, [0n, 0n, 5n], 1)))
      .to.be.revertedWithCustomError(feed, "PriceFeed__MedianOutOfBounds")
      .withArgs(0n, 1n, 1_000_000n * E18);
  });

  it("rejects transmissions before any config", async function () {
    const [admin] = await ethers.getSigners();
    const feed = await upgrades.deployProxy(
      await ethers.getContractFactory("PriceFeed"),
      [admin.address, "x", 1n, 10n],
      { kind: "uups" },
    );
    await expect(
      feed.transmit(ethers.ZeroHash, 1, "0x", [], [], ethers.ZeroHash),
    ).to.be.revertedWithCustomError(feed, "PriceFeed__NotConfigured");
  });

  it("validates configs and bounds; only CONFIG_ROLE may set them", async function () {
    const { feed, wallets, admin, outsider } = await loadFixture(fixture4);
    const addrs = wallets.map((w) => w.address);
    await expect(feed.connect(admin).setConfig(addrs, 0)).to.be.revertedWithCustomError(
      feed,
      "PriceFeed__InvalidConfig",
    );
    await expect(feed.connect(admin).setConfig(addrs.slice(0, 3), 1)).to.be.revertedWithCustomError(
      feed,
      "PriceFeed__InvalidConfig",
    );
    await expect(
      feed.connect(admin).setConfig([addrs[0], addrs[0], addrs[1], addrs[2]], 1),
    ).to.be.revertedWithCustomError(feed, "PriceFeed__InvalidConfig");
    await expect(
      feed.connect(admin).setConfig([ethers.ZeroAddress, addrs[1], addrs[2], addrs[3]], 1),
    ).to.be.revertedWithCustomError(feed, "PriceFeed__InvalidConfig");
    const many = Array.from({ length: 32 }, () => ethers.Wallet.createRandom().address);
    await expect(feed.connect(admin).setConfig(many, 1)).to.be.revertedWithCustomError(
      feed,
      "PriceFeed__InvalidConfig",
    );
    await expect(feed.connect(admin).setConfig(addrs, 1)).to.emit(feed, "ConfigSet");
    await expect(feed.connect(admin).setBounds(5n, 10n)).to.emit(feed, "BoundsSet").withArgs(5n, 10n);
    expect(await feed.bounds()).to.deep.equal([5n, 10n]);
    await expect(feed.connect(admin).setBounds(0n, 10n))
      .to.be.revertedWithCustomError(feed, "PriceFeed__InvalidBounds")
      .withArgs(0n, 10n);
    await expect(feed.connect(admin).setBounds(11n, 10n)).to.be.revertedWithCustomError(
      feed,
      "PriceFeed__InvalidBounds",
    );
    await expect(feed.connect(outsider).setConfig(addrs, 1)).to.be.revertedWithCustomError(
      feed,
      "AccessControlUnauthorizedAccount",
    );
    await expect(feed.connect(outsider).setBounds(1n, 2n)).to.be.revertedWithCustomError(
      feed,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("is read by the market as a fresh 18-decimal price", async function () {
    const { feed, wallets } = await loadFixture(fixture4);
    await send(feed, await signReport(feed, wallets, OBS4, 1));
    const { deployMarketSystem } = await import("../fixtures/market");
    const sys = await deployMarketSystem();
    await sys.market.connect(sys.admin).setPriceFeed(0, await feed.getAddress());
    expect(await sys.market.marketPrice(0)).to.equal(11n * E18);
    await time.increase(3_601);
    await expect(sys.market.marketPrice(0)).to.be.revertedWithCustomError(
      sys.market,
      "TaskMarket__StalePrice",
    );
  });
});
