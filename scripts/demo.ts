/**
 * The main job (first README command): a CloudAI network on the in-process Hardhat chain.
 * Today it deploys the core (timelock, CLAI, governor), checks the governance hand-over, and runs a
 * full governance round-trip — a proposal that mints CLAI to a community pool — printing what happened.
 * The marketplace, agents, oracle and matcher join this job as their issues land.
 *
 *   npm run demo
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { CLAIGovernor, CLAIToken } from "../typechain-types";

const fmt = (wei: bigint) => `${hre.ethers.formatEther(wei)} CLAI`;

async function main(): Promise<void> {
  const { deployments, ethers } = hre;
  const started = Date.now();
  console.log("[1/5] deploying CloudAI core on the in-process chain…");
  await deployments.fixture(["core"]);
  const [deployer, alice, bob, pool] = await ethers.getSigners();
  const token = (await ethers.getContractAt(
    "CLAIToken",
    (await deployments.get("CLAIToken")).address,
  )) as unknown as CLAIToken;
  const governor = (await ethers.getContractAt(
    "CLAIGovernor",
    (await deployments.get("CLAIGovernor")).address,
  )) as unknown as CLAIGovernor;
  const timelockAddr = (await deployments.get("CLAITimelock")).address;
  for (const name of ["CLAITimelock", "CLAIToken", "CLAIGovernor"]) {
    console.log(`      ${name.padEnd(14)} ${(await deployments.get(name)).address}`);
  }
  const minter = await token.MINTER_ROLE();
  if (await token.hasRole(minter, deployer.address)) throw new Error("deployer still holds MINTER_ROLE");
  if (!(await token.hasRole(minter, timelockAddr))) throw new Error("timelock lacks MINTER_ROLE");
  console.log("      hand-over checked: the timelock holds every role, the deployer none");

  console.log("[2/5] distributing CLAI and delegating votes…");
  await (await token.transfer(alice.address, ethers.parseEther("6000000"))).wait();
  await (await token.transfer(bob.address, ethers.parseEther("2000000"))).wait();
  for (const s of [deployer, alice, bob]) await (await token.connect(s).delegate(s.address)).wait();

  const amount = ethers.parseEther("250000");
  const targets = [await token.getAddress()];
  const values = [0n];
  const calldatas = [token.interface.encodeFunctionData("mint", [pool.address, amount])];
  const description = `Mint ${fmt(amount)} to the community compute pool ${pool.address}`;
  const descHash = ethers.id(description);
  const gas: Record<string, bigint> = {};

  console.log("[3/5] alice proposes:", description);
  gas.propose = (await (
    await governor.connect(alice).propose(targets, values, calldatas, description)
  ).wait())!.gasUsed;
  const id = await governor.hashProposal(targets, values, calldatas, descHash);
  await time.increaseTo((await governor.proposalSnapshot(id)) + 1n);

  console.log("[4/5] voting: alice and deployer for, bob against…");
  gas.castVote = (await (await governor.connect(alice).castVote(id, 1)).wait())!.gasUsed;
  await (await governor.connect(deployer).castVote(id, 1)).wait();
  await (await governor.connect(bob).castVote(id, 0)).wait();
  const [against, forVotes, abstain] = await governor.proposalVotes(id);
  await time.increaseTo((await governor.proposalDeadline(id)) + 1n);

  console.log("[5/5] queueing in the timelock, waiting its delay, executing…");
  gas.queue = (await (await governor.queue(targets, values, calldatas, descHash)).wait())!.gasUsed;
  await time.increaseTo((await governor.proposalEta(id)) + 1n);
  gas.execute = (await (await governor.execute(targets, values, calldatas, descHash)).wait())!.gasUsed;

  const states = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];
  console.log("\n=== CloudAI demo summary ===");
  console.log(`proposal      ${id.toString().slice(0, 18)}… ${states[Number(await governor.state(id))]}`);
  console.log(`votes         for ${fmt(forVotes)} | against ${fmt(against)} | abstain ${fmt(abstain)}`);
  console.log(`pool balance  ${fmt(await token.balanceOf(pool.address))}`);
  console.log(`total supply  ${fmt(await token.totalSupply())} of cap ${fmt(await token.cap())}`);
  console.log(
    `gas           ${Object.entries(gas)
      .map(([k, v]) => `${k} ${v}`)
      .join(" | ")}`,
  );
  console.log(`run time      ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if ((await token.balanceOf(pool.address)) !== amount) throw new Error("the proposal did not mint");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
