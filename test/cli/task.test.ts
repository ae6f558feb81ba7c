import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadCore } from "../fixtures/core";
import { cliHarness, type CliHarness } from "./harness";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig } from "../../scripts/lib/deploy-config";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import { hardhatTestWallet } from "../../sdk/devAccounts";
import { openStore } from "../../sdk/storage";
import { blobCommitment, runWordCountJob } from "../../sdk/jobs/wordCount";

const E18 = 10n ** 18n;
const CFG = deployConfig("hardhat");
const REQUESTER = 1;
const PROVIDER = 2;

interface Created {
  taskId: string;
  mode: string;
  class: string;
  units: number;
  maxPricePerUnit: string;
  escrow: string;
  funding: string;
  inputCid: string;
  inputCommitment: string;
  assignDeadline: number;
  completionDeadline: number;
}

describe("clai task", function () {
  let cli: CliHarness;
  let c: CloudAIContracts;
  const requester = hardhatTestWallet(REQUESTER);

  before(async function () {
    await loadCore();
    cli = await cliHarness();
    const [deployer] = await hre.ethers.getSigners();
    c = connectContracts(await buildDeploymentExport(hre), deployer);
    // the requester gets CLAI from the deployer through the CLI itself
    const r = await cli.run(["token", "transfer", requester.address, "1000", "--account", "0", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json()).to.include({ to: requester.address, amount: (1000n * E18).toString() });
  });

  after(() => cli.cleanup());

  const create = (...extra: string[]) =>
    cli.run([
      "task",
      "create",
      "--text",
      "to be or not to be",
      "--max-price",
      "2",
      "--units",
      "4",
      "--account",
      String(REQUESTER),
      "--json",
      ...extra,
    ]);

  it("creates an optimistic word-count task funded by a permit, shows it, cancels it (refund)", async function () {
    const before = await c.token.balanceOf(requester.address);
    const r = await create();
    expect(r.code, r.stderr).to.equal(0);
    const created = r.json<Created>();
    expect(created).to.include({ mode: "OPTIMISTIC", class: "CPU", units: 4, funding: "permit" });
    expect(created.escrow).to.equal((8n * E18).toString());
    expect(created.inputCid).to.match(/^bafkrei/);
    const id = BigInt(created.taskId);
    expect(await c.market.taskCount()).to.equal(id);
    expect(before - (await c.token.balanceOf(requester.address))).to.equal(8n * E18);
    const onChain = await c.market.getTask(id);
    expect(onChain.requester).to.equal(requester.address);
    expect(onChain.inputCommitment).to.equal(created.inputCommitment);

    const status = await cli.run(["task", "status", created.taskId, "--json"]);
    expect(status.code, status.stderr).to.equal(0);
    const s = status.json();
    expect(s).to.include({
      taskId: created.taskId,
      status: "Open",
      mode: "OPTIMISTIC",
      requester: requester.address,
      provider: null,
      units: 4,
      maxPricePerUnit: (2n * E18).toString(),
      held: (8n * E18).toString(),
      inputCid: created.inputCid,
      resultCid: null,
    });
    expect(s.timer).to.deep.include({ kind: "claimableAt" });

    const human = await cli.run(["task", "status", created.taskId]);
    expect(human.stdout)
      .to.match(/status\s+Open/)
      .and.to.contain(`clai task cancel ${created.taskId}`);

    const cancel = await cli.run([
      "task",
      "cancel",
      created.taskId,
      "--account",
      String(REQUESTER),
      "--json",
    ]);
    expect(cancel.code, cancel.stderr).to.equal(0);
    expect(cancel.json()).to.include({
      taskId: created.taskId,
      status: "Cancelled",
      refund: (8n * E18).toString(),
    });
    expect(await c.token.balanceOf(requester.address)).to.equal(before);
    expect((await cli.run(["task", "status", created.taskId, "--json"])).json()).to.include({
      status: "Cancelled",
    });

    // a second cancel reverts on-chain: shown as the market's custom error, enum by name, no stack
    const again = await cli.run(["task", "cancel", created.taskId, "--account", String(REQUESTER)]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal(
      `error: cancelTask reverted: TaskMarket__WrongStatus(taskId: ${created.taskId}, status: Cancelled)\n`,
    );
    expect(again.stdout).to.equal("");
  });

  it("funds with approve + createTask when asked, and reuses an existing allowance", async function () {
    const r = await create("--approve");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json()).to.include({ funding: "approve" });
    // allowance was exactly used up; approve a surplus out of band and the next task just uses it
    await c.token.connect(requester.connect(hre.ethers.provider)).approve(c.market.target, 100n * E18);
    const r2 = await create();
    expect(r2.json()).to.include({ funding: "allowance" });
  });

  it("rejects a cancel by someone else with the custom error naming the caller", async function () {
    const id = (await c.market.taskCount()).toString();
    const r = await cli.run(["task", "cancel", id, "--account", "3"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(
      `error: cancelTask reverted: TaskMarket__NotRequester(taskId: ${id}, caller: ${hardhatTestWallet(3).address})\n`,
    );
  });

  it("reports an unknown task id as a user error", async function () {
    const count = await c.market.taskCount();
    const r = await cli.run(["task", "status", "999"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(`error: unknown task 999 on chain 31337: task ids are 1..${count}\n`);
    const j = await cli.run(["task", "result", "999", "--json"]);
    expect(j.code).to.equal(1);
    expect(j.stdout).to.equal("");
  });

  it("needs a key to create, and a fresh feed for market-price tasks", async function () {
    const noKey = await cli.run(["task", "create", "--text", "x", "--max-price", "1"]);
    expect(noKey.code).to.equal(1);
    expect(noKey.stderr).to.match(/^error: no key: set CLAI_PRIVATE_KEY or CLAI_KEYSTORE/);
    expect(noKey.stderr).to.not.match(/\n\s+at /);

    const env = { CLAI_PRIVATE_KEY: hardhatTestWallet(REQUESTER).privateKey };
    const noFeed = await cli.run(["task", "create", "--text", "x", "--market-price"], env);
    expect(noFeed.code).to.equal(1);
    expect(noFeed.stderr).to.match(/^error: marketPrice reverted: PriceFeed__NoDataPresent\(roundId: 0\)/);

    const usage = await cli.run(["task", "create", "--text", "x"], env);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain("--max-price");
    const both = await cli.run(["task", "create", "--text", "x", "--input", "f", "--max-price", "1"], env);
    expect(both.code).to.equal(2);
  });

  it("verifies an honest result by re-counting, flags a wrong one, and disputes it with the bond", async function () {
    const providerWallet = hardhatTestWallet(PROVIDER).connect(hre.ethers.provider);
    const [deployer] = await hre.ethers.getSigners();
    await c.token.connect(deployer).transfer(providerWallet.address, 1_000n * E18);
    await c.token.connect(providerWallet).approve(c.staking.target, hre.ethers.MaxUint256);
    await c.staking.connect(providerWallet).register("local://p", "0x01", 0b11n);
    await c.staking.connect(providerWallet).stake(500n * E18);
    const store = openStore({ cwd: cli.cwd, env: {} });

    const runTask = async (honest: boolean) => {
      const created = (await create()).json<Created>();
      const id = BigInt(created.taskId);
      await time.increase(CFG.market.matchTimeout + 1);
      await c.market.connect(providerWallet).claimTask(id);
      const job = await runWordCountJob(store, {
        inputCid: created.inputCid,
        inputCommitment: created.inputCommitment,
      });
      if (honest) {
        await c.market.connect(providerWallet).submitResult(id, job.resultCommitment, job.resultCid);
      } else {
        const fake = new TextEncoder().encode(JSON.stringify({ ...job.result, words: 1 }));
        const cid = await store.put(fake);
        await c.market.connect(providerWallet).submitResult(id, blobCommitment(fake), cid);
      }
      return created.taskId;
    };

    const good = await runTask(true);
    const r = await cli.run(["task", "result", good, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const res = r.json<{
      honest: boolean;
      recomputed: string;
      commitmentMatches: boolean;
      result: { words: number; top: unknown[] };
    }>();
    expect(res).to.include({ honest: true, recomputed: "match", commitmentMatches: true });
    expect(res.result.words).to.equal(6);
    expect(res.result.top[0]).to.deep.equal(["be", 2]);
    const human = await cli.run(["task", "result", good]);
    expect(human.stdout).to.contain("words 6").and.not.contain("WRONG");

    const bad = await runTask(false);
    const br = await cli.run(["task", "result", bad]);
    expect(br.code).to.equal(0);
    expect(br.stdout).to.contain("local re-count  mismatch").and.contain(`clai task dispute ${bad}`);

    const bond = CFG.market.disputeBond;
    const before = await c.token.balanceOf(requester.address);
    const d = await cli.run(["task", "dispute", bad, "--account", String(REQUESTER), "--json"]);
    expect(d.code, d.stderr).to.equal(0);
    expect(d.json()).to.include({ taskId: bad, status: "Disputed", bond: bond.toString() });
    expect(before - (await c.token.balanceOf(requester.address))).to.equal(bond);
    expect((await cli.run(["task", "status", bad, "--json"])).json()).to.include({ status: "Disputed" });

    // disputing the honest, already-disputed-window task after its window closed reverts with the market error
    await time.increase(CFG.market.challengeWindow + 1);
    const late = await cli.run(["task", "dispute", good, "--account", String(REQUESTER)]);
    expect(late.code).to.equal(1);
    expect(late.stderr).to.match(
      /^error: disputeTask reverted: TaskMarket__DeadlinePassed\(taskId: \d+, deadline: \d+\)\n$/,
    );
  });
});
