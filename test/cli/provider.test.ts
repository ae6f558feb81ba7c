import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadCore } from "../fixtures/core";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig } from "../../scripts/lib/deploy-config";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import { createWordCountJob } from "../../sdk/jobs/wordCount";
import { LocalDirStore } from "../../sdk/storage";
import { cliHarness, type CliHarness } from "./harness";

const E18 = 10n ** 18n;
const Status = { Submitted: 2n } as const;

describe("clai provider", function () {
  this.timeout(300_000);
  let cli: CliHarness;
  let c: CloudAIContracts;
  let provider: string;

  before(async function () {
    await loadCore();
    cli = await cliHarness();
    const [deployer, requester, , p] = await ethers.getSigners();
    provider = p.address; // Hardhat account 3
    c = connectContracts(await buildDeploymentExport(hre), deployer);
    await c.token.transfer(provider, 2_000n * E18);
    await c.token.transfer(requester.address, 1_000n * E18);
    await c.token.connect(requester).approve(await c.market.getAddress(), ethers.MaxUint256);
  });
  after(() => cli.cleanup());

  const run = (...args: string[]) => cli.run([...args, "--account", "3"]);

  it("register: registers once with the agent's envelope key, then reports no change", async function () {
    const status = (await run("provider", "status", "--json")).json<{
      registered: boolean;
      agent: unknown;
    }>();
    expect(status).to.include({ registered: false, agent: null });
    const first = await run("provider", "register", "--classes", "CPU", "--json");
    expect(first.code, first.stderr).to.equal(0);
    const r = first.json<{ action: string; resourceClasses: string[]; keyFile: string }>();
    expect(r).to.include({ action: "registered" });
    expect(r.resourceClasses).to.deep.equal(["CPU"]);
    expect(r.keyFile).to.equal(
      path.join(cli.cwd, ".cloudai", "agents", provider.toLowerCase(), "envelope-key.pem"),
    );
    expect(fs.statSync(r.keyFile).mode & 0o777).to.equal(0o600);
    expect((await run("provider", "register", "--classes", "CPU", "--json")).json()).to.include({
      action: "unchanged",
    });
    expect((await c.staking.providerInfo(provider)).resourceClasses).to.equal(1n);
  });

  it("stake: bonds through a permit and explains mistakes", async function () {
    const ok = await run("provider", "stake", "500", "--json");
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.json<{ stake: string }>().stake).to.equal((500n * E18).toString());
    const poor = await run("provider", "stake", "1000000");
    expect(poor.code).to.equal(1);
    expect(poor.stderr).to.match(/error: balance .* is below/);
    const stranger = await cli.run(["provider", "stake", "1", "--account", "4"]);
    expect(stranger.code).to.equal(1);
    expect(stranger.stderr).to.match(/is not registered: run `clai provider register` first/);
  });

  it("offer: publishes a signed offer with a reserved nonce, lists it, cancels it on chain", async function () {
    const pub = await run(
      "provider",
      "offer",
      "--class",
      "CPU",
      "--price",
      "1.5",
      "--capacity",
      "10",
      "--lifetime",
      "30m",
      "--json",
    );
    expect(pub.code, pub.stderr).to.equal(0);
    expect(pub.json<{ offer: { nonce: number; pricePerUnit: string } }>().offer).to.include({
      nonce: 0,
      pricePerUnit: ((15n * E18) / 10n).toString(),
    });
    const second = await run("provider", "offer", "--class", "CPU", "--price", "1.4", "--json");
    expect(second.json<{ offer: { nonce: number }; replaced: number }>()).to.deep.include({ replaced: 0 });
    const list = (await run("provider", "offer", "--list", "--json")).json<{
      offers: { nonce: number; state: string }[];
    }>();
    expect(list.offers.map((o) => [o.nonce, o.state])).to.deep.equal([[1, "valid"]]);
    const cancel = await run("provider", "offer", "--cancel", "1");
    expect(cancel.code, cancel.stderr).to.equal(0);
    expect(await c.market.offerFilled(provider, 1)).to.equal(ethers.MaxUint256);
    expect(
      (await run("provider", "offer", "--list", "--json")).json<{ offers: unknown[] }>().offers,
    ).to.deep.equal([]);
  });

  it("run --once: the agent tops up its stake, republishes its offer, claims and computes an open task", async function () {
    const [, requester] = await ethers.getSigners();
    const store = new LocalDirStore(path.join(cli.cwd, ".cloudai", "blobs"));
    const job = await createWordCountJob(store, "hello agent hello cli");
    const now = await time.latest();
    await c.market.connect(requester).createTask({
      resourceClass: 0,
      mode: 0,
      minReputation: 0,
      units: 2,
      maxPricePerUnit: 2n * E18,
      assignDeadline: now + 600,
      completionDeadline: now + 1800,
      circuitId: ethers.ZeroHash,
      inputCommitment: job.inputCommitment,
      inputCid: job.manifestCid,
    });
    const id = await c.market.taskCount();
    await time.increase(deployConfig("hardhat").market.matchTimeout + 1);
    const r = await run(
      "provider",
      "run",
      "--once",
      "--classes",
      "CPU",
      "--price",
      "CPU=1.5",
      "--stake",
      "600",
      "--jobs",
      "word-count",
      "--self-claim",
      "--json",
    );
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/"msg":"result submitted"/);
    const out = r.json<{ tasks: { taskId: string; phase: string }[]; nextNonce: number }>();
    expect(out.tasks.map((t) => [t.taskId, t.phase])).to.deep.equal([[id.toString(), "submitted"]]);
    expect(out.nextNonce).to.equal(3); // 0 and 1 by `offer`, 2 by the agent: never reused
    expect((await c.market.getTask(id)).status).to.equal(Status.Submitted);
    expect((await c.staking.providerInfo(provider)).stake).to.equal(600n * E18);

    const status = (await run("provider", "status", "--json")).json<{
      stake: string;
      offers: { nonce: number; state: string }[];
      agent: { tasks: { taskId: string; phase: string }[] };
    }>();
    expect(status.offers.map((o) => [o.nonce, o.state])).to.deep.equal([[2, "valid"]]);
    expect(status.agent.tasks.map((t) => [t.taskId, t.phase])).to.deep.equal([[id.toString(), "submitted"]]);
    const human = await run("provider", "status");
    expect(human.stdout).to.match(/registered\s+yes \(CPU\)/);
    expect(human.stdout).to.match(new RegExp(`${id}\\s+OPTIMISTIC\\s+submitted`));
  });

  it("run: configuration mistakes are errors with a message, not stack traces", async function () {
    const bad = await run("provider", "run", "--once", "--classes", "TPU");
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/^error: unknown resource class "TPU" \(known: CPU=0, GPU=1\)/);
    const price = await run("provider", "run", "--once", "--classes", "CPU", "--price", "GPU=1");
    expect(price.stderr).to.match(/error: --price names class 1, which is not served/);
  });
});
