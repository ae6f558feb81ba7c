import { expect } from "chai";
import { ethers, network, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import {
  CIRCUIT_BAD,
  CIRCUIT_OK,
  CLASS_GPU,
  DAY,
  DUMMY_PROOF,
  E18,
  OPTIMISTIC,
  SNARK_SCALAR_FIELD,
  Skip,
  Status,
  ZK,
  assignVia,
  createTask,
  deployMarketSystem,
  makeOffer,
  signOffer,
  signPermit,
  signalsHash,
  taskBinding,
  taskParams,
} from "../fixtures/market";

/** ERC-7201 base slot of TaskMarketStorage; `tasks` is its 7th slot (see TaskMarket.sol). */
const TASK_MARKET_STORAGE = 0x4bcc9b963b7010f505de5ef3964e30b8ed0c3e41b4ec707b198527327558c200n;
const TASK_SLOTS = 6;
function taskSlot(taskId: bigint): bigint {
  return BigInt(
    ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [taskId, TASK_MARKET_STORAGE + 6n]),
    ),
  );
}

describe("TaskMarket", function () {
  async function openTaskFixture() {
    const sys = await deployMarketSystem();
    const taskId = await createTask(sys.market, sys.requester);
    return { ...sys, taskId };
  }

  async function assignedTaskFixture() {
    const sys = await openTaskFixture();
    await assignVia(sys, sys.taskId, sys.providers[0]);
    return sys;
  }

  async function submittedTaskFixture() {
    const sys = await assignedTaskFixture();
    await sys.market.connect(sys.providers[0]).submitResult(sys.taskId, ethers.id("result"), "bafyresult");
    return sys;
  }

  async function disputedTaskFixture() {
    const sys = await submittedTaskFixture();
    await sys.market.connect(sys.requester).disputeTask(sys.taskId);
    return sys;
  }

  async function zkAssignedFixture() {
    const sys = await deployMarketSystem();
    const taskId = await createTask(sys.market, sys.requester, { mode: ZK, circuitId: CIRCUIT_OK });
    await assignVia(sys, taskId, sys.providers[0]);
    return { ...sys, taskId };
  }

  describe("# initialize", function () {
    it("grants the admin every role and the deployer none", async function () {
      const { market, admin, deployer } = await loadFixture(deployMarketSystem);
      for (const role of [
        await market.DEFAULT_ADMIN_ROLE(),
        await market.UPGRADER_ROLE(),
        await market.PARAMETER_ROLE(),
        await market.ARBITER_ROLE(),
      ]) {
        expect(await market.hasRole(role, admin.address)).to.equal(true);
        expect(await market.hasRole(role, deployer.address)).to.equal(false);
      }
    });

    it("cannot be initialized twice", async function () {
      const { market, token, staking, reputation, registry, admin, marketConfig } =
        await loadFixture(deployMarketSystem);
      await expect(
        market.initialize(token, staking, reputation, registry, admin.address, marketConfig),
      ).to.be.revertedWithCustomError(market, "InvalidInitialization");
    });

    it("rejects a zero address", async function () {
      const { token, staking, reputation, registry, marketConfig } = await loadFixture(deployMarketSystem);
      await expect(
        upgrades.deployProxy(
          await ethers.getContractFactory("TaskMarket"),
          [
            await token.getAddress(),
            await staking.getAddress(),
            await reputation.getAddress(),
            await registry.getAddress(),
            ethers.ZeroAddress,
            marketConfig,
          ],
          { kind: "uups" },
        ),
      ).to.be.reverted;
    });
  });

  describe("# createTask", function () {
    it("locks units × maxPrice and emits TaskCreated", async function () {
      const { market, token, requester } = await loadFixture(deployMarketSystem);
      const params = await taskParams();
      {
        const tx = market.connect(requester).createTask(params);
        await expect(tx)
          .to.emit(market, "TaskCreated")
          .withArgs(1n, requester.address, params.resourceClass, params.maxPricePerUnit, anyValue);
        await expect(tx).to.changeTokenBalances(token, [requester, market], [-20n * E18, 20n * E18]);
      }
      const t = await market.getTask(1n);
      expect(t.requester).to.equal(requester.address);
      expect(t.status).to.equal(Status.Open);
      expect(await market.heldFor(1n)).to.equal(20n * E18);
    });

    it("creates with a permit and no prior allowance", async function () {
      const { market, token, outsider } = await loadFixture(deployMarketSystem);
      await token.connect(outsider).approve(await market.getAddress(), 0);
      const params = await taskParams();
      const deadline = BigInt((await time.latest()) + 3600);
      const sig = await signPermit(token, outsider, await market.getAddress(), 20n * E18, deadline);
      {
        const tx = market.connect(outsider).createTaskWithPermit(params, deadline, sig.v, sig.r, sig.s);
        await expect(tx).to.emit(market, "TaskCreated");
        await expect(tx).to.changeTokenBalance(token, market, 20n * E18);
      }
    });

    it("still creates when the permit was front-run", async function () {
      const { market, token, outsider } = await loadFixture(deployMarketSystem);
      await token.connect(outsider).approve(await market.getAddress(), 0);
      const params = await taskParams();
      const deadline = BigInt((await time.latest()) + 3600);
      const sig = await signPermit(token, outsider, await market.getAddress(), 20n * E18, deadline);
      await token.permit(
        outsider.address,
        await market.getAddress(),
        20n * E18,
        deadline,
        sig.v,
        sig.r,
        sig.s,
      );
      await expect(
        market.connect(outsider).createTaskWithPermit(params, deadline, sig.v, sig.r, sig.s),
      ).to.emit(market, "TaskCreated");
    });

    it("creates a ZK task on an active 3-signal circuit", async function () {
      const { market, requester } = await loadFixture(deployMarketSystem);
      expect(await market.NUM_SIGNALS()).to.equal(3n);
      await market.connect(requester).createTask(await taskParams({ mode: ZK, circuitId: CIRCUIT_OK }));
      expect((await market.getTask(1n)).circuitId).to.equal(CIRCUIT_OK);
    });

    it("reverts with InvalidCircuit for a circuit with another number of public signals", async function () {
      const { market, registry, verifierOk, admin, requester } = await loadFixture(deployMarketSystem);
      const four = ethers.id("circuit.four-signals");
      await registry.connect(admin).registerCircuit(four, await verifierOk.getAddress(), 4);
      await expect(market.connect(requester).createTask(await taskParams({ mode: ZK, circuitId: four })))
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidCircuit")
        .withArgs(four);
    });

    it("reverts with ZeroAmount on zero units or zero price", async function () {
      const { market, requester } = await loadFixture(deployMarketSystem);
      await expect(
        market.connect(requester).createTask(await taskParams({ units: 0 })),
      ).to.be.revertedWithCustomError(market, "TaskMarket__ZeroAmount");
      await expect(
        market.connect(requester).createTask(await taskParams({ maxPricePerUnit: 0 })),
      ).to.be.revertedWithCustomError(market, "TaskMarket__ZeroAmount");
    });

    it("reverts with InvalidDeadlines when deadlines are out of order or past", async function () {
      const { market, requester } = await loadFixture(deployMarketSystem);
      const now = await time.latest();
      await expect(
        market
          .connect(requester)
          .createTask(await taskParams({ assignDeadline: now + 100, completionDeadline: now + 50 })),
      )
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidDeadlines")
        .withArgs(now + 100, now + 50);
      await expect(
        market.connect(requester).createTask(await taskParams({ assignDeadline: now - 1 })),
      ).to.be.revertedWithCustomError(market, "TaskMarket__InvalidDeadlines");
    });

    it("reverts with DurationTooLong beyond maxTaskDuration", async function () {
      const { market, requester } = await loadFixture(deployMarketSystem);
      const now = await time.latest();
      await expect(
        market.connect(requester).createTask(await taskParams({ completionDeadline: now + 8 * DAY })),
      ).to.be.revertedWithCustomError(market, "TaskMarket__DurationTooLong");
    });

    it("reverts with InvalidMinReputation above 10 000", async function () {
      const { market, requester } = await loadFixture(deployMarketSystem);
      await expect(market.connect(requester).createTask(await taskParams({ minReputation: 10_001 })))
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidMinReputation")
        .withArgs(10_001);
    });

    it("reverts with InvalidCircuit for unknown/inactive circuits or a circuit on an optimistic task", async function () {
      const { market, registry, admin, requester } = await loadFixture(deployMarketSystem);
      const unknown = ethers.id("nope");
      await expect(market.connect(requester).createTask(await taskParams({ mode: ZK, circuitId: unknown })))
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidCircuit")
        .withArgs(unknown);
      await expect(
        market.connect(requester).createTask(await taskParams({ mode: OPTIMISTIC, circuitId: CIRCUIT_OK })),
      ).to.be.revertedWithCustomError(market, "TaskMarket__InvalidCircuit");
      await registry.connect(admin).setCircuitActive(CIRCUIT_OK, false);
      await expect(
        market.connect(requester).createTask(await taskParams({ mode: ZK, circuitId: CIRCUIT_OK })),
      ).to.be.revertedWithCustomError(market, "TaskMarket__InvalidCircuit");
    });

    it("reverts with SignalOutOfField for a ZK input commitment ≥ the field", async function () {
      const { market, requester } = await loadFixture(deployMarketSystem);
      await expect(
        market.connect(requester).createTask(
          await taskParams({
            mode: ZK,
            circuitId: CIRCUIT_OK,
            inputCommitment: ethers.toBeHex(SNARK_SCALAR_FIELD, 32),
          }),
        ),
      )
        .to.be.revertedWithCustomError(market, "TaskMarket__SignalOutOfField")
        .withArgs(SNARK_SCALAR_FIELD);
    });
  });

  describe("# cancelTask / expireTask", function () {
    it("lets the requester cancel an open task with a full refund", async function () {
      const { market, token, requester, taskId } = await loadFixture(openTaskFixture);
      {
        const tx = market.connect(requester).cancelTask(taskId);
        await expect(tx)
          .to.emit(market, "TaskCancelled")
          .withArgs(taskId, 20n * E18);
        await expect(tx).to.changeTokenBalance(token, requester, 20n * E18);
      }
      expect((await market.getTask(taskId)).status).to.equal(Status.Cancelled);
    });

    it("reverts cancel by a non-requester with NotRequester", async function () {
      const { market, outsider, taskId } = await loadFixture(openTaskFixture);
      await expect(market.connect(outsider).cancelTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__NotRequester")
        .withArgs(taskId, outsider.address);
    });

    it("reverts with UnknownTask and WrongStatus", async function () {
      const { market, requester, taskId } = await loadFixture(assignedTaskFixture);
      await expect(market.connect(requester).cancelTask(99n))
        .to.be.revertedWithCustomError(market, "TaskMarket__UnknownTask")
        .withArgs(99n);
      await expect(market.connect(requester).cancelTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__WrongStatus")
        .withArgs(taskId, Status.Assigned);
    });

    it("lets anyone expire an open task after the assignment deadline", async function () {
      const { market, token, requester, outsider, taskId } = await loadFixture(openTaskFixture);
      const t = await market.getTask(taskId);
      await expect(market.connect(outsider).expireTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlineNotReached")
        .withArgs(taskId, t.assignDeadline);
      await time.increaseTo(t.assignDeadline + 1n);
      {
        const tx = market.connect(outsider).expireTask(taskId);
        await expect(tx)
          .to.emit(market, "TaskExpired")
          .withArgs(taskId, 20n * E18);
        await expect(tx).to.changeTokenBalance(token, requester, 20n * E18);
      }
    });
  });

  describe("# assignBatch", function () {
    it("assigns at the offer price, refunds the difference and locks stake", async function () {
      const sys = await loadFixture(openTaskFixture);
      const { market, token, staking, requester, providers, taskId } = sys;
      const p = providers[0];
      const txp = assignVia(sys, taskId, p);
      // payment 10 × 1 = 10 CLAI, lock max(10, 50 % × 10) = 10; refund 10 × (2 − 1) = 10
      {
        const tx = txp;
        await expect(tx)
          .to.emit(market, "TaskAssigned")
          .withArgs(taskId, p.address, E18, 10n * E18, 10n * E18, false);
        await expect(tx).to.changeTokenBalances(token, [requester, market], [10n * E18, -10n * E18]);
      }
      const t = await market.getTask(taskId);
      expect(t.status).to.equal(Status.Assigned);
      expect(t.provider).to.equal(p.address);
      // the provider's reject window opens at assignment
      expect(t.timer).to.equal(BigInt((await time.latest()) + 1_800));
      expect((await staking.providerInfo(p.address)).locked).to.equal(10n * E18);
      expect(await market.offerFilled(p.address, 1)).to.equal(10n);
    });

    it("assigns many tasks from one offer while capacity lasts and skips the rest", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const { market, matcher, requester, providers } = sys;
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await createTask(market, requester));
      const offer = await makeOffer(providers[0], { capacity: 20 });
      const signature = await signOffer(market, providers[0], offer);
      await expect(market.connect(matcher).assignBatch(ids.map((taskId) => ({ taskId, offer, signature }))))
        .to.emit(market, "MatchSkipped")
        .withArgs(ids[2], providers[0].address, Skip.CapacityExceeded);
      expect(await market.offerFilled(providers[0].address, 1)).to.equal(20n);
    });

    async function expectSkip(
      sys: Awaited<ReturnType<typeof openTaskFixture>>,
      reason: number,
      offerOverrides: Parameters<typeof makeOffer>[1] = {},
      signer = sys.providers[0],
      provider = sys.providers[0],
    ) {
      const offer = await makeOffer(provider, offerOverrides);
      const signature = await signOffer(sys.market, signer, offer);
      await expect(sys.market.connect(sys.matcher).assignBatch([{ taskId: sys.taskId, offer, signature }]))
        .to.emit(sys.market, "MatchSkipped")
        .withArgs(sys.taskId, provider.address, reason);
      expect((await sys.market.getTask(sys.taskId)).status).to.equal(Status.Open);
    }

    it("skips a task that is not open (unknown id or assigned)", async function () {
      const sys = await loadFixture(assignedTaskFixture);
      const offer = await makeOffer(sys.providers[1]);
      const signature = await signOffer(sys.market, sys.providers[1], offer);
      for (const taskId of [sys.taskId, 77n]) {
        await expect(sys.market.connect(sys.matcher).assignBatch([{ taskId, offer, signature }]))
          .to.emit(sys.market, "MatchSkipped")
          .withArgs(taskId, sys.providers[1].address, Skip.TaskNotOpen);
      }
    });

    it("skips after the assignment deadline", async function () {
      const sys = await loadFixture(openTaskFixture);
      await time.increaseTo((await sys.market.getTask(sys.taskId)).assignDeadline + 1n);
      await expectSkip(sys, Skip.AssignmentClosed, { expiry: (await time.latest()) + DAY });
    });

    it("skips an expired offer", async function () {
      const sys = await loadFixture(openTaskFixture);
      await expectSkip(sys, Skip.OfferExpired, { expiry: (await time.latest()) - 1 });
    });

    it("skips a resource-class mismatch", async function () {
      const sys = await loadFixture(openTaskFixture);
      await expectSkip(sys, Skip.ResourceClassMismatch, { resourceClass: CLASS_GPU });
    });

    it("skips a price above the task's max", async function () {
      const sys = await loadFixture(openTaskFixture);
      await expectSkip(sys, Skip.PriceAboveMax, { pricePerUnit: 3n * E18 });
    });

    it("skips self-dealing (provider = requester)", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const p = sys.providers[0];
      await sys.token.connect(p).approve(await sys.market.getAddress(), ethers.MaxUint256);
      const taskId = await createTask(sys.market, p);
      await expectSkip({ ...sys, taskId }, Skip.SelfDealing);
    });

    it("skips cancelled offers (single nonce and below a minimum nonce)", async function () {
      const sys = await loadFixture(openTaskFixture);
      const p = sys.providers[0];
      await expect(sys.market.connect(p).cancelOffer(1))
        .to.emit(sys.market, "OfferCancelled")
        .withArgs(p.address, 1);
      await expectSkip(sys, Skip.OfferCancelled, { nonce: 1 });
      await expect(sys.market.connect(p).cancelOffersBelow(10))
        .to.emit(sys.market, "OffersCancelledBelow")
        .withArgs(p.address, 10);
      await expectSkip(sys, Skip.OfferCancelled, { nonce: 9 });
      expect(await sys.market.minOfferNonce(p.address)).to.equal(10n);
    });

    it("skips capacity exceeded", async function () {
      const sys = await loadFixture(openTaskFixture);
      await expectSkip(sys, Skip.CapacityExceeded, { capacity: 5 });
    });

    it("skips a signature by someone else or malformed", async function () {
      const sys = await loadFixture(openTaskFixture);
      await expectSkip(sys, Skip.InvalidSignature, {}, sys.providers[1], sys.providers[0]);
      const offer = await makeOffer(sys.providers[0]);
      await expect(
        sys.market.connect(sys.matcher).assignBatch([{ taskId: sys.taskId, offer, signature: "0x1234" }]),
      )
        .to.emit(sys.market, "MatchSkipped")
        .withArgs(sys.taskId, sys.providers[0].address, Skip.InvalidSignature);
    });

    it("skips a provider below the task's minimum reputation", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const taskId = await createTask(sys.market, sys.requester, { minReputation: 6_000 });
      await expectSkip({ ...sys, taskId }, Skip.ReputationTooLow);
    });

    it("skips an unregistered provider", async function () {
      const sys = await loadFixture(openTaskFixture);
      await expectSkip(sys, Skip.NotRegistered, {}, sys.outsider, sys.outsider);
    });

    it("skips a provider without the class, below min stake or without free stake", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const p = sys.providers[0];
      const gpuTask = await createTask(sys.market, sys.requester, { resourceClass: 5 });
      await expectSkip({ ...sys, taskId: gpuTask }, Skip.ClassNotSupported, { resourceClass: 5 });
      const big = await createTask(sys.market, sys.requester, { units: 1000, maxPricePerUnit: 10n * E18 });
      await expectSkip({ ...sys, taskId: big }, Skip.InsufficientFreeStake, {
        capacity: 5000,
        pricePerUnit: 5n * E18,
      });
      await sys.staking.connect(p).unbond(950n * E18);
      const small = await createTask(sys.market, sys.requester);
      await expectSkip({ ...sys, taskId: small }, Skip.BelowMinStake);
    });

    it("skips a jailed provider", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const p = sys.providers[0];
      for (let i = 0; i < 3; i++) {
        const id = await createTask(sys.market, sys.requester);
        await assignVia(sys, id, p, { nonce: 100 + i });
        await sys.market.connect(p).failTask(id);
      }
      expect((await sys.staking.providerInfo(p.address)).jailedUntil).to.be.gt(0n);
      await sys.reputation.connect(sys.admin).reset(p.address, 5_000);
      const id = await createTask(sys.market, sys.requester);
      await expectSkip({ ...sys, taskId: id }, Skip.Jailed, { nonce: 200 });
    });

    it("reverts for a caller without MATCHER_ROLE", async function () {
      const { market, outsider, taskId, providers } = await loadFixture(openTaskFixture);
      const offer = await makeOffer(providers[0]);
      const signature = await signOffer(market, providers[0], offer);
      await expect(market.connect(outsider).assignBatch([{ taskId, offer, signature }]))
        .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await market.MATCHER_ROLE());
    });
  });

  describe("# claimTask", function () {
    it("lets an eligible provider claim at max price after the match timeout", async function () {
      const { market, providers, taskId } = await loadFixture(openTaskFixture);
      const t = await market.getTask(taskId);
      await expect(market.connect(providers[1]).claimTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__ClaimNotOpen")
        .withArgs(taskId, t.timer);
      await time.increaseTo(t.timer);
      await expect(market.connect(providers[1]).claimTask(taskId))
        .to.emit(market, "TaskAssigned")
        .withArgs(taskId, providers[1].address, 2n * E18, 10n * E18, 0n, true);
      expect((await market.getTask(taskId)).timer).to.equal(BigInt((await time.latest()) + 1_800));
    });

    it("reverts after the assignment deadline, for the requester, and for ineligible providers", async function () {
      const sys = await loadFixture(openTaskFixture);
      const { market, requester, outsider, taskId } = sys;
      const t = await market.getTask(taskId);
      await time.increaseTo(t.timer);
      await expect(market.connect(requester).claimTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__ProviderIneligible")
        .withArgs(taskId, requester.address, Skip.SelfDealing);
      await expect(market.connect(outsider).claimTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__ProviderIneligible")
        .withArgs(taskId, outsider.address, Skip.NotRegistered);
      await time.increaseTo(t.assignDeadline + 1n);
      await expect(market.connect(sys.providers[0]).claimTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlinePassed")
        .withArgs(taskId, t.assignDeadline);
    });
  });

  describe("# OPTIMISTIC mode", function () {
    it("submitResult opens the challenge window", async function () {
      const { market, providers, taskId } = await loadFixture(assignedTaskFixture);
      await expect(market.connect(providers[0]).submitResult(taskId, ethers.id("r"), "cid"))
        .to.emit(market, "ResultSubmitted")
        .withArgs(taskId, providers[0].address, ethers.id("r"), "cid", anyValue);
      expect((await market.getTask(taskId)).status).to.equal(Status.Submitted);
    });

    it("submitResult reverts for a non-provider, after the deadline, and on a ZK task", async function () {
      const { market, providers, outsider, taskId } = await loadFixture(assignedTaskFixture);
      await expect(market.connect(outsider).submitResult(taskId, ethers.id("r"), ""))
        .to.be.revertedWithCustomError(market, "TaskMarket__NotProvider")
        .withArgs(taskId, outsider.address);
      const t = await market.getTask(taskId);
      await time.increaseTo(t.completionDeadline + 1n);
      await expect(market.connect(providers[0]).submitResult(taskId, ethers.id("r"), ""))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlinePassed")
        .withArgs(taskId, t.completionDeadline);
      const zk = await loadFixture(zkAssignedFixture);
      await expect(zk.market.connect(zk.providers[0]).submitResult(zk.taskId, ethers.id("r"), ""))
        .to.be.revertedWithCustomError(zk.market, "TaskMarket__WrongMode")
        .withArgs(zk.taskId, ZK);
    });

    it("finalizeTask pays the provider minus the fee after the window", async function () {
      const { market, token, staking, reputation, providers, outsider, taskId } =
        await loadFixture(submittedTaskFixture);
      const t = await market.getTask(taskId);
      await expect(market.connect(outsider).finalizeTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlineNotReached")
        .withArgs(taskId, t.timer);
      await time.increaseTo(t.timer + 1n);
      // payment 10 CLAI, fee 2 % = 0.2
      {
        const tx = market.connect(outsider).finalizeTask(taskId);
        await expect(tx)
          .to.emit(market, "TaskCompleted")
          .withArgs(taskId, providers[0].address, 10n * E18, E18 / 5n);
        await expect(tx).to.changeTokenBalance(token, providers[0], 10n * E18 - E18 / 5n);
      }
      expect(await market.accruedFees()).to.equal(E18 / 5n);
      expect((await staking.providerInfo(providers[0].address)).locked).to.equal(0n);
      expect(await reputation.scoreOf(providers[0].address)).to.equal(5_250n);
    });

    it("disputeTask takes the bond; only the requester, only within the window", async function () {
      const { market, token, requester, outsider, taskId } = await loadFixture(submittedTaskFixture);
      await expect(market.connect(outsider).disputeTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__NotRequester")
        .withArgs(taskId, outsider.address);
      {
        const tx = market.connect(requester).disputeTask(taskId);
        await expect(tx)
          .to.emit(market, "TaskDisputed")
          .withArgs(taskId, requester.address, 50n * E18, anyValue);
        await expect(tx).to.changeTokenBalance(token, requester, -50n * E18);
      }
      expect(await market.heldFor(taskId)).to.equal(60n * E18);
    });

    it("disputeTask reverts after the window with DeadlinePassed", async function () {
      const { market, requester, taskId } = await loadFixture(submittedTaskFixture);
      const t = await market.getTask(taskId);
      await time.increaseTo(t.timer + 1n);
      await expect(market.connect(requester).disputeTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlinePassed")
        .withArgs(taskId, t.timer);
    });

    it("resolveDispute(fault) slashes the lock and refunds escrow + bond", async function () {
      const { market, token, staking, admin, requester, providers, taskId } =
        await loadFixture(disputedTaskFixture);
      // lock 10 → 5 to the requester (50 %), 5 to stakers; escrow 10 + bond 50 back
      {
        const tx = market.connect(admin).resolveDispute(taskId, true);
        await expect(tx)
          .to.emit(market, "DisputeResolved")
          .withArgs(taskId, true)
          .and.to.emit(market, "TaskFailed")
          .withArgs(taskId, providers[0].address, 10n * E18, 10n * E18)
          .and.to.emit(staking, "Slashed")
          .withArgs(providers[0].address, 10n * E18, requester.address, 5n * E18, 5n * E18);
        await expect(tx).to.changeTokenBalance(token, requester, 65n * E18);
      }
      expect((await staking.providerInfo(providers[0].address)).stake).to.equal(990n * E18);
    });

    it("resolveDispute(no fault) pays the provider and gives it the bond", async function () {
      const { market, token, admin, providers, taskId } = await loadFixture(disputedTaskFixture);
      {
        const tx = market.connect(admin).resolveDispute(taskId, false);
        await expect(tx).to.emit(market, "TaskCompleted");
        await expect(tx).to.changeTokenBalance(token, providers[0], 10n * E18 - E18 / 5n + 50n * E18);
      }
    });

    it("resolveDispute reverts with ArbitrationClosed once the arbitration window is over", async function () {
      const { market, admin, outsider, taskId } = await loadFixture(disputedTaskFixture);
      const t = await market.getTask(taskId);
      await time.increaseTo(t.timer + 1n);
      await expect(market.connect(admin).resolveDispute(taskId, false))
        .to.be.revertedWithCustomError(market, "TaskMarket__ArbitrationClosed")
        .withArgs(taskId, t.timer);
      // the same instant is the first at which anyone may lapse it: the two are disjoint
      await expect(market.connect(outsider).lapseDispute(taskId)).to.emit(market, "DisputeLapsed");
    });

    it("resolveDispute still works at the last second of the window", async function () {
      const { market, admin, taskId } = await loadFixture(disputedTaskFixture);
      const t = await market.getTask(taskId);
      await time.setNextBlockTimestamp(t.timer);
      await expect(market.connect(admin).resolveDispute(taskId, true)).to.emit(market, "DisputeResolved");
    });

    it("resolveDispute reverts for non-arbiters and non-disputed tasks", async function () {
      const { market, admin, outsider, taskId } = await loadFixture(submittedTaskFixture);
      await expect(market.connect(outsider).resolveDispute(taskId, true)).to.be.revertedWithCustomError(
        market,
        "AccessControlUnauthorizedAccount",
      );
      await expect(market.connect(admin).resolveDispute(taskId, true))
        .to.be.revertedWithCustomError(market, "TaskMarket__WrongStatus")
        .withArgs(taskId, Status.Submitted);
    });

    it("lapseDispute refunds the escrow and pays the bond to the provider after the arbitration window", async function () {
      const { market, token, staking, reputation, requester, outsider, providers, taskId } =
        await loadFixture(disputedTaskFixture);
      const t = await market.getTask(taskId);
      await expect(market.connect(outsider).lapseDispute(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlineNotReached")
        .withArgs(taskId, t.timer);
      await time.increaseTo(t.timer + 1n);
      {
        const tx = market.connect(outsider).lapseDispute(taskId);
        await expect(tx)
          .to.emit(market, "DisputeLapsed")
          .withArgs(taskId, 10n * E18, 50n * E18);
        // escrow 10 back to the requester; its 50 bond compensates the provider; nobody slashed
        await expect(tx).to.changeTokenBalances(
          token,
          [requester, providers[0], market],
          [10n * E18, 50n * E18, -60n * E18],
        );
        await expect(tx).not.to.emit(staking, "Slashed");
      }
      const info = await staking.providerInfo(providers[0].address);
      expect(info.locked).to.equal(0n);
      expect(info.stake).to.equal(1_000n * E18);
      expect(await reputation.scoreOf(providers[0].address)).to.equal(5_000n);
      expect((await market.getTask(taskId)).status).to.equal(Status.Annulled);
      expect(await market.heldFor(taskId)).to.equal(0n);
    });

    it("a requester who disputes and lets the dispute lapse ends worse off than by finalizing", async function () {
      const { market, token, requester, outsider, taskId } = await loadFixture(disputedTaskFixture);
      const before = await token.balanceOf(requester.address);
      await time.increaseTo((await market.getTask(taskId)).timer + 1n);
      await market.connect(outsider).lapseDispute(taskId);
      // only the 10 escrow comes back after posting the 50 bond: 40 worse off than paying the provider
      expect((await token.balanceOf(requester.address)) - before).to.equal(10n * E18);
    });
  });

  describe("# failTask", function () {
    it("lets the provider fail at any time (slash + refund + reputation cut)", async function () {
      const { market, token, reputation, requester, providers, taskId } =
        await loadFixture(assignedTaskFixture);
      {
        const tx = market.connect(providers[0]).failTask(taskId);
        await expect(tx)
          .to.emit(market, "TaskFailed")
          .withArgs(taskId, providers[0].address, 10n * E18, 10n * E18);
        await expect(tx).to.changeTokenBalance(token, requester, 15n * E18);
      }
      expect(await reputation.scoreOf(providers[0].address)).to.equal(4_000n);
    });

    it("lets anyone fail only after the completion deadline", async function () {
      const { market, outsider, taskId } = await loadFixture(assignedTaskFixture);
      const t = await market.getTask(taskId);
      await expect(market.connect(outsider).failTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__DeadlineNotReached")
        .withArgs(taskId, t.completionDeadline);
      await time.increaseTo(t.completionDeadline + 1n);
      await expect(market.connect(outsider).failTask(taskId)).to.emit(market, "TaskFailed");
    });

    it("lets nobody but the provider fail a task before its reject window closes", async function () {
      // H2: a completion deadline right after assignment must not let the requester slash the provider
      const sys = await loadFixture(deployMarketSystem);
      const { market, requester, outsider, providers } = sys;
      const now = await time.latest();
      const taskId = await createTask(market, requester, {
        assignDeadline: now + 60,
        completionDeadline: now + 120,
      });
      await assignVia(sys, taskId, providers[0]);
      const t = await market.getTask(taskId);
      expect(t.timer).to.be.greaterThan(t.completionDeadline);
      await time.increaseTo(t.completionDeadline + 1n);
      for (const who of [requester, outsider]) {
        await expect(market.connect(who).failTask(taskId))
          .to.be.revertedWithCustomError(market, "TaskMarket__DeadlineNotReached")
          .withArgs(taskId, t.timer);
      }
      await expect(market.connect(providers[0]).rejectTask(taskId)).to.emit(market, "TaskRejected");
    });

    it("lets anyone fail after both the completion deadline and the reject window", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const now = await time.latest();
      const taskId = await createTask(sys.market, sys.requester, {
        assignDeadline: now + 60,
        completionDeadline: now + 120,
      });
      await assignVia(sys, taskId, sys.providers[0]);
      await time.increaseTo((await sys.market.getTask(taskId)).timer + 1n);
      await expect(sys.market.connect(sys.outsider).failTask(taskId)).to.emit(sys.market, "TaskFailed");
    });

    it("annuls instead of slashing when the ZK circuit was retired mid-task", async function () {
      const { market, registry, staking, admin, outsider, providers, taskId } =
        await loadFixture(zkAssignedFixture);
      await registry.connect(admin).setCircuitActive(CIRCUIT_OK, false);
      await time.increaseTo((await market.getTask(taskId)).completionDeadline + 1n);
      await expect(market.connect(outsider).failTask(taskId)).to.emit(market, "DisputeLapsed");
      expect((await staking.providerInfo(providers[0].address)).stake).to.equal(1_000n * E18);
    });
  });

  describe("# rejectTask", function () {
    it("lets the provider reject within the window: escrow back, lock released, no slash, no reputation change", async function () {
      const { market, token, staking, reputation, requester, providers, taskId } =
        await loadFixture(assignedTaskFixture);
      {
        const tx = market.connect(providers[0]).rejectTask(taskId);
        await expect(tx)
          .to.emit(market, "TaskRejected")
          .withArgs(taskId, providers[0].address, 10n * E18);
        await expect(tx).to.changeTokenBalances(token, [requester, market], [10n * E18, -10n * E18]);
        await expect(tx).not.to.emit(staking, "Slashed");
      }
      const info = await staking.providerInfo(providers[0].address);
      expect(info.locked).to.equal(0n);
      expect(info.stake).to.equal(1_000n * E18);
      expect(await reputation.scoreOf(providers[0].address)).to.equal(5_000n);
      expect((await market.getTask(taskId)).status).to.equal(Status.Rejected);
      expect(await market.heldFor(taskId)).to.equal(0n);
    });

    it("accepts a rejection at the last second of the window", async function () {
      const { market, providers, taskId } = await loadFixture(assignedTaskFixture);
      await time.setNextBlockTimestamp((await market.getTask(taskId)).timer);
      await expect(market.connect(providers[0]).rejectTask(taskId)).to.emit(market, "TaskRejected");
    });

    it("reverts with RejectWindowClosed after the window", async function () {
      const { market, providers, taskId } = await loadFixture(assignedTaskFixture);
      const t = await market.getTask(taskId);
      await time.increaseTo(t.timer + 1n);
      await expect(market.connect(providers[0]).rejectTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__RejectWindowClosed")
        .withArgs(taskId, t.timer);
    });

    it("reverts with NotProvider for anyone else, the requester included", async function () {
      const { market, requester, outsider, providers, taskId } = await loadFixture(assignedTaskFixture);
      for (const who of [requester, outsider, providers[1]]) {
        await expect(market.connect(who).rejectTask(taskId))
          .to.be.revertedWithCustomError(market, "TaskMarket__NotProvider")
          .withArgs(taskId, who.address);
      }
    });

    it("reverts with WrongStatus once a result is in, or before assignment, and UnknownTask for no task", async function () {
      const { market, requester, providers, taskId } = await loadFixture(submittedTaskFixture);
      await expect(market.connect(providers[0]).rejectTask(taskId))
        .to.be.revertedWithCustomError(market, "TaskMarket__WrongStatus")
        .withArgs(taskId, Status.Submitted);
      const open = await createTask(market, requester);
      await expect(market.connect(providers[0]).rejectTask(open))
        .to.be.revertedWithCustomError(market, "TaskMarket__WrongStatus")
        .withArgs(open, Status.Open);
      await expect(market.connect(providers[0]).rejectTask(99n))
        .to.be.revertedWithCustomError(market, "TaskMarket__UnknownTask")
        .withArgs(99n);
    });

    it("lets a claimed task be rejected too", async function () {
      const { market, token, requester, providers, taskId } = await loadFixture(openTaskFixture);
      await time.increaseTo((await market.getTask(taskId)).timer);
      await market.connect(providers[1]).claimTask(taskId);
      await expect(market.connect(providers[1]).rejectTask(taskId)).to.changeTokenBalance(
        token,
        requester,
        20n * E18,
      );
    });
  });

  describe("# reputation threshold", function () {
    async function completeAt(price: bigint) {
      const sys = await deployMarketSystem();
      const taskId = await createTask(sys.market, sys.requester, { units: 1 });
      await assignVia(sys, taskId, sys.providers[0], { pricePerUnit: price });
      await sys.market.connect(sys.providers[0]).submitResult(taskId, ethers.id("r"), "");
      await time.increaseTo((await sys.market.getTask(taskId)).timer + 1n);
      await expect(sys.market.finalizeTask(taskId)).to.emit(sys.market, "TaskCompleted");
      return sys.reputation.scoreOf(sys.providers[0].address);
    }

    it("records success for a payment of exactly minReputationPayment", async function () {
      expect(await completeAt(E18)).to.equal(5_250n);
    });

    it("records no success for a payment below minReputationPayment", async function () {
      expect(await completeAt(E18 - 1n)).to.equal(5_000n);
    });

    it("still records a fault on a task below the threshold", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const taskId = await createTask(sys.market, sys.requester, { units: 1 });
      await assignVia(sys, taskId, sys.providers[0], { pricePerUnit: 1n });
      await sys.market.connect(sys.providers[0]).failTask(taskId);
      expect(await sys.reputation.scoreOf(sys.providers[0].address)).to.equal(4_000n);
    });
  });

  describe("# ZK mode", function () {
    it("submitProof pays when the verifier accepts signals bound to task and provider", async function () {
      const { market, token, verifierOk, providers, taskId } = await loadFixture(zkAssignedFixture);
      const out = ethers.toBeHex(777n, 32);
      const t = await market.getTask(taskId);
      await verifierOk.setExpectedSignalsHash(
        signalsHash(t.inputCommitment, out, taskId, providers[0].address),
      );
      {
        const tx = market.connect(providers[0]).submitProof(taskId, out, "bafyout", DUMMY_PROOF);
        await expect(tx)
          .to.emit(market, "ProofAccepted")
          .withArgs(taskId, providers[0].address, out, "bafyout")
          .and.to.emit(market, "TaskCompleted");
        await expect(tx).to.changeTokenBalance(token, providers[0], 10n * E18 - E18 / 5n);
      }
    });

    it("rejects a proof whose signals were bound to another task or provider", async function () {
      const { market, verifierOk, providers, taskId } = await loadFixture(zkAssignedFixture);
      const out = ethers.toBeHex(777n, 32);
      const t = await market.getTask(taskId);
      await verifierOk.setExpectedSignalsHash(
        signalsHash(t.inputCommitment, out, taskId + 1n, providers[0].address),
      );
      await expect(market.connect(providers[0]).submitProof(taskId, out, "", DUMMY_PROOF))
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidProof")
        .withArgs(taskId);
      await verifierOk.setExpectedSignalsHash(
        signalsHash(t.inputCommitment, out, taskId, providers[1].address),
      );
      await expect(
        market.connect(providers[0]).submitProof(taskId, out, "", DUMMY_PROOF),
      ).to.be.revertedWithCustomError(market, "TaskMarket__InvalidProof");
    });

    it("rejects with InvalidProof when the verifier rejects or reverts", async function () {
      const sys = await loadFixture(deployMarketSystem);
      const taskId = await createTask(sys.market, sys.requester, { mode: ZK, circuitId: CIRCUIT_BAD });
      await assignVia(sys, taskId, sys.providers[0]);
      await expect(
        sys.market.connect(sys.providers[0]).submitProof(taskId, ethers.toBeHex(1n, 32), "", DUMMY_PROOF),
      ).to.be.revertedWithCustomError(sys.market, "TaskMarket__InvalidProof");
      await sys.verifierBad.setRevertMode(true);
      await expect(
        sys.market.connect(sys.providers[0]).submitProof(taskId, ethers.toBeHex(1n, 32), "", DUMMY_PROOF),
      ).to.be.revertedWithCustomError(sys.market, "TaskMarket__InvalidProof");
    });

    it("binds (taskId << 160) | provider as the third signal", async function () {
      expect(taskBinding(5n, "0x00000000000000000000000000000000000000ff")).to.equal((5n << 160n) + 255n);
      const { market, verifierOk, providers, taskId } = await loadFixture(zkAssignedFixture);
      const out = ethers.toBeHex(1n, 32);
      const t = await market.getTask(taskId);
      const raw = ethers.AbiCoder.defaultAbiCoder().encode(
        ["uint256[3]"],
        [[BigInt(t.inputCommitment), 1n, (taskId << 160n) | BigInt(providers[0].address)]],
      );
      await verifierOk.setExpectedSignalsHash(ethers.keccak256(raw));
      await expect(market.connect(providers[0]).submitProof(taskId, out, "", DUMMY_PROOF)).to.emit(
        market,
        "ProofAccepted",
      );
    });

    it("reverts with TaskIdTooLarge for a task id ≥ 2^92 (binding would leave the field)", async function () {
      const { market, providers, taskId } = await loadFixture(zkAssignedFixture);
      // Task ids are uint40 today; plant a copy of the assigned ZK task at id 2^92 to reach the guard.
      const big = 1n << 92n;
      const addr = await market.getAddress();
      for (let i = 0n; i < BigInt(TASK_SLOTS); i++) {
        const word = await ethers.provider.getStorage(addr, taskSlot(taskId) + i);
        await network.provider.send("hardhat_setStorageAt", [
          addr,
          ethers.toQuantity(taskSlot(big) + i),
          word,
        ]);
      }
      expect((await market.getTask(big)).provider).to.equal(providers[0].address);
      await expect(market.connect(providers[0]).submitProof(big, ethers.toBeHex(1n, 32), "", DUMMY_PROOF))
        .to.be.revertedWithCustomError(market, "TaskMarket__TaskIdTooLarge")
        .withArgs(big);
      // one below the bound passes the guard and completes
      const below = big - 1n;
      for (let i = 0n; i < BigInt(TASK_SLOTS); i++) {
        const word = await ethers.provider.getStorage(addr, taskSlot(taskId) + i);
        await network.provider.send("hardhat_setStorageAt", [
          addr,
          ethers.toQuantity(taskSlot(below) + i),
          word,
        ]);
      }
      await expect(
        market.connect(providers[0]).submitProof(below, ethers.toBeHex(1n, 32), "", DUMMY_PROOF),
      ).to.emit(market, "ProofAccepted");
    });

    it("rejects an output commitment outside the field and the wrong mode", async function () {
      const { market, providers, taskId } = await loadFixture(zkAssignedFixture);
      await expect(
        market
          .connect(providers[0])
          .submitProof(taskId, ethers.toBeHex(SNARK_SCALAR_FIELD, 32), "", DUMMY_PROOF),
      ).to.be.revertedWithCustomError(market, "TaskMarket__SignalOutOfField");
      const opt = await loadFixture(assignedTaskFixture);
      await expect(
        opt.market.connect(opt.providers[0]).submitProof(opt.taskId, ethers.ZeroHash, "", DUMMY_PROOF),
      )
        .to.be.revertedWithCustomError(opt.market, "TaskMarket__WrongMode")
        .withArgs(opt.taskId, OPTIMISTIC);
    });
  });

  describe("# distributeFees", function () {
    it("splits fees between stakers and treasury", async function () {
      const sys = await loadFixture(submittedTaskFixture);
      const { market, token, staking, treasury, outsider, taskId } = sys;
      await expect(market.connect(outsider).distributeFees()).to.be.revertedWithCustomError(
        market,
        "TaskMarket__NoFees",
      );
      await time.increaseTo((await market.getTask(taskId)).timer + 1n);
      await market.finalizeTask(taskId);
      {
        const tx = market.connect(outsider).distributeFees();
        await expect(tx)
          .to.emit(market, "FeesDistributed")
          .withArgs(E18 / 10n, E18 / 10n);
        await expect(tx).to.changeTokenBalances(token, [treasury, staking], [E18 / 10n, E18 / 10n]);
      }
      expect(await market.accruedFees()).to.equal(0n);
    });
  });

  describe("# market-price tasks", function () {
    async function feedFixture() {
      const sys = await deployMarketSystem();
      const feed = await (await ethers.getContractFactory("MockAggregatorV3")).deploy(18);
      await sys.market.connect(sys.admin).setPriceFeed(0, await feed.getAddress());
      return { ...sys, feed };
    }

    it("budgets from a fresh feed price", async function () {
      const { market, feed, requester, token } = await loadFixture(feedFixture);
      await feed.setRound(5, (3n * E18) / 2n, await time.latest(), 5);
      {
        const tx = market
          .connect(requester)
          .createTaskAtMarketPrice(await taskParams({ maxPricePerUnit: 2n * E18 }));
        await expect(tx)
          .to.emit(market, "TaskCreated")
          .withArgs(1n, requester.address, 0, (3n * E18) / 2n, anyValue);
        await expect(tx).to.changeTokenBalance(token, requester, -15n * E18);
      }
      expect(await market.marketPrice(0)).to.equal((3n * E18) / 2n);
    });

    it("rejects stale, incomplete-round, non-positive and over-limit prices, and a missing feed", async function () {
      const { market, feed, requester } = await loadFixture(feedFixture);
      const now = await time.latest();
      await feed.setRound(5, E18, now - 4_000, 5);
      await expect(market.connect(requester).createTaskAtMarketPrice(await taskParams()))
        .to.be.revertedWithCustomError(market, "TaskMarket__StalePrice")
        .withArgs(0, now - 4_000, 3_600);
      await feed.setRound(5, E18, now, 4);
      await expect(
        market.connect(requester).createTaskAtMarketPrice(await taskParams()),
      ).to.be.revertedWithCustomError(market, "TaskMarket__StalePrice");
      await feed.setRound(5, 0, now, 5);
      await expect(market.connect(requester).createTaskAtMarketPrice(await taskParams()))
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidPrice")
        .withArgs(0, 0);
      await feed.setRound(5, -1, now, 5);
      await expect(
        market.connect(requester).createTaskAtMarketPrice(await taskParams()),
      ).to.be.revertedWithCustomError(market, "TaskMarket__InvalidPrice");
      await feed.setRound(6, 3n * E18, await time.latest(), 6);
      await expect(market.connect(requester).createTaskAtMarketPrice(await taskParams()))
        .to.be.revertedWithCustomError(market, "TaskMarket__PriceAboveLimit")
        .withArgs(3n * E18, 2n * E18);
      await expect(market.connect(requester).createTaskAtMarketPrice(await taskParams({ resourceClass: 3 })))
        .to.be.revertedWithCustomError(market, "TaskMarket__NoPriceFeed")
        .withArgs(3);
    });

    it("setPriceFeed rejects feeds without 18 decimals", async function () {
      const { market, admin } = await loadFixture(feedFixture);
      const bad = await (await ethers.getContractFactory("MockAggregatorV3")).deploy(8);
      await expect(market.connect(admin).setPriceFeed(1, await bad.getAddress()))
        .to.be.revertedWithCustomError(market, "TaskMarket__InvalidConfig")
        .withArgs(11);
      await expect(market.connect(admin).setPriceFeed(1, ethers.ZeroAddress))
        .to.emit(market, "PriceFeedSet")
        .withArgs(1, ethers.ZeroAddress);
    });
  });

  describe("# setConfig", function () {
    it("sets and emits; rejects lifetimes not below the unbonding delay and bad values", async function () {
      const { market, admin, marketConfig } = await loadFixture(deployMarketSystem);
      await expect(market.connect(admin).setConfig({ ...marketConfig, protocolFeeBps: 100 })).to.emit(
        market,
        "ConfigSet",
      );
      expect((await market.config()).protocolFeeBps).to.equal(100n);
      const cases: [Partial<typeof marketConfig>, number][] = [
        [{ treasury: ethers.ZeroAddress }, 0],
        [{ protocolFeeBps: 10_001 }, 1],
        [{ stakerFeeShareBps: 10_001 }, 2],
        [{ maxTaskDuration: 0, matchTimeout: 0 }, 6],
        [{ matchTimeout: 8 * DAY }, 7],
        [{ challengeWindow: 0 }, 8],
        [{ arbitrationWindow: 0 }, 9],
        [{ arbitrationWindow: 30 * DAY }, 6],
      ];
      for (const [override, index] of cases) {
        await expect(market.connect(admin).setConfig({ ...marketConfig, ...override }))
          .to.be.revertedWithCustomError(market, "TaskMarket__InvalidConfig")
          .withArgs(index);
      }
    });

    it("stores the reject window and reputation threshold; rejects a zero or too long reject window", async function () {
      const { market, admin, marketConfig } = await loadFixture(deployMarketSystem);
      const c0 = await market.config();
      expect([c0.rejectWindow, c0.minReputationPayment]).to.deep.equal([1_800n, E18]);
      await market.connect(admin).setConfig({ ...marketConfig, rejectWindow: 600, minReputationPayment: 0 });
      const c1 = await market.config();
      expect([c1.rejectWindow, c1.minReputationPayment]).to.deep.equal([600n, 0n]);
      for (const rejectWindow of [0, 7 * DAY, 7 * DAY + 1]) {
        await expect(market.connect(admin).setConfig({ ...marketConfig, rejectWindow }))
          .to.be.revertedWithCustomError(market, "TaskMarket__InvalidRejectWindow")
          .withArgs(rejectWindow, 7 * DAY);
      }
    });

    it("is upgradeable only by UPGRADER_ROLE", async function () {
      const { market, admin, outsider } = await loadFixture(deployMarketSystem);
      const impl = await (await ethers.getContractFactory("TaskMarket")).deploy();
      await expect(
        market.connect(outsider).upgradeToAndCall(await impl.getAddress(), "0x"),
      ).to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount");
      await expect(market.connect(admin).upgradeToAndCall(await impl.getAddress(), "0x")).to.emit(
        market,
        "Upgraded",
      );
    });
  });
});
