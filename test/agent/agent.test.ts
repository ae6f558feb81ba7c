import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expectRejection } from "../helpers/expect";
import { importPublicKeySpki, modulusBits } from "../../sdk/crypto";
import { hardhatTestWallet } from "../../sdk/devAccounts";
import {
  blobCommitment,
  countWords,
  createWordCountJob,
  encodeWordCountResult,
} from "../../sdk/jobs/wordCount";
import { INSECURE_CI, createFheContext, disposeKeyPair, generateKeyPair } from "../../sdk/fhe";
import { createEncryptedJob, toBytes32 } from "../../sdk/jobs/encrypted";
import { registryCircuitId, weightedSumConfig } from "../../sdk/zk";
import { ConfigError, StateDirLockedError, ENVELOPE_KEY_FILE } from "../../agent";
import {
  CFG,
  E18,
  FlakyProvider,
  Status,
  ZK,
  agentWorld,
  createTask,
  marketCalls,
  memoryLogger,
  passMatchTimeout,
  startAgent,
  until,
  wordCountTask,
} from "./helpers";

const TEXT = "The quick brown fox jumps over the lazy dog.\nThe dog sleeps; the fox runs!\n";

describe("agent: provider agent on the deployed system", function () {
  this.timeout(300_000);

  it("registers with its RSA-OAEP 3072 key, stakes to the target through a permit and publishes an offer", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const dir = path.join(w.root, "a");
    const agent = await startAgent(w, p, dir, { policy: { targetStake: 700n * E18 } });
    await agent.tick();
    const info = await w.c.staking.providerInfo(p.address);
    expect(info.registered).to.equal(true);
    expect(info.stake).to.equal(700n * E18);
    expect(info.resourceClasses).to.equal(1n);
    const [, key] = await w.c.staking.providerMetadata(p.address);
    expect(key).to.equal(ethers.hexlify(agent.encryptionPublicKey));
    expect(modulusBits(await importPublicKeySpki(ethers.getBytes(key)))).to.equal(3072);
    expect(fs.statSync(path.join(dir, ENVELOPE_KEY_FILE)).mode & 0o777).to.equal(0o600);
    // One transaction for the stake: the permit path needs no approve.
    expect(await w.c.token.allowance(p.address, await w.c.staking.getAddress())).to.equal(0n);
    const offers = await w.board.list();
    expect(offers).to.have.length(1);
    expect(offers[0].offer).to.include({ provider: p.address, resourceClass: 0, capacity: 100, nonce: 0 });
    expect(offers[0].offer.pricePerUnit).to.equal(E18);
    // A second tick changes nothing on chain.
    const before = await ethers.provider.getBlockNumber();
    await agent.tick();
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
    await agent.stop();
  });

  it("self-claims an optimistic word-count task, submits the result, finalizes it after the challenge window and is paid", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const agent = await startAgent(w, p, path.join(w.root, "a"));
    await agent.tick();
    const { id, job } = await wordCountTask(w, TEXT, 4);
    await agent.tick();
    expect((await w.c.market.getTask(id)).status, "not claimable before the match timeout").to.equal(
      Status.Open,
    );
    await passMatchTimeout();
    await agent.tick();
    const t = await w.c.market.getTask(id);
    expect(t.status).to.equal(Status.Submitted);
    expect(t.provider).to.equal(p.address);
    const rec = agent.state().tasks[id.toString()];
    const expected = encodeWordCountResult(countWords(new TextEncoder().encode(TEXT), job.manifest.input));
    expect(t.resultCommitment).to.equal(blobCommitment(expected));
    expect(await w.store.get(rec.result!.cid)).to.deep.equal(expected);

    const balance = await w.c.token.balanceOf(p.address);
    await agent.tick();
    expect((await w.c.market.getTask(id)).status, "still in the challenge window").to.equal(Status.Submitted);
    await time.increase(CFG.market.challengeWindow + 1);
    await agent.tick();
    expect((await w.c.market.getTask(id)).status).to.equal(Status.Completed);
    const payment = 4n * 2n * E18; // claimed at the task's max price
    const net = payment - (payment * BigInt(CFG.market.protocolFeeBps)) / 10_000n;
    expect((await w.c.token.balanceOf(p.address)) - balance).to.equal(net);
    const settled = agent.state().tasks[id.toString()];
    expect(settled).to.include({ phase: "settled", outcome: "Completed" });
    expect(settled.paid).to.equal(net);
    expect(settled.txs.map((x) => x.action)).to.deep.equal(["claim", "submit", "finalize"]);
    await agent.stop();
  });

  it("rejects (unslashed, within the reject window) an optimistic task whose input commitment does not match its data", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const agent = await startAgent(w, p, path.join(w.root, "a"));
    await agent.tick();
    const real = await createWordCountJob(w.store, TEXT);
    const id = await createTask(w, {
      inputCommitment: blobCommitment(new TextEncoder().encode("other")),
      inputCid: real.manifestCid,
    });
    await passMatchTimeout();
    await agent.tick();
    const t = await w.c.market.getTask(id);
    expect(t.status).to.equal(Status.Rejected);
    const info = await w.c.staking.providerInfo(p.address);
    expect(info.locked).to.equal(0n);
    expect(info.stake).to.equal(1_000n * E18);
    const rec = agent.state().tasks[id.toString()];
    expect(rec.phase).to.equal("rejected");
    expect(rec.lastError).to.match(/JobCommitmentError/);
    expect(await marketCalls(w, p.address, "submitResult", id)).to.deep.equal([]);
    await agent.stop();
  });

  it("rejects a ZK task whose ciphertexts do not match its spec commitment, before proving", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const fhe = await createFheContext(INSECURE_CI);
    const circuit = weightedSumConfig(fhe.params, 2);
    const keys = generateKeyPair(fhe);
    try {
      const xs = [
        [1n, 2n],
        [3n, 4n],
      ];
      const job = await createEncryptedJob(w.store, fhe, circuit, keys.publicKey, xs, [1n, 2n]);
      const other = await createEncryptedJob(w.store, fhe, circuit, keys.publicKey, xs, [2n, 1n]);
      const { logger, lines } = memoryLogger();
      const agent = await startAgent(w, p, path.join(w.root, "a"), {
        logger,
        // Never used: the commitment check fails before any proving.
        zk: [{ circuit, fhe, artifacts: { wasmPath: "/nonexistent.wasm", zkeyPath: "/nonexistent.zkey" } }],
      });
      await agent.tick();
      const id = await createTask(w, {
        mode: ZK,
        circuitId: registryCircuitId(circuit.id),
        inputCommitment: toBytes32(other.specCommitment),
        inputCid: job.manifestCid,
      });
      await passMatchTimeout();
      await agent.tick();
      expect((await w.c.market.getTask(id)).status).to.equal(Status.Rejected);
      expect(agent.state().tasks[id.toString()].lastError).to.match(
        /JobCommitmentError: task \d+ commits to/,
      );
      expect(lines.some((l) => l.msg === "proof ready")).to.equal(false);
      expect((await w.c.staking.providerInfo(p.address)).locked).to.equal(0n);
      await agent.stop();
    } finally {
      disposeKeyPair(keys);
    }
  });

  it("retries transient RPC failures with backoff and still completes the task", async function () {
    const w = await agentWorld();
    const flaky = new FlakyProvider();
    const wallet = hardhatTestWallet(2, flaky); // = providers[0]
    expect(wallet.address).to.equal(w.providers[0].address);
    const { logger, lines } = memoryLogger();
    const agent = await startAgent(w, wallet, path.join(w.root, "a"), { logger });
    flaky.failNext = 3;
    await agent.tick();
    expect(flaky.failures).to.equal(3);
    const { id } = await wordCountTask(w, TEXT);
    await passMatchTimeout();
    flaky.failNext = 4;
    flaky.methods = new Set(["eth_call", "eth_getLogs", "eth_getTransactionReceipt", "eth_estimateGas"]);
    await agent.tick();
    expect(flaky.failures).to.equal(7);
    expect((await w.c.market.getTask(id)).status).to.equal(Status.Submitted);
    expect(await marketCalls(w, wallet.address, "submitResult", id)).to.have.length(1);
    expect(lines.filter((l) => l.msg === "transient failure, retrying")).to.have.length(7);
    await agent.stop();
  });

  it("works through a provider that caches identical requests (ethers' default 250 ms)", async function () {
    const w = await agentWorld();
    const wallet = hardhatTestWallet(2, new FlakyProvider(250));
    const agent = await startAgent(w, wallet, path.join(w.root, "a"));
    const { id } = await wordCountTask(w, TEXT);
    await passMatchTimeout();
    await agent.tick(); // register, stake, claim and submit within one tick: back-to-back transactions and reads
    expect((await w.c.market.getTask(id)).status).to.equal(Status.Submitted);
    expect(agent.state().tasks[id.toString()].txs.map((x) => [x.action, x.ok])).to.deep.equal([
      ["claim", true],
      ["submit", true],
    ]);
    await agent.stop();
  });

  it("ends `done` with a rejection on a fatal error and frees its state directory", async function () {
    const w = await agentWorld();
    const flaky = new FlakyProvider();
    const wallet = hardhatTestWallet(2, flaky);
    const dir = path.join(w.root, "a");
    const agent = await startAgent(w, wallet, dir, { loop: true });
    await until(
      async () => (await w.c.staking.providerInfo(wallet.address)).registered,
      30_000,
      "registration",
    );
    flaky.permanent = Object.assign(new Error("invalid request"), { code: -32600 });
    const err = await expectRejection(agent.done, Error);
    expect(err.message).to.match(/invalid request/);
    flaky.permanent = undefined;
    const again = await startAgent(w, wallet, dir);
    await again.stop();
  });

  it("refuses a second agent on the same state directory, another provider's state, and a wrong chain", async function () {
    const w = await agentWorld();
    const [p, q] = w.providers;
    const dir = path.join(w.root, "a");
    const agent = await startAgent(w, p, dir);
    await expectRejection(startAgent(w, p, dir), StateDirLockedError);
    await agent.stop();
    const err = await expectRejection(startAgent(w, q, dir), ConfigError);
    expect(err.message).to.match(/belongs to provider/);
    const wrong = { ...w.exp, chainId: 1 };
    await expectRejection(startAgent({ ...w, exp: wrong }, p, path.join(w.root, "b")), ConfigError);
  });

  it("re-checks a submission sent before a restart by its hash instead of submitting again", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const dir = path.join(w.root, "a");
    const first = await startAgent(w, p, dir, { policy: { selfClaim: false } });
    await first.tick();
    const { id } = await wordCountTask(w, TEXT);
    await passMatchTimeout();
    await w.c.market.connect(p).claimTask(id); // assigned outside the agent: it learns it from the event
    await network.provider.send("evm_setAutomine", [false]);
    try {
      const ticking = first.tick();
      await until(
        () => first.state().tasks[id.toString()]?.pendingTx?.hash !== undefined,
        60_000,
        "the submission",
      );
      await first.stop(); // stops waiting for the receipt; the transaction stays in the mempool
      await ticking;
      expect((await w.c.market.getTask(id)).status).to.equal(Status.Assigned);
      const pending = first.state().tasks[id.toString()].pendingTx!;
      expect(pending.action).to.equal("submit");
      await network.provider.send("evm_mine", []);
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    expect((await w.c.market.getTask(id)).status).to.equal(Status.Submitted);
    const second = await startAgent(w, p, dir, { policy: { selfClaim: false } });
    await second.tick();
    const rec = second.state().tasks[id.toString()];
    expect(rec.pendingTx).to.equal(undefined);
    expect(rec.phase).to.equal("submitted");
    expect(rec.txs.map((x) => [x.action, x.ok])).to.deep.equal([["submit", true]]);
    expect(await marketCalls(w, p.address, "submitResult", id)).to.have.length(1);
    await second.stop();
  });
});
