import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { CLAIGovernor, CLAIToken } from "../../../typechain-types";
import type { GasRecorder } from "../recorder";
import { signDelegation, signPermit } from "../../../sdk/signing";

/** Token and governance calls: transfer, approve, transferFrom, permit, delegate(BySig), propose, castVote, queue, execute. */
export async function governanceScenario(record: GasRecorder): Promise<void> {
  const { deployments, ethers } = hre;
  await deployments.fixture(["core"]);
  const [deployer, alice, bob, carol, dave] = await ethers.getSigners();
  const token = (await ethers.getContractAt(
    "CLAIToken",
    (await deployments.get("CLAIToken")).address,
  )) as unknown as CLAIToken;
  const governor = (await ethers.getContractAt(
    "CLAIGovernor",
    (await deployments.get("CLAIGovernor")).address,
  )) as unknown as CLAIGovernor;
  const { chainId } = await ethers.provider.getNetwork();

  await record(
    "CLAIToken.transfer (new holder)",
    token.transfer(alice.address, ethers.parseEther("5000000")),
  );
  await record("CLAIToken.transfer (existing holder)", token.transfer(alice.address, ethers.parseEther("1")));
  await record("CLAIToken.approve", token.connect(alice).approve(bob.address, ethers.parseEther("10")));
  await record(
    "CLAIToken.transferFrom",
    token.connect(bob).transferFrom(alice.address, bob.address, ethers.parseEther("1")),
  );
  await record(
    "CLAIToken.transfer (undelegated holders, new recipient)",
    token.connect(bob).transfer(dave.address, ethers.parseEther("0.5")),
  );
  const deadline = BigInt(await time.latest()) + 3600n;
  const tokenAddr = await token.getAddress();
  const permit = await signPermit(alice, chainId, tokenAddr, {
    spender: bob.address,
    value: 1000n,
    nonce: 0n,
    deadline,
  });
  await record(
    "CLAIToken.permit",
    token.connect(bob).permit(alice.address, bob.address, 1000n, deadline, permit.v, permit.r, permit.s),
  );
  // The deploy flow already made the deployer a self-delegate; measure a holder's first delegation.
  await token.transfer(carol.address, ethers.parseEther("1000"));
  await record("CLAIToken.delegate (first, self)", token.connect(carol).delegate(carol.address));
  const expiry = BigInt(await time.latest()) + 3600n;
  const delegation = await signDelegation(alice, chainId, tokenAddr, {
    delegatee: alice.address,
    nonce: 1n,
    expiry,
  });
  await record(
    "CLAIToken.delegateBySig",
    token.connect(bob).delegateBySig(alice.address, 1n, expiry, delegation.v, delegation.r, delegation.s),
  );
  await record("CLAIToken.transfer (between delegates)", token.connect(alice).transfer(deployer.address, 1n));

  const targets = [await governor.getAddress()];
  const values = [0n];
  const calldatas = [governor.interface.encodeFunctionData("setVotingPeriod", [7200])];
  const description = "gas snapshot: set voting period";
  const descHash = ethers.id(description);
  await record("CLAIGovernor.propose", governor.propose(targets, values, calldatas, description));
  const id = await governor.hashProposal(targets, values, calldatas, descHash);
  await time.increaseTo((await governor.proposalSnapshot(id)) + 1n);
  await record("CLAIGovernor.castVote", governor.castVote(id, 1));
  await record(
    "CLAIGovernor.castVoteWithReason",
    governor.connect(alice).castVoteWithReason(id, 1, "compute for all"),
  );
  await time.increaseTo((await governor.proposalDeadline(id)) + 1n);
  await record("CLAIGovernor.queue", governor.queue(targets, values, calldatas, descHash));
  await time.increaseTo((await governor.proposalEta(id)) + 1n);
  await record("CLAIGovernor.execute", governor.execute(targets, values, calldatas, descHash));
}
