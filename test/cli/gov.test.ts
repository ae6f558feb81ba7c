import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { loadCore } from "../fixtures/core";
import { cliHarness, type CliHarness } from "./harness";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import { hardhatTestWallet } from "../../sdk/devAccounts";

describe("clai gov", function () {
  let cli: CliHarness;
  let c: CloudAIContracts;
  let gpuFeed: string;
  let cpuFeed: string;

  before(async function () {
    await loadCore();
    cli = await cliHarness();
    const exp = await buildDeploymentExport(hre);
    c = connectContracts(exp, hre.ethers.provider);
    gpuFeed = exp.contracts.PriceFeed_GPU!.address;
    cpuFeed = exp.contracts.PriceFeed_CPU!.address;
  });

  after(() => cli.cleanup());

  it("runs propose → vote → queue → execute on the local chain, fast-forwarding with --wait", async function () {
    const propose = await cli.run([
      "gov",
      "propose",
      "--target",
      "TaskMarket",
      "--sig",
      "setPriceFeed(uint8,address)",
      "--args",
      JSON.stringify([5, gpuFeed]),
      "--description",
      "Price class 5 with the GPU feed",
      "--account",
      "0",
      "--json",
    ]);
    expect(propose.code, propose.stderr).to.equal(0);
    const p = propose.json<{
      proposalId: string;
      actions: number;
      voteStart: number;
      voteEnd: number;
      savedTo: string;
    }>();
    expect(p.actions).to.equal(1);
    expect(p.voteEnd).to.be.greaterThan(p.voteStart);
    expect(fs.existsSync(p.savedTo)).to.equal(true);
    expect(path.dirname(p.savedTo)).to.equal(path.join(cli.cwd, ".cloudai", "proposals", "31337"));
    const id = p.proposalId;
    expect(await c.governor.state(id)).to.equal(0n); // Pending

    // voting has not started: refused without --wait (no transaction sent)
    const early = await cli.run(["gov", "vote", id, "--support", "for", "--account", "0"]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/^error: proposal \S+ is Pending: voting starts .* \(pass --wait\)\n$/);

    const vote = await cli.run([
      "gov",
      "vote",
      id,
      "--support",
      "for",
      "--reason",
      "needed for class 5",
      "--wait",
      "--account",
      "0",
      "--json",
    ]);
    expect(vote.code, vote.stderr).to.equal(0);
    const v = vote.json<{ support: string; weight: string; voter: string }>();
    expect(v.support).to.equal("for");
    expect(BigInt(v.weight)).to.be.greaterThan(0n);
    expect(await c.governor.hasVoted(id, hardhatTestWallet(0).address)).to.equal(true);

    const status = await cli.run(["gov", "status", id, "--json"]);
    expect(status.code, status.stderr).to.equal(0);
    const s = status.json<{
      state: string;
      votes: { for: string; against: string; abstain: string };
      quorum: string;
      actions: { target: string; value: string; calldata: string }[];
      description: string;
    }>();
    expect(s.state).to.equal("Active");
    expect(s.votes).to.deep.equal({ for: v.weight, against: "0", abstain: "0" });
    expect(BigInt(s.quorum)).to.be.greaterThan(0n);
    expect(s.description).to.equal("Price class 5 with the GPU feed");
    expect(s.actions).to.have.length(1);
    expect(s.actions[0]!.target).to.equal(await c.market.getAddress());

    const tooEarly = await cli.run(["gov", "execute", id, "--account", "0"]);
    expect(tooEarly.code).to.equal(1);
    expect(tooEarly.stderr).to.contain("is Active; only a Queued proposal can be executed");

    const queue = await cli.run(["gov", "queue", id, "--wait", "--account", "0", "--json"]);
    expect(queue.code, queue.stderr).to.equal(0);
    expect(queue.json()).to.include({ proposalId: id, state: "Queued" });

    const exec = await cli.run(["gov", "execute", id, "--wait", "--account", "0", "--json"]);
    expect(exec.code, exec.stderr).to.equal(0);
    expect(exec.json()).to.include({ proposalId: id, state: "Executed" });
    expect(await c.market.priceFeed(5)).to.equal(gpuFeed);

    const list = await cli.run(["gov", "status", "--json"]);
    const proposals = list.json<{ proposals: { proposalId: string; state: string }[] }>().proposals;
    expect(proposals.find((x) => x.proposalId === id)).to.deep.include({ state: "Executed" });
  });

  it("rebuilds a proposal from its ProposalCreated event when it was not created here", async function () {
    const actions = path.join(cli.cwd, "actions.json");
    fs.writeFileSync(
      actions,
      JSON.stringify([
        { target: "TaskMarket", signature: "setPriceFeed(uint8,address)", args: [6, cpuFeed] },
        { target: "TaskMarket", signature: "setPriceFeed(uint8,address)", args: [7, gpuFeed] },
      ]),
    );
    const propose = await cli.run([
      "gov",
      "propose",
      "--actions",
      "actions.json",
      "-d",
      "Classes 6 and 7",
      "--account",
      "0",
      "--json",
    ]);
    expect(propose.code, propose.stderr).to.equal(0);
    const { proposalId, savedTo } = propose.json<{ proposalId: string; savedTo: string }>();
    fs.rmSync(savedTo); // forget the local copy: queue/execute must rebuild it from the event
    expect((await cli.run(["gov", "vote", proposalId, "-s", "for", "-w", "-a", "0"])).code).to.equal(0);
    const q = await cli.run(["gov", "queue", proposalId, "-w", "-a", "0"]);
    expect(q.code, q.stderr).to.equal(0);
    expect(q.stdout).to.contain("queued in the timelock");
    expect((await cli.run(["gov", "execute", proposalId, "-w", "-a", "0"])).code).to.equal(0);
    expect(await c.market.priceFeed(6)).to.equal(cpuFeed);
    expect(await c.market.priceFeed(7)).to.equal(gpuFeed);
  });

  it("shows the governor's custom errors and usage mistakes", async function () {
    // account 3 holds no votes: the governor's own error, decoded with its arguments
    const poor = await cli.run([
      "gov",
      "propose",
      "--target",
      "TaskMarket",
      "--sig",
      "setPriceFeed(uint8,address)",
      "--args",
      JSON.stringify([8, gpuFeed]),
      "-d",
      "x",
      "--account",
      "3",
    ]);
    expect(poor.code).to.equal(1);
    expect(poor.stderr).to.match(
      new RegExp(
        `^error: propose reverted: GovernorInsufficientProposerVotes\\(proposer: ${hardhatTestWallet(3).address}, votes: 0, threshold: \\d+\\)\\n$`,
      ),
    );

    const badArgs = await cli.run([
      "gov",
      "propose",
      "--target",
      "TaskMarket",
      "--sig",
      "setPriceFeed(uint8,address)",
      "--args",
      "[1]",
      "-d",
      "x",
      "-a",
      "0",
    ]);
    expect(badArgs.code).to.equal(2);
    expect(badArgs.stderr).to.match(/^error: action 1: arguments do not fit setPriceFeed\(uint8,address\)/);

    const badTarget = await cli.run([
      "gov",
      "propose",
      "--target",
      "Nope",
      "--calldata",
      "0x",
      "-d",
      "x",
      "-a",
      "0",
    ]);
    expect(badTarget.code).to.equal(2);
    expect(badTarget.stderr).to.contain('target "Nope" is neither an address nor a deployed contract');

    const badSupport = await cli.run(["gov", "vote", "1", "--support", "maybe", "-a", "0"]);
    expect(badSupport.code).to.equal(2);
    expect(badSupport.stderr).to.contain("expected one of for, against, abstain");

    const unknown = await cli.run(["gov", "queue", "12345", "-a", "0"]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal("error: unknown proposal 12345 on chain 31337\n");
  });
});
