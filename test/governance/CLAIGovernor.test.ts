import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CFG, governanceFixture } from "../fixtures/governance";
import {
  descriptionHash,
  passProposal,
  propose,
  ProposalState,
  toVoteEnd,
  toVoting,
  VoteType,
  type Proposal,
} from "../../scripts/lib/governance";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

async function implementationOf(proxy: string): Promise<string> {
  const raw = await ethers.provider.getStorage(proxy, IMPLEMENTATION_SLOT);
  return ethers.getAddress("0x" + raw.slice(26));
}

describe("CLAIGovernor", function () {
  async function votingPeriodProposal(
    newPeriod: bigint,
  ): Promise<Proposal & { fixture: Awaited<ReturnType<typeof governanceFixture>> }> {
    const fixture = await loadFixture(governanceFixture);
    const { governor } = fixture;
    return {
      fixture,
      targets: [await governor.getAddress()],
      values: [0n],
      calldatas: [governor.interface.encodeFunctionData("setVotingPeriod", [newPeriod])],
      description: `Set voting period to ${newPeriod}s`,
    };
  }

  describe("# initialize", function () {
    it("wires token, timelock and settings", async function () {
      const { governor, token, timelock } = await loadFixture(governanceFixture);
      expect(await governor.name()).to.equal("CLAIGovernor");
      expect(await governor.token()).to.equal(await token.getAddress());
      expect(await governor.timelock()).to.equal(await timelock.getAddress());
      expect(await governor.votingDelay()).to.equal(BigInt(CFG.votingDelay));
      expect(await governor.votingPeriod()).to.equal(BigInt(CFG.votingPeriod));
      expect(await governor.proposalThreshold()).to.equal(CFG.proposalThreshold);
      expect(await governor["quorumNumerator()"]()).to.equal(BigInt(CFG.quorumPercent));
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await timelock.getMinDelay()).to.equal(BigInt(CFG.timelockDelay));
    });

    it("cannot be initialized twice", async function () {
      const { governor, token, timelock } = await loadFixture(governanceFixture);
      await expect(
        governor.initialize(await token.getAddress(), await timelock.getAddress(), 1, 1, 0, 4),
      ).to.be.revertedWithCustomError(governor, "InvalidInitialization");
    });
  });

  describe("# propose -> vote -> queue -> execute", function () {
    it("changes a parameter (voting period) and emits each lifecycle event", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, deployer, alice } = p.fixture;
      await expect(governor.propose(p.targets, p.values, p.calldatas, p.description)).to.emit(
        governor,
        "ProposalCreated",
      );
      const id = await governor.hashProposal(p.targets, p.values, p.calldatas, descriptionHash(p));
      expect(await governor.state(id)).to.equal(ProposalState.Pending);
      await toVoting(governor, id);
      expect(await governor.state(id)).to.equal(ProposalState.Active);
      const weight = await governor.getVotes(deployer.address, await governor.proposalSnapshot(id));
      await expect(governor.castVote(id, VoteType.For))
        .to.emit(governor, "VoteCast")
        .withArgs(deployer.address, id, VoteType.For, weight, "");
      await governor.connect(alice).castVote(id, VoteType.Abstain);
      const [against, forVotes, abstain] = await governor.proposalVotes(id);
      expect([against, forVotes, abstain]).to.deep.equal([
        0n,
        weight,
        await governor.getVotes(alice.address, await governor.proposalSnapshot(id)),
      ]);
      await toVoteEnd(governor, id);
      expect(await governor.state(id)).to.equal(ProposalState.Succeeded);
      await expect(governor.queue(p.targets, p.values, p.calldatas, descriptionHash(p))).to.emit(
        governor,
        "ProposalQueued",
      );
      expect(await governor.state(id)).to.equal(ProposalState.Queued);
      await time.increaseTo((await governor.proposalEta(id)) + 1n);
      await expect(governor.execute(p.targets, p.values, p.calldatas, descriptionHash(p)))
        .to.emit(governor, "ProposalExecuted")
        .withArgs(id)
        .and.to.emit(governor, "VotingPeriodSet")
        .withArgs(BigInt(CFG.votingPeriod), 7200n);
      expect(await governor.state(id)).to.equal(ProposalState.Executed);
      expect(await governor.votingPeriod()).to.equal(7200n);
    });

    it("upgrades the token through a proposal", async function () {
      const { governor, token, deployer } = await loadFixture(governanceFixture);
      const tokenAddr = await token.getAddress();
      const v2Impl = (await upgrades.prepareUpgrade(
        tokenAddr,
        await ethers.getContractFactory("CLAITokenV2Mock"),
        {
          kind: "uups",
        },
      )) as string;
      const p: Proposal = {
        targets: [tokenAddr],
        values: [0n],
        calldatas: [token.interface.encodeFunctionData("upgradeToAndCall", [v2Impl, "0x"])],
        description: "Upgrade CLAI to V2",
      };
      await passProposal(governor, deployer, [deployer], p);
      expect(await implementationOf(tokenAddr)).to.equal(ethers.getAddress(v2Impl));
      const v2 = await ethers.getContractAt("CLAITokenV2Mock", tokenAddr);
      expect(await v2.version()).to.equal("2");
      expect(await v2.totalSupply()).to.equal(CFG.initialSupply);
    });

    it("upgrades the governor and the timelock themselves through proposals", async function () {
      const { governor, timelock, deployer } = await loadFixture(governanceFixture);
      const govAddr = await governor.getAddress();
      const tlAddr = await timelock.getAddress();
      const newGovImpl = await (await ethers.getContractFactory("CLAIGovernor")).deploy();
      const newTlImpl = await (await ethers.getContractFactory("CLAITimelock")).deploy();
      const p: Proposal = {
        targets: [govAddr, tlAddr],
        values: [0n, 0n],
        calldatas: [
          governor.interface.encodeFunctionData("upgradeToAndCall", [await newGovImpl.getAddress(), "0x"]),
          timelock.interface.encodeFunctionData("upgradeToAndCall", [await newTlImpl.getAddress(), "0x"]),
        ],
        description: "Upgrade governor and timelock",
      };
      await passProposal(governor, deployer, [deployer], p);
      expect(await implementationOf(govAddr)).to.equal(await newGovImpl.getAddress());
      expect(await implementationOf(tlAddr)).to.equal(await newTlImpl.getAddress());
    });
  });

  describe("# failure paths", function () {
    it("defeats a proposal with more votes against", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, deployer, alice } = p.fixture;
      const id = await propose(governor, alice, p);
      await toVoting(governor, id);
      await governor.connect(alice).castVote(id, VoteType.For);
      await governor.connect(deployer).castVote(id, VoteType.Against);
      await toVoteEnd(governor, id);
      expect(await governor.state(id)).to.equal(ProposalState.Defeated);
      await expect(
        governor.queue(p.targets, p.values, p.calldatas, descriptionHash(p)),
      ).to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState");
    });

    it("defeats a unanimous proposal below quorum", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, bob } = p.fixture;
      const id = await propose(governor, bob, p);
      await toVoting(governor, id);
      await governor.connect(bob).castVote(id, VoteType.For);
      await toVoteEnd(governor, id);
      const snapshot = await governor.proposalSnapshot(id);
      expect(await governor.getVotes(bob.address, snapshot)).to.be.lessThan(await governor.quorum(snapshot));
      expect(await governor.state(id)).to.equal(ProposalState.Defeated);
    });

    it("refuses execution before the timelock delay has passed", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, timelock, deployer } = p.fixture;
      const id = await propose(governor, deployer, p);
      await toVoting(governor, id);
      await governor.castVote(id, VoteType.For);
      await toVoteEnd(governor, id);
      await governor.queue(p.targets, p.values, p.calldatas, descriptionHash(p));
      await expect(
        governor.execute(p.targets, p.values, p.calldatas, descriptionHash(p)),
      ).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
      expect(await governor.votingPeriod()).to.equal(BigInt(CFG.votingPeriod));
    });

    it("refuses proposals from holders below the threshold", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, carol } = p.fixture;
      await expect(governor.connect(carol).propose(p.targets, p.values, p.calldatas, p.description))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(carol.address, 0n, CFG.proposalThreshold);
    });

    it("lets the proposer cancel a pending proposal, which can then never be voted on", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, alice } = p.fixture;
      const id = await propose(governor, alice, p);
      expect(await governor.proposalNeedsQueuing(id)).to.equal(true);
      await expect(governor.connect(alice).cancel(p.targets, p.values, p.calldatas, descriptionHash(p)))
        .to.emit(governor, "ProposalCanceled")
        .withArgs(id);
      expect(await governor.state(id)).to.equal(ProposalState.Canceled);
      await toVoting(governor, id);
      await expect(governor.connect(alice).castVote(id, VoteType.For)).to.be.revertedWithCustomError(
        governor,
        "GovernorUnexpectedProposalState",
      );
    });

    it("refuses cancellation by anyone but the proposer", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, alice, bob } = p.fixture;
      await propose(governor, alice, p);
      await expect(
        governor.connect(bob).cancel(p.targets, p.values, p.calldatas, descriptionHash(p)),
      ).to.be.revertedWithCustomError(governor, "GovernorUnableToCancel");
    });

    it("refuses to count a second vote from the same account", async function () {
      const p = await votingPeriodProposal(7200n);
      const { governor, deployer } = p.fixture;
      const id = await propose(governor, deployer, p);
      await toVoting(governor, id);
      await governor.castVote(id, VoteType.For);
      await expect(governor.castVote(id, VoteType.For))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(deployer.address);
    });
  });

  describe("# access control", function () {
    it("rejects direct calls to onlyGovernance functions", async function () {
      const { governor, alice } = await loadFixture(governanceFixture);
      const impl = await (await ethers.getContractFactory("CLAIGovernor")).deploy();
      const calls = [
        () => governor.connect(alice).setVotingPeriod(1),
        () => governor.connect(alice).setVotingDelay(1),
        () => governor.connect(alice).setProposalThreshold(1),
        () => governor.connect(alice).updateQuorumNumerator(1),
        () => governor.connect(alice).updateTimelock(alice.address),
        async () => governor.connect(alice).upgradeToAndCall(await impl.getAddress(), "0x"),
      ];
      for (const call of calls) {
        await expect(call())
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(alice.address);
      }
    });

    it("lets only the timelock upgrade itself", async function () {
      const { timelock, deployer } = await loadFixture(governanceFixture);
      const impl = await (await ethers.getContractFactory("CLAITimelock")).deploy();
      await expect(timelock.upgradeToAndCall(await impl.getAddress(), "0x"))
        .to.be.revertedWithCustomError(timelock, "CLAITimelock__OnlySelf")
        .withArgs(deployer.address);
    });

    it("lets only the governor schedule or cancel on the timelock", async function () {
      const { timelock, deployer } = await loadFixture(governanceFixture);
      await expect(
        timelock.schedule(deployer.address, 0, "0x", ethers.ZeroHash, ethers.ZeroHash, CFG.timelockDelay),
      )
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, await timelock.PROPOSER_ROLE());
      await expect(timelock.cancel(ethers.ZeroHash))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, await timelock.CANCELLER_ROLE());
    });
  });
});
