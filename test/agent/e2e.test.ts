import { expect } from "chai";
import path from "node:path";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { passProposal } from "../../scripts/lib/governance";
import {
  INSECURE_CI,
  createFheContext,
  disposeKeyPair,
  generateKeyPair,
  type FheContext,
  type FheKeyPair,
} from "../../sdk/fhe";
import { createEncryptedJob, decryptJobResult, toBytes32 } from "../../sdk/jobs/encrypted";
import { countWords, encodeWordCountResult } from "../../sdk/jobs/wordCount";
import {
  createProgressLogger,
  ensureDevSetup,
  registryCircuitId,
  releaseZkWorkers,
  weightedSumConfig,
  type Groth16Setup,
  type WeightedSumCircuitConfig,
} from "../../sdk/zk";
import type { ZkProver } from "../../agent";
import {
  CFG,
  E18,
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

const net = (payment: bigint) => payment - (payment * BigInt(CFG.market.protocolFeeBps)) / 10_000n;

/**
 * A reduced demo driven by provider agents instead of by hand: two agents, a ZK task (FHE weighted sum
 * proved with the real dev Groth16 setup) and two optimistic word-count tasks, assigned by a matcher batch
 * over the agents' board offers and by self-claim. Agent A is stopped while proving, before it submitted;
 * a new agent on the same state directory submits the persisted proof without recomputing it. Every task
 * is submitted exactly once and paid.
 */
describe("agent: end-to-end reduced demo with an agent restart", function () {
  this.timeout(1_500_000);

  let fhe: FheContext;
  let circuit: WeightedSumCircuitConfig;
  let setup: Groth16Setup;
  let keys: FheKeyPair;

  before(async function () {
    fhe = await createFheContext(INSECURE_CI);
    circuit = weightedSumConfig(fhe.params, 2);
    setup = await ensureDevSetup(circuit, { log: createProgressLogger(`${circuit.id} setup`) });
    keys = generateKeyPair(fhe);
  });

  after(async function () {
    disposeKeyPair(keys);
    await releaseZkWorkers();
  });

  it("two agents complete ZK and optimistic tasks across a restart: one submission per task, all paid", async function () {
    const w = await agentWorld();
    const [pA, pB] = w.providers;
    const matcher = w.other;
    const { c } = w;
    // Governance grants MATCHER_ROLE to a test signer (the matcher service is not needed here).
    await passProposal(c.governor, w.deployer, [w.deployer], {
      targets: [w.marketAddress],
      values: [0n],
      calldatas: [
        c.market.interface.encodeFunctionData("grantRole", [await c.market.MATCHER_ROLE(), matcher.address]),
      ],
      description: "Grant MATCHER_ROLE to the agent test's matcher",
    });

    const prover: ZkProver = {
      circuit,
      fhe,
      artifacts: { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath },
    };
    const dirA = path.join(w.root, "agent-a");
    const logA = memoryLogger();
    const agentA = await startAgent(w, pA, dirA, {
      zk: [prover],
      logger: logA.logger,
      policy: { selfClaim: false, progressEveryMs: 200 },
    });
    const agentB = await startAgent(w, pB, path.join(w.root, "agent-b"), { zk: [prover] });
    await agentA.tick();
    await agentB.tick();
    const balanceA = await c.token.balanceOf(pA.address);
    const balanceB = await c.token.balanceOf(pB.address);

    // Tasks: one ZK (encrypted weighted sum), two optimistic word counts.
    const xs = [
      Array.from({ length: 8 }, (_, i) => BigInt(i + 1)),
      Array.from({ length: 8 }, (_, i) => BigInt(3 * i)),
    ];
    const weights = [3n, 5n];
    const zkJob = await createEncryptedJob(w.store, fhe, circuit, keys.publicKey, xs, weights);
    const tZk = await createTask(w, {
      mode: ZK,
      circuitId: registryCircuitId(circuit.id),
      inputCommitment: toBytes32(zkJob.specCommitment),
      inputCid: zkJob.manifestCid,
    });
    const textA = "to be or not to be\nthat is the question\n";
    const textB = "All work and no play makes Jack a dull boy.\n".repeat(20);
    const optA = await wordCountTask(w, textA);
    const optB = await wordCountTask(w, textB);

    // The matcher assigns the ZK task and one word count to A's board offer at A's price (1 CLAI/unit).
    const offerA = (await w.board.list()).find((s) => s.offer.provider === pA.address)!;
    expect(offerA, "A's offer is on the board").to.not.equal(undefined);
    await c.market
      .connect(matcher)
      .assignBatch(
        [tZk, optA.id].map((taskId) => ({ taskId, offer: offerA.offer, signature: offerA.signature })),
      );
    expect((await c.market.getTask(tZk)).provider).to.equal(pA.address);

    // B self-claims the other word count after the match timeout, and submits it.
    await passMatchTimeout();
    await agentB.tick();
    expect((await c.market.getTask(optB.id)).provider).to.equal(pB.address);
    expect((await c.market.getTask(optB.id)).status).to.equal(Status.Submitted);

    // A starts working and is stopped while proving, before it submitted anything.
    const ticking = agentA.tick();
    await until(
      () => agentA.state().tasks[tZk.toString()]?.phase === "computing",
      120_000,
      "A to start proving",
    );
    await agentA.stop();
    await ticking;
    expect((await c.market.getTask(tZk)).status).to.equal(Status.Assigned);
    expect((await c.market.getTask(optA.id)).status).to.equal(Status.Assigned);
    const persisted = agentA.state().tasks[tZk.toString()];
    expect(persisted.phase).to.equal("computed");
    expect(persisted.result?.proof).to.have.length(8);
    expect(await marketCalls(w, pA.address, "submitProof")).to.deep.equal([]);
    expect(logA.lines.some((l) => String(l.msg).startsWith("weighted-sum job started"))).to.equal(true);
    expect(
      logA.lines.some((l) => l.msg === "weighted-sum job still running"),
      "progress while proving",
    ).to.equal(true);
    expect(logA.lines.some((l) => l.msg === "proof ready")).to.equal(true);

    // A new agent instance on the same state directory resumes: submits the stored proof, runs the word count.
    const logA2 = memoryLogger();
    const agentA2 = await startAgent(w, pA, dirA, {
      zk: [prover],
      logger: logA2.logger,
      policy: { selfClaim: false },
    });
    await agentA2.tick();
    expect(
      logA2.lines.some((l) => String(l.msg).startsWith("weighted-sum job")),
      "the proof is not recomputed",
    ).to.equal(false);
    expect((await c.market.getTask(tZk)).status).to.equal(Status.Completed);
    expect((await c.market.getTask(optA.id)).status).to.equal(Status.Submitted);

    // After the challenge window both agents finalize their optimistic results.
    await time.increase(CFG.market.challengeWindow + 1);
    await agentA2.tick();
    await agentB.tick();
    for (const id of [tZk, optA.id, optB.id])
      expect((await c.market.getTask(id)).status).to.equal(Status.Completed);

    // Exactly one submission per task, no reverted duplicates.
    expect(await marketCalls(w, pA.address, "submitProof", tZk)).to.have.length(1);
    expect(await marketCalls(w, pA.address, "submitResult", optA.id)).to.have.length(1);
    expect(await marketCalls(w, pB.address, "submitResult", optB.id)).to.have.length(1);
    expect(await marketCalls(w, pA.address, "claimTask")).to.have.length(0);

    // Payments: matched tasks at A's offer price, the self-claimed one at the task's max price.
    expect((await c.token.balanceOf(pA.address)) - balanceA).to.equal(net(4n * E18) * 2n);
    expect((await c.token.balanceOf(pB.address)) - balanceB).to.equal(net(4n * 2n * E18));
    const stateA = agentA2.state();
    for (const id of [tZk, optA.id]) {
      expect(stateA.tasks[id.toString()]).to.include({ phase: "settled", outcome: "Completed" });
      expect(stateA.tasks[id.toString()].paid).to.equal(net(4n * E18));
    }
    expect(agentB.state().tasks[optB.id.toString()]).to.include({ phase: "settled", outcome: "Completed" });
    for (const p of [pA, pB]) expect((await c.staking.providerInfo(p.address)).locked).to.equal(0n);

    // The requester gets what was computed.
    const zkResult = stateA.tasks[tZk.toString()].result!;
    expect((await c.market.getTask(tZk)).resultCommitment).to.equal(zkResult.commitment);
    const t = fhe.params.plainModulus;
    const decrypted = (await decryptJobResult(w.store, fhe, keys.secretKey, zkResult.cid)).slice(0, 8);
    expect(decrypted).to.deep.equal(xs[0].map((x, i) => (weights[0] * x + weights[1] * xs[1][i]) % t));
    const wordsA = encodeWordCountResult(
      countWords(new TextEncoder().encode(textA), optA.job.manifest.input),
    );
    expect(await w.store.get(stateA.tasks[optA.id.toString()].result!.cid)).to.deep.equal(wordsA);
    expect(countWords(new TextEncoder().encode(textA), "").top.slice(0, 2)).to.deep.equal([
      ["be", 2],
      ["to", 2],
    ]);

    await agentA2.stop();
    await agentB.stop();
  });
});
