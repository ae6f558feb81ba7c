import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Reputation } from "../../typechain-types";

describe("Reputation", function () {
  async function fixture() {
    const [admin, writer, provider, outsider] = await ethers.getSigners();
    const reputation = (await upgrades.deployProxy(
      await ethers.getContractFactory("Reputation"),
      [admin.address, 500, 2_000, 5_000],
      { kind: "uups" },
    )) as unknown as Reputation;
    await reputation.grantRole(await reputation.WRITER_ROLE(), writer.address);
    return { reputation, admin, writer, provider, outsider };
  }

  it("starts unseen providers at the initial score", async function () {
    const { reputation, provider } = await loadFixture(fixture);
    expect(await reputation.scoreOf(provider.address)).to.equal(5_000n);
    expect(await reputation.parameters()).to.deep.equal([500n, 2_000n, 5_000n]);
  });

  it("raises on success: r + (10000 − r)·α", async function () {
    const { reputation, writer, provider } = await loadFixture(fixture);
    await expect(reputation.connect(writer).recordSuccess(provider.address))
      .to.emit(reputation, "ReputationUpdated")
      .withArgs(provider.address, 5_000n, 5_250n, true);
  });

  it("cuts on fault: r·(1 − β)", async function () {
    const { reputation, writer, provider } = await loadFixture(fixture);
    await expect(reputation.connect(writer).recordFault(provider.address))
      .to.emit(reputation, "ReputationUpdated")
      .withArgs(provider.address, 5_000n, 4_000n, false);
  });

  it("stays within [0, 10000] over many updates", async function () {
    const { reputation, writer, provider } = await loadFixture(fixture);
    for (let i = 0; i < 60; i++) await reputation.connect(writer).recordSuccess(provider.address);
    const high = await reputation.scoreOf(provider.address);
    expect(high).to.be.lte(10_000n).and.gt(9_000n);
    for (let i = 0; i < 60; i++) await reputation.connect(writer).recordFault(provider.address);
    expect(await reputation.scoreOf(provider.address))
      .to.be.gte(0n)
      .and.lt(10n);
  });

  it("lets only governance reset, within bounds", async function () {
    const { reputation, admin, provider, outsider } = await loadFixture(fixture);
    await expect(reputation.connect(admin).reset(provider.address, 9_000))
      .to.emit(reputation, "ReputationReset")
      .withArgs(provider.address, 9_000n);
    expect(await reputation.scoreOf(provider.address)).to.equal(9_000n);
    await expect(reputation.connect(admin).reset(provider.address, 10_001))
      .to.be.revertedWithCustomError(reputation, "Reputation__InvalidBps")
      .withArgs(10_001n);
    await expect(reputation.connect(admin).reset(ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(
      reputation,
      "Reputation__ZeroAddress",
    );
    await expect(reputation.connect(outsider).reset(provider.address, 1)).to.be.revertedWithCustomError(
      reputation,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("rejects writes from non-writers", async function () {
    const { reputation, provider, outsider } = await loadFixture(fixture);
    await expect(reputation.connect(outsider).recordSuccess(provider.address))
      .to.be.revertedWithCustomError(reputation, "AccessControlUnauthorizedAccount")
      .withArgs(outsider.address, await reputation.WRITER_ROLE());
    await expect(reputation.connect(outsider).recordFault(provider.address)).to.be.revertedWithCustomError(
      reputation,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("sets parameters and validates them", async function () {
    const { reputation, admin } = await loadFixture(fixture);
    await expect(reputation.connect(admin).setParameters(1_000, 5_000, 4_000))
      .to.emit(reputation, "ParametersSet")
      .withArgs(1_000n, 5_000n, 4_000n);
    for (const args of [
      [0, 1, 1],
      [10_001, 1, 1],
      [1, 0, 1],
      [1, 10_001, 1],
      [1, 1, 10_001],
    ] as const) {
      await expect(reputation.connect(admin).setParameters(...args)).to.be.revertedWithCustomError(
        reputation,
        "Reputation__InvalidBps",
      );
    }
  });

  it("rejects a zero admin", async function () {
    await expect(
      upgrades.deployProxy(await ethers.getContractFactory("Reputation"), [ethers.ZeroAddress, 1, 1, 1], {
        kind: "uups",
      }),
    ).to.be.reverted;
  });
});
