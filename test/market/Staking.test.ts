import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, E18, STAKING_PARAMS, deployMarketSystem, signPermit } from "../fixtures/market";

describe("Staking", function () {
  /** The market system plus `outsider` holding MARKET_ROLE so tests can drive locks/slashes directly. */
  async function directMarketFixture() {
    const sys = await deployMarketSystem();
    await sys.staking.connect(sys.admin).grantRole(await sys.staking.MARKET_ROLE(), sys.outsider.address);
    await sys.token.connect(sys.outsider).approve(await sys.staking.getAddress(), ethers.MaxUint256);
    return { ...sys, mkt: sys.outsider };
  }

  async function until() {
    return (await time.latest()) + 10 * DAY;
  }

  describe("# initialize", function () {
    it("grants admin roles only to admin and rejects zero addresses", async function () {
      const { staking, admin, deployer, token } = await loadFixture(deployMarketSystem);
      expect(await staking.hasRole(await staking.PARAMETER_ROLE(), admin.address)).to.equal(true);
      expect(await staking.hasRole(await staking.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
      expect(await staking.token()).to.equal(await token.getAddress());
      await expect(
        upgrades.deployProxy(
          await ethers.getContractFactory("Staking"),
          [ethers.ZeroAddress, admin.address, STAKING_PARAMS],
          {
            kind: "uups",
          },
        ),
      ).to.be.reverted;
    });
  });

  describe("# register / updateProvider", function () {
    it("registers with metadata and emits ProviderRegistered", async function () {
      const { staking, outsider } = await loadFixture(deployMarketSystem);
      await expect(staking.connect(outsider).register("ipfs://m", "0xabcd", 4n))
        .to.emit(staking, "ProviderRegistered")
        .withArgs(outsider.address, "ipfs://m", "0xabcd", 4n);
      expect(await staking.providerMetadata(outsider.address)).to.deep.equal(["ipfs://m", "0xabcd"]);
      expect((await staking.providerInfo(outsider.address)).registered).to.equal(true);
    });

    it("reverts AlreadyRegistered, NoResourceClass, NotRegistered", async function () {
      const { staking, providers, outsider } = await loadFixture(deployMarketSystem);
      await expect(staking.connect(providers[0]).register("", "0x", 1n))
        .to.be.revertedWithCustomError(staking, "Staking__AlreadyRegistered")
        .withArgs(providers[0].address);
      await expect(staking.connect(outsider).register("", "0x", 0n)).to.be.revertedWithCustomError(
        staking,
        "Staking__NoResourceClass",
      );
      await expect(staking.connect(outsider).updateProvider("", "0x", 1n))
        .to.be.revertedWithCustomError(staking, "Staking__NotRegistered")
        .withArgs(outsider.address);
      await expect(staking.connect(providers[0]).updateProvider("", "0x", 0n)).to.be.revertedWithCustomError(
        staking,
        "Staking__NoResourceClass",
      );
    });

    it("updates and emits ProviderUpdated", async function () {
      const { staking, providers } = await loadFixture(deployMarketSystem);
      await expect(staking.connect(providers[0]).updateProvider("ipfs://new", "0x01", 8n))
        .to.emit(staking, "ProviderUpdated")
        .withArgs(providers[0].address, "ipfs://new", "0x01", 8n);
      expect((await staking.providerInfo(providers[0].address)).resourceClasses).to.equal(8n);
    });
  });

  describe("# stake / unbond / withdraw", function () {
    it("stakes and emits Staked", async function () {
      const { staking, token, providers } = await loadFixture(deployMarketSystem);
      await expect(staking.connect(providers[0]).stake(5n * E18))
        .to.emit(staking, "Staked")
        .withArgs(providers[0].address, 5n * E18);
      expect((await staking.providerInfo(providers[0].address)).stake).to.equal(1_005n * E18);
      expect(await token.balanceOf(await staking.getAddress())).to.equal(3_005n * E18);
    });

    it("stakes with a permit", async function () {
      const { staking, token, outsider } = await loadFixture(deployMarketSystem);
      await staking.connect(outsider).register("", "0x", 1n);
      const deadline = BigInt((await time.latest()) + 3600);
      const sig = await signPermit(token, outsider, await staking.getAddress(), 7n * E18, deadline);
      await expect(staking.connect(outsider).stakeWithPermit(7n * E18, deadline, sig.v, sig.r, sig.s))
        .to.emit(staking, "Staked")
        .withArgs(outsider.address, 7n * E18);
    });

    it("reverts ZeroAmount and NotRegistered", async function () {
      const { staking, providers, outsider } = await loadFixture(deployMarketSystem);
      await expect(staking.connect(providers[0]).stake(0)).to.be.revertedWithCustomError(
        staking,
        "Staking__ZeroAmount",
      );
      await expect(staking.connect(outsider).stake(1)).to.be.revertedWithCustomError(
        staking,
        "Staking__NotRegistered",
      );
      await expect(staking.connect(providers[0]).unbond(0)).to.be.revertedWithCustomError(
        staking,
        "Staking__ZeroAmount",
      );
    });

    it("unbonds free stake, then withdraws after the delay", async function () {
      const { staking, token, providers } = await loadFixture(deployMarketSystem);
      const p = providers[0];
      const tx = staking.connect(p).unbond(400n * E18);
      await expect(tx).to.emit(staking, "Unbonded");
      const info = await staking.providerInfo(p.address);
      expect(info.stake).to.equal(600n * E18);
      expect(info.unbonding).to.equal(400n * E18);
      await expect(staking.connect(p).withdraw())
        .to.be.revertedWithCustomError(staking, "Staking__UnbondingNotReady")
        .withArgs(info.unbondReadyAt);
      await time.increaseTo(info.unbondReadyAt);
      await expect(staking.connect(p).withdraw())
        .to.emit(staking, "Withdrawn")
        .withArgs(p.address, 400n * E18);
      await expect(staking.connect(p).withdraw()).to.be.revertedWithCustomError(
        staking,
        "Staking__NothingToWithdraw",
      );
      expect(await token.balanceOf(await staking.getAddress())).to.equal(2_600n * E18);
    });

    it("refuses to unbond locked stake", async function () {
      const { staking, providers, mkt } = await loadFixture(directMarketFixture);
      const p = providers[0];
      await staking.connect(mkt).lock(p.address, 0, 700n * E18, await until());
      await expect(staking.connect(p).unbond(301n * E18))
        .to.be.revertedWithCustomError(staking, "Staking__InsufficientFreeStake")
        .withArgs(301n * E18, 300n * E18);
      expect(await staking.freeStake(p.address)).to.equal(300n * E18);
    });
  });

  describe("# lock / unlock / slash (MARKET_ROLE)", function () {
    it("returns a status for each ineligibility and locks when eligible", async function () {
      const { staking, providers, outsider, mkt, admin } = await loadFixture(directMarketFixture);
      const u = await until();
      const p = providers[0].address;
      expect(await staking.connect(mkt).lock.staticCall(outsider.address, 0, 1n, u)).to.equal(1n); // NotRegistered
      expect(await staking.connect(mkt).lock.staticCall(p, 7, 1n, u)).to.equal(3n); // ClassNotSupported
      expect(await staking.connect(mkt).lock.staticCall(p, 70, 1n, u)).to.equal(3n);
      expect(await staking.connect(mkt).lock.staticCall(p, 0, 1_001n * E18, u)).to.equal(5n); // InsufficientFreeStake
      await staking.connect(admin).setParameters({ ...STAKING_PARAMS, minStake: 2_000n * E18 });
      expect(await staking.connect(mkt).lock.staticCall(p, 0, 1n, u)).to.equal(4n); // BelowMinStake
      await staking.connect(admin).setParameters(STAKING_PARAMS);
      expect(await staking.connect(mkt).lock.staticCall(p, 0, 1n, u)).to.equal(0n);
    });

    it("reverts LockOutlivesUnbonding for locks longer than the unbonding delay", async function () {
      const { staking, providers, mkt } = await loadFixture(directMarketFixture);
      const tooLate = (await time.latest()) + 31 * DAY;
      await expect(
        staking.connect(mkt).lock(providers[0].address, 0, 1n, tooLate),
      ).to.be.revertedWithCustomError(staking, "Staking__LockOutlivesUnbonding");
    });

    it("unlocks and reverts ExceedsLocked beyond the lock", async function () {
      const { staking, providers, mkt } = await loadFixture(directMarketFixture);
      const p = providers[0].address;
      await staking.connect(mkt).lock(p, 0, 10n, await until());
      await expect(staking.connect(mkt).unlock(p, 11n))
        .to.be.revertedWithCustomError(staking, "Staking__ExceedsLocked")
        .withArgs(p, 11n, 10n);
      await expect(staking.connect(mkt).slash(p, 11n, mkt.address)).to.be.revertedWithCustomError(
        staking,
        "Staking__ExceedsLocked",
      );
      await staking.connect(mkt).unlock(p, 10n);
      expect((await staking.providerInfo(p)).locked).to.equal(0n);
    });

    it("slashes locked stake, splits it, jails at the threshold; governance unjails", async function () {
      const { staking, token, providers, requester, mkt, admin } = await loadFixture(directMarketFixture);
      const p = providers[0].address;
      for (let i = 1; i <= 3; i++) {
        await staking.connect(mkt).lock(p, 0, 100n * E18, await until());
        const tx = staking.connect(mkt).slash(p, 100n * E18, requester.address);
        await expect(tx)
          .to.emit(staking, "Slashed")
          .withArgs(p, 100n * E18, requester.address, 50n * E18, 50n * E18);
        await expect(tx).to.changeTokenBalance(token, requester, 50n * E18);
        if (i === 3) await expect(tx).to.emit(staking, "Jailed");
      }
      const info = await staking.providerInfo(p);
      expect(info.stake).to.equal(700n * E18);
      expect(info.faults).to.equal(0n);
      expect(await staking.connect(mkt).lock.staticCall(p, 0, 1n, await until())).to.equal(2n); // Jailed
      await expect(staking.connect(admin).unjail(p)).to.emit(staking, "Unjailed").withArgs(p);
      expect(await staking.connect(mkt).lock.staticCall(p, 0, 1n, await until())).to.equal(0n);
    });
  });

  describe("# rewards", function () {
    it("distributes pro rata, exactly, under stake changes", async function () {
      const { staking, token, providers, mkt } = await loadFixture(directMarketFixture);
      const [a, b, c] = providers;
      const stakingAddr = await staking.getAddress();
      // 3 × 1000 staked; 300 in → 100 each
      await token.connect(mkt).transfer(stakingAddr, 300n * E18);
      await expect(staking.connect(mkt).notifyReward(300n * E18)).to.emit(staking, "RewardsDistributed");
      expect(await staking.pendingRewards(a.address)).to.equal(100n * E18);
      // a doubles its stake: 2000/1000/1000; 400 in → 200/100/100
      await staking.connect(a).stake(1_000n * E18);
      await token.connect(mkt).transfer(stakingAddr, 400n * E18);
      await staking.connect(mkt).notifyReward(400n * E18);
      expect(await staking.pendingRewards(a.address)).to.equal(300n * E18);
      expect(await staking.pendingRewards(b.address)).to.equal(200n * E18);
      // b unbonds everything: 2000/0/1000; 300 in → 200/0/100
      await staking.connect(b).unbond(1_000n * E18);
      await token.connect(mkt).transfer(stakingAddr, 300n * E18);
      await staking.connect(mkt).notifyReward(300n * E18);
      expect(await staking.pendingRewards(a.address)).to.equal(500n * E18);
      expect(await staking.pendingRewards(b.address)).to.equal(200n * E18);
      expect(await staking.pendingRewards(c.address)).to.equal(300n * E18);
      await expect(staking.connect(b).claimRewards())
        .to.emit(staking, "RewardsClaimed")
        .withArgs(b.address, 200n * E18);
      await expect(staking.connect(b).claimRewards()).to.be.revertedWithCustomError(
        staking,
        "Staking__NothingToWithdraw",
      );
      const [totalStaked, totalUnbonding, reserve] = await staking.totals();
      expect(await token.balanceOf(stakingAddr)).to.equal(totalStaked + totalUnbonding + reserve);
    });

    it("queues rewards that arrive while nothing is staked", async function () {
      const { token, admin, requester } = await loadFixture(deployMarketSystem);
      const staking = await upgrades.deployProxy(
        await ethers.getContractFactory("Staking"),
        [await token.getAddress(), admin.address, STAKING_PARAMS],
        { kind: "uups" },
      );
      await staking.connect(admin).grantRole(await staking.MARKET_ROLE(), requester.address);
      await token.connect(requester).transfer(await staking.getAddress(), 10n);
      await staking.connect(requester).notifyReward(10n);
      expect((await staking.totals())[3]).to.equal(10n);
      await expect(staking.connect(requester).notifyReward(0)).to.be.revertedWithCustomError(
        staking,
        "Staking__ZeroAmount",
      );
    });
  });

  describe("# setParameters", function () {
    it("sets, emits and validates", async function () {
      const { staking, admin } = await loadFixture(deployMarketSystem);
      await expect(staking.connect(admin).setParameters({ ...STAKING_PARAMS, minStake: 1n })).to.emit(
        staking,
        "ParametersSet",
      );
      expect((await staking.parameters()).minStake).to.equal(1n);
      await expect(staking.connect(admin).setParameters({ ...STAKING_PARAMS, unbondingDelay: 0 }))
        .to.be.revertedWithCustomError(staking, "Staking__InvalidParameter")
        .withArgs(1);
      await expect(staking.connect(admin).setParameters({ ...STAKING_PARAMS, slashRequesterBps: 10_001 }))
        .to.be.revertedWithCustomError(staking, "Staking__InvalidParameter")
        .withArgs(2);
      expect(await staking.unbondingDelay()).to.equal(BigInt(STAKING_PARAMS.unbondingDelay));
    });
  });
});
