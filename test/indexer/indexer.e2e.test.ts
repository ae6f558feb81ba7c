/**
 * The Ponder indexer end to end: a `hardhat node` on a free port, CloudAI deployed to it and driven through
 * every event kind (`scenario.ts`), the indexer (`indexer/`, PGlite in a fresh directory) started as a
 * child process, SIGKILLed mid-backfill and restarted on the same database, then every table compared with
 * the chain read through the typechain clients — counts, ids, amounts and states, exactly.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Interface, JsonRpcProvider, Network, NonceManager, ZeroAddress, ZeroHash, type Log } from "ethers";
import { connectContracts, type CloudAIContracts, type DeploymentExport } from "../../sdk/deployment";
import { HARDHAT_CHAIN_ID, hardhatTestWallet } from "../../sdk/devAccounts";
import { IAccessControl__factory } from "../../typechain-types";
import {
  type Child,
  type LocalNode,
  REPO_ROOT,
  freePort,
  nodeDeployment,
  ponderCli,
  runHardhatScript,
  spawnNode,
  startHardhatNode,
} from "../../scripts/lib/local-chain";

const STATUS = [
  "Open",
  "Assigned",
  "Submitted",
  "Disputed",
  "Completed",
  "Failed",
  "Expired",
  "Cancelled",
  "Annulled",
  "Rejected",
];
/**
 * Events the contracts declare but cannot emit in operation: a UUPS proxy's admin/beacon events, EIP-712
 * domain changes (only with an upgrade), role-admin changes (no contract re-assigns a role's admin), a
 * timelock cancellation (the governor cancels only pending proposals, which are not scheduled yet).
 */
const NOT_EMITTED = new Set([
  ...[
    "CLAIToken",
    "CLAITimelock",
    "VerifierRegistry",
    "Reputation",
    "Staking",
    "TaskMarket",
    "PriceFeed",
  ].map((c) => `${c}.RoleAdminChanged`),
  "CLAIToken.AdminChanged",
  "CLAIToken.BeaconUpgraded",
  "CLAIToken.EIP712DomainChanged",
  "CLAIGovernor.AdminChanged",
  "CLAIGovernor.BeaconUpgraded",
  "CLAIGovernor.EIP712DomainChanged",
  "CLAITimelock.AdminChanged",
  "CLAITimelock.BeaconUpgraded",
  "CLAITimelock.Cancelled",
  "VerifierRegistry.AdminChanged",
  "VerifierRegistry.BeaconUpgraded",
  "Reputation.AdminChanged",
  "Reputation.BeaconUpgraded",
  "Staking.AdminChanged",
  "Staking.BeaconUpgraded",
  "TaskMarket.AdminChanged",
  "TaskMarket.BeaconUpgraded",
  "TaskMarket.EIP712DomainChanged",
  "PriceFeed.AdminChanged",
  "PriceFeed.BeaconUpgraded",
]);
const INDEXED = [
  "CLAIToken",
  "CLAIGovernor",
  "CLAITimelock",
  "VerifierRegistry",
  "Reputation",
  "Staking",
  "TaskMarket",
  "PriceFeed_CPU",
  "PriceFeed_GPU",
];

type Row = Record<string, unknown>;
const big = (v: unknown): bigint => BigInt(v as string);
const lower = (a: string) => a.toLowerCase();
const nullableAddr = (a: string) => (a === ZeroAddress ? null : lower(a));

describe("Indexer (Ponder) end to end", function () {
  this.timeout(900_000);

  let node: LocalNode | undefined;
  let exp: DeploymentExport;
  let provider: JsonRpcProvider;
  let c: CloudAIContracts;
  let dbDir: string;
  let api = "";
  const indexers: Child[] = [];
  let indexer: Child | undefined;
  let logs: Log[] = [];
  const timings: string[] = [];
  const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  /** Starts the indexer on `dbDir`; `onLine` sees each JSON log line as it arrives. */
  async function startIndexer(
    onLine?: (line: Row, child: Child) => void,
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<Child> {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CLOUDAI_RPC_URL: node!.url,
      CLOUDAI_DEPLOYMENT: node!.exportFile,
      CLOUDAI_INDEXER_PGLITE_DIR: dbDir,
      PORT: `${port}`,
      PONDER_TELEMETRY_DISABLED: "true",
      ...extraEnv,
    };
    delete env.DATABASE_URL;
    delete env.DATABASE_PRIVATE_URL;
    delete env.DATABASE_SCHEMA;
    let pending = "";
    let child: Child | undefined = undefined;
    child = spawnNode("ponder", [ponderCli(), "start", "--schema", "cloudai", "--log-format", "json"], {
      cwd: path.join(REPO_ROOT, "indexer"),
      env,
      onOutput: (text) => {
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) {
          if (process.env.DEBUG_INDEXER_E2E) console.error(`      [ponder] ${l.slice(0, 160)}`);
          if (!onLine || !l.startsWith("{")) continue;
          try {
            if (child) onLine(JSON.parse(l) as Row, child);
          } catch {
            /* not a JSON log line */
          }
        }
      },
    });
    indexers.push(child);
    return child;
  }

  async function waitFor(what: string, child: Child, ok: () => Promise<boolean>, timeoutMs = 240_000) {
    if (process.env.DEBUG_INDEXER_E2E) console.error(`      waiting for ${what}`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!child.running) throw new Error(`indexer exited while waiting for ${what}:\n${child.output()}`);
      const done = await ok().catch((err: Error) => {
        if (err.message.includes("two copies of")) throw err; // an installation problem, not a wait
        return false;
      });
      if (done) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}:\n${child.output()}`);
  }

  /** `fetch` with retries on connection errors (the server may close an idle keep-alive socket). */
  async function request(url: string, init?: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function gql<T = Row>(query: string, variables: Row = {}): Promise<T> {
    const res = await request(`${api}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors) {
      const message = body.errors.map((e) => e.message).join("; ");
      if (message.includes("from another module or realm")) {
        throw new Error(
          'two copies of "graphql" are installed (Ponder pins 16.8.2, graph-cli hoists 16.11.0): the root ' +
            'package.json needs "overrides": { "ponder": { "graphql": "16.11.0" } } and a fresh npm install',
        );
      }
      throw new Error(`GraphQL: ${message}`);
    }
    return body.data as T;
  }

  /** Every row of a table (`plural` = the GraphQL list field), following the cursor. */
  async function all(plural: string, fields: string): Promise<Row[]> {
    const rows: Row[] = [];
    let after: string | null = null;
    for (;;) {
      const data: Record<string, { items: Row[]; pageInfo: { hasNextPage: boolean; endCursor: string } }> =
        await gql(
          `query($after: String) { ${plural}(limit: 1000, after: $after) { items { ${fields} } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
      const page = data[plural]!;
      rows.push(...page.items);
      if (!page.pageInfo.hasNextPage) return rows;
      after = page.pageInfo.endCursor;
    }
  }

  /** The latest block whose events are committed (`_meta`, read from Ponder's checkpoint table). */
  async function indexedBlock(): Promise<number> {
    const data = await gql<{ _meta: { status: { cloudai?: { block?: { number: number } } } } }>(
      "{ _meta { status } }",
    );
    return data._meta.status.cloudai?.block?.number ?? -1;
  }

  /** Waits until the indexer serves `/ready` and has indexed the chain's head. */
  async function waitForHead(child: Child): Promise<void> {
    await waitFor("/ready", child, async () => (await request(`${api}/ready`)).status === 200);
    // Ask the node directly: ethers caches getBlockNumber() for a moment.
    const head = Number(await provider.send("eth_blockNumber", []));
    await waitFor(`block ${head}`, child, async () => (await indexedBlock()) >= head);
  }

  async function chainLogs(): Promise<Log[]> {
    const addresses = INDEXED.map((n) => exp.contracts[n]!.address);
    const fromBlock = Math.min(...INDEXED.map((n) => exp.contracts[n]!.startBlock));
    const toBlock = Number(await provider.send("eth_blockNumber", []));
    return provider.getLogs({ address: addresses, fromBlock, toBlock });
  }

  before(async function () {
    let t0 = Date.now();
    node = await startHardhatNode();
    timings.push(`node ${since(t0)}`);
    t0 = Date.now();
    await runHardhatScript(node, path.join(__dirname, "scenario.ts"), {
      env: { CLOUDAI_SCENARIO_BULK: "600" },
    });
    timings.push(`deploy + scenario ${since(t0)}`);
    exp = nodeDeployment(node);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: Network.from(HARDHAT_CHAIN_ID) });
    c = connectContracts(exp, provider);
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-indexer-db-"));
  });

  after(async function () {
    if (timings.length > 0) console.log(`      timings: ${timings.join(", ")}`);
    for (const child of indexers) await child.stop("SIGKILL");
    provider?.destroy();
    await node?.stop();
    if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
  });

  it("resumes after a SIGKILL mid-backfill on the same database", async function () {
    let t0 = Date.now();
    let killedAfterRange: string | undefined;
    let completedBeforeKill = false;
    // The first run fetches with a single RPC rate bucket, so after committing its first block range it
    // waits for RPC data: the SIGKILL lands between two database transactions. (PGlite does not promise
    // crash consistency for a transaction cut by SIGKILL: in one run of many here, a kill during the next
    // batch's commit left that batch's rows without its checkpoint, and the restart hit a primary-key
    // conflict. Postgres, the production database, is transactional.)
    const first = await startIndexer(
      (line, child) => {
        if (line.msg === "Completed backfill indexing across all chains") completedBeforeKill = true;
        if (line.msg === "Indexed block range" && killedAfterRange === undefined && !completedBeforeKill) {
          killedAfterRange = String(line.block_range);
          child.proc.kill("SIGKILL");
        }
      },
      { CLOUDAI_RPC_FANOUT: "1" },
    );
    const { signal } = await first.exited;
    expect(signal, `the indexer was not killed mid-backfill:\n${first.output()}`).to.equal("SIGKILL");
    expect(completedBeforeKill).to.equal(false);
    const [, firstRangeEnd] = JSON.parse(killedAfterRange!) as [number, number];
    timings.push(`first indexer until SIGKILL ${since(t0)}`);
    t0 = Date.now();

    let resumedFrom: number | undefined;
    let recovered = false;
    indexer = await startIndexer((line) => {
      if (line.msg === "Detected crash recovery") recovered = true;
      if (line.msg === "Started backfill indexing" && resumedFrom === undefined) {
        resumedFrom = (JSON.parse(String(line.block_range)) as [number, number])[0];
      }
    });
    await waitForHead(indexer);
    timings.push(`restart until the head is indexed ${since(t0)}`);
    expect(recovered, "crash recovery was not detected").to.equal(true);
    // It continued from its checkpoint instead of starting over.
    expect(resumedFrom).to.be.greaterThan(firstRangeEnd - 1);
  });

  it("indexes every event of every contract exactly once", async function () {
    logs = await chainLogs();
    const nameOf = new Map(INDEXED.map((n) => [lower(exp.contracts[n]!.address), n]));
    const ifaces = new Map(INDEXED.map((n) => [n, new Interface(exp.contracts[n]!.abi as string[])]));
    const expected = new Map<string, string>();
    for (const log of logs) {
      const name = nameOf.get(lower(log.address))!;
      const parsed = ifaces.get(name)!.parseLog(log);
      expect(parsed, `undecodable log ${log.transactionHash}#${log.index}`).to.not.equal(null);
      expected.set(`${log.transactionHash}-${log.index}`, `${name}.${parsed!.name}`);
    }
    const raw = await all("rawEvents", "id contract event address blockNumber");
    const indexed = new Map(raw.map((r) => [String(r.id), `${String(r.contract)}.${String(r.event)}`]));
    expect(raw.length, "duplicate raw event rows").to.equal(indexed.size);
    expect(indexed.size).to.equal(expected.size);
    for (const [id, kind] of expected) expect(indexed.get(id), id).to.equal(kind);

    // Every event kind the ABIs declare was emitted (so indexed), except the documented impossible ones.
    const kinds = new Set([...expected.values()].map((k) => k.replace(/^PriceFeed_\w+\./, "PriceFeed.")));
    const declared = new Set<string>();
    for (const n of INDEXED) {
      ifaces
        .get(n)!
        .forEachEvent((e) => declared.add(`${n.replace(/^PriceFeed_\w+/, "PriceFeed")}.${e.name}`));
    }
    const missing = [...declared].filter((k) => !kinds.has(k) && !NOT_EMITTED.has(k)).sort();
    expect(missing, "event kinds the scenario did not emit").to.deep.equal([]);
    expect([...NOT_EMITTED].filter((k) => kinds.has(k) || !declared.has(k))).to.deep.equal([]);
    expect(logs.length).to.be.greaterThan(1_000);
  });

  it("mirrors every task, its history, assignments, results and disputes", async function () {
    const count = Number(await c.market.taskCount());
    const tasks = new Map(
      (
        await all(
          "tasks",
          "id taskId requester resourceClass mode units maxPricePerUnit status provider pricePerUnit lockedStake resultCommitment escrow claimed offerNonce payment fee",
        )
      ).map((t) => [String(t.id), t]),
    );
    expect(tasks.size).to.equal(count);
    const history = await all("taskStatusChanges", "taskId fromStatus toStatus blockNumber logIndex");
    const byTask = new Map<string, Row[]>();
    for (const h of history) byTask.set(String(h.taskId), [...(byTask.get(String(h.taskId)) ?? []), h]);
    let escrowSum = 0n;
    for (let id = 1n; id <= BigInt(count); id++) {
      const t = await c.market.getTask(id);
      const row = tasks.get(id.toString())!;
      const where = `task ${id}`;
      expect(row.status, where).to.equal(STATUS[Number(t.status)]);
      expect(row.requester, where).to.equal(lower(t.requester));
      expect(row.provider, where).to.equal(nullableAddr(t.provider));
      expect(big(row.units), where).to.equal(t.units);
      expect(big(row.maxPricePerUnit), where).to.equal(t.maxPricePerUnit);
      expect(row.resourceClass, where).to.equal(Number(t.resourceClass));
      expect(row.mode, where).to.equal(Number(t.mode) === 1 ? "ZK" : "OPTIMISTIC");
      expect(row.pricePerUnit === null ? 0n : big(row.pricePerUnit), where).to.equal(t.pricePerUnit);
      expect(big(row.lockedStake), where).to.equal(t.lockedStake);
      expect(row.resultCommitment ?? ZeroHash, where).to.equal(t.resultCommitment);
      const held = await c.market.heldFor(id);
      expect(big(row.escrow), where).to.equal(held);
      escrowSum += held;
      if (row.status === "Completed") {
        expect(big(row.payment), where).to.equal(t.units * t.pricePerUnit);
      }
      // The history is a chain from creation to the current status, in log order.
      const h = (byTask.get(id.toString()) ?? []).sort((a, b) =>
        big(a.blockNumber) === big(b.blockNumber)
          ? Number(a.logIndex) - Number(b.logIndex)
          : Number(big(a.blockNumber) - big(b.blockNumber)),
      );
      expect(h[0]?.fromStatus, where).to.equal(null);
      expect(h[0]?.toStatus, where).to.equal("Open");
      for (let i = 1; i < h.length; i++) expect(h[i]!.fromStatus, where).to.equal(h[i - 1]!.toStatus);
      expect(h[h.length - 1]!.toStatus, where).to.equal(row.status);
    }
    const [protocol] = await all(
      "protocols",
      "taskCount activeTaskCount escrowHeld accruedFees totalStaked totalUnbonding claiTotalSupply claiHolders providerCount proposalCount",
    );
    expect(protocol!.taskCount).to.equal(count);
    const active = [...tasks.values()].filter((t) =>
      ["Open", "Assigned", "Submitted", "Disputed"].includes(String(t.status)),
    );
    expect(protocol!.activeTaskCount).to.equal(active.length);
    expect(big(protocol!.escrowHeld)).to.equal(escrowSum);
    expect(big(protocol!.escrowHeld)).to.equal(
      (await c.token.balanceOf(await c.market.getAddress())) - (await c.market.accruedFees()),
    );
    expect(big(protocol!.accruedFees)).to.equal(await c.market.accruedFees());

    // Assignments, skips, results and disputes, one row per event.
    const countOf = (kind: string) =>
      logs
        .filter((l) => lower(l.address) === lower(exp.contracts.TaskMarket!.address))
        .filter((l) => {
          const parsed = c.market.interface.parseLog(l);
          return parsed?.name === kind;
        }).length;
    const assignments = await all("assignments", "taskId provider pricePerUnit claimed offerNonce");
    expect(assignments.length).to.equal(countOf("TaskAssigned"));
    const batch = assignments.filter((a) => a.claimed === false);
    expect(batch.length).to.be.greaterThan(0);
    for (const a of batch) expect(a.offerNonce, "matcher assignment without its offer").to.not.equal(null);
    expect((await all("matchSkips", "id reason")).map((m) => m.reason).sort()).to.deep.equal(
      ["ResourceClassMismatch", "TaskNotOpen"].sort(),
    );
    const results = await all("results", "taskId kind commitment");
    expect(results.length).to.equal(countOf("ResultSubmitted") + countOf("ProofAccepted"));
    const disputes = await all("disputes", "taskId status bond");
    expect(disputes.length).to.equal(countOf("TaskDisputed"));
    const expectedTaskStatus: Record<string, string> = {
      Open: "Disputed",
      ProviderFault: "Failed",
      ProviderCleared: "Completed",
      Lapsed: "Annulled",
    };
    for (const d of disputes) {
      expect(tasks.get(String(d.taskId))!.status).to.equal(expectedTaskStatus[String(d.status)]);
    }
    expect(disputes.map((d) => d.status).sort()).to.deep.equal(["Lapsed", "ProviderFault"]);
  });

  it("mirrors providers, stakes, reputation and offers", async function () {
    const providers = await all(
      "providers",
      "id address stake locked unbonding unbondReadyAt faults jailedUntil reputation resourceClasses metadataURI encryptionPublicKey minOfferNonce totalSlashed tasksCompleted tasksFailed tasksRejected tasksAnnulled volume",
    );
    // Per-provider task outcomes, from the chain's tasks.
    type Outcome = { counts: Record<string, number>; volume: bigint };
    const outcomes = new Map<string, Outcome>();
    for (let id = 1n; id <= (await c.market.taskCount()); id++) {
      const t = await c.market.getTask(id);
      if (t.provider === ZeroAddress) continue;
      const o = outcomes.get(lower(t.provider)) ?? { counts: {}, volume: 0n };
      const status = STATUS[Number(t.status)]!;
      o.counts[status] = (o.counts[status] ?? 0) + 1;
      if (status === "Completed") o.volume += t.units * t.pricePerUnit;
      outcomes.set(lower(t.provider), o);
    }
    const registered = logs.filter((l) => c.staking.interface.parseLog(l)?.name === "ProviderRegistered");
    expect(providers.length).to.equal(registered.length).and.to.equal(3);
    for (const p of providers) {
      const who = String(p.address);
      const info = await c.staking.providerInfo(who);
      expect(big(p.stake), who).to.equal(info.stake);
      expect(big(p.locked), who).to.equal(info.locked);
      expect(big(p.unbonding), who).to.equal(info.unbonding);
      expect(big(p.unbondReadyAt), who).to.equal(info.unbondReadyAt);
      expect(p.faults, who).to.equal(Number(info.faults));
      expect(big(p.jailedUntil), who).to.equal(info.jailedUntil);
      expect(big(p.resourceClasses), who).to.equal(info.resourceClasses);
      expect(p.reputation, who).to.equal(Number(await c.reputation.scoreOf(who)));
      const [uri, key] = await c.staking.providerMetadata(who);
      expect(p.metadataURI, who).to.equal(uri);
      expect(p.encryptionPublicKey, who).to.equal(key);
      expect(big(p.minOfferNonce), who).to.equal(await c.market.minOfferNonce(who));
      const o = outcomes.get(lower(who));
      expect(
        [p.tasksCompleted, p.tasksFailed, p.tasksRejected, p.tasksAnnulled, big(p.volume)],
        `${who} task outcomes`,
      ).to.deep.equal([
        o?.counts.Completed ?? 0,
        o?.counts.Failed ?? 0,
        o?.counts.Rejected ?? 0,
        o?.counts.Annulled ?? 0,
        o?.volume ?? 0n,
      ]);
    }
    const [protocol] = await all(
      "protocols",
      "totalStaked totalUnbonding totalSlashed rewardsDistributed rewardsClaimed",
    );
    const totals = await c.staking.totals();
    expect(big(protocol!.totalStaked)).to.equal(totals.totalStaked);
    expect(big(protocol!.totalUnbonding)).to.equal(totals.totalUnbonding);
    expect(big(protocol!.rewardsDistributed) - big(protocol!.rewardsClaimed)).to.equal(totals.rewardReserve);
    const changes = await all("stakeChanges", "kind amount");
    for (const kind of [
      "Staked",
      "Unbonded",
      "Withdrawn",
      "Slashed",
      "Jailed",
      "Unjailed",
      "RewardsClaimed",
    ]) {
      expect(changes.filter((s) => s.kind === kind).length, kind).to.be.greaterThan(0);
    }
    const reps = await all("reputationChanges", "kind");
    expect(new Set(reps.map((r) => r.kind))).to.deep.equal(new Set(["Success", "Fault", "Reset"]));

    const offers = await all("offers", "provider nonce unitsFilled cancelled");
    expect(offers.length).to.be.greaterThan(2);
    for (const o of offers) {
      const filled = await c.market.offerFilled(String(o.provider), big(o.nonce));
      const minNonce = await c.market.minOfferNonce(String(o.provider));
      if (o.cancelled) {
        expect(filled === 2n ** 256n - 1n || big(o.nonce) < minNonce, `offer ${String(o.nonce)}`).to.equal(
          true,
        );
      } else {
        expect(big(o.unitsFilled)).to.equal(filled);
        expect(big(o.nonce) >= minNonce).to.equal(true);
      }
    }
  });

  it("mirrors CLAI balances, delegation, supply, prices, circuits, roles and governance", async function () {
    const accounts = await all("accounts", "address balance delegate votes");
    let holders = 0;
    for (const a of accounts) {
      const who = String(a.address);
      const balance = await c.token.balanceOf(who);
      if (balance > 0n) holders++;
      expect(big(a.balance), who).to.equal(balance);
      expect(big(a.votes), who).to.equal(await c.token.getVotes(who));
      const delegate = await c.token.delegates(who);
      expect(a.delegate ?? ZeroAddress, who).to.equal(
        delegate === ZeroAddress ? ZeroAddress : lower(delegate),
      );
    }
    const [protocol] = await all("protocols", "claiTotalSupply claiHolders proposalCount");
    expect(big(protocol!.claiTotalSupply)).to.equal(await c.token.totalSupply());
    expect(protocol!.claiHolders).to.equal(holders);
    expect((await all("delegations", "id")).length).to.equal(
      logs.filter((l) => c.token.interface.parseLog(l)?.name === "DelegateChanged").length,
    );

    for (const [name, feed] of Object.entries(c.feeds)) {
      const [row] = await all("priceFeeds", "id name latestRoundId latestAnswer configCount f signers").then(
        (r) => r.filter((f) => f.name === name),
      );
      const latest = await feed.latestRoundData();
      expect(big(row!.latestRoundId), name).to.equal(latest.roundId);
      expect(big(row!.latestAnswer), name).to.equal(latest.answer);
      const [, configCount, f] = await feed.latestConfig();
      expect(row!.configCount).to.equal(Number(configCount));
      expect(row!.f).to.equal(Number(f));
      expect(row!.signers).to.deep.equal((await feed.signers()).map(lower));
    }
    const rounds = await all("priceRounds", "feed roundId answer updatedAt feedName observations");
    expect(rounds.length).to.equal(4);
    for (const r of rounds) {
      const feed = c.feeds[String(r.feedName)]!;
      const data = await feed.getRoundData(big(r.roundId));
      expect(big(r.answer)).to.equal(data.answer);
      expect(big(r.updatedAt)).to.equal(data.updatedAt);
    }

    for (const circuit of await all("circuits", "circuitId verifier active numPublicInputs")) {
      const onChain = await c.registry.circuit(String(circuit.circuitId));
      expect(circuit.verifier).to.equal(lower(onChain.verifier));
      expect(circuit.active).to.equal(onChain.active);
      expect(circuit.numPublicInputs).to.equal(Number(onChain.numPublicInputs));
    }

    const roles = await all("roleMembers", "address role account active");
    expect(roles.length).to.be.greaterThan(10);
    for (const r of roles) {
      const ac = IAccessControl__factory.connect(String(r.address), provider);
      expect(r.active, `${String(r.role)} of ${String(r.account)}`).to.equal(
        await ac.hasRole(String(r.role), String(r.account)),
      );
    }
    // The hand-over: the deployer holds no role anywhere.
    const deployer = lower(hardhatTestWallet(0).address);
    expect(roles.filter((r) => r.account === deployer && r.active)).to.deep.equal([]);

    const proposals = await all(
      "proposals",
      "proposalId status forVotes againstVotes abstainVotes voteCount",
    );
    expect(proposals.length).to.equal(protocol!.proposalCount);
    const STATE: Record<string, bigint> = { Canceled: 2n, Executed: 7n };
    for (const p of proposals) {
      const id = big(p.proposalId);
      expect(await c.governor.state(id)).to.equal(STATE[String(p.status)]);
      const [against, forVotes, abstain] = await c.governor.proposalVotes(id);
      expect([big(p.againstVotes), big(p.forVotes), big(p.abstainVotes)]).to.deep.equal([
        against,
        forVotes,
        abstain,
      ]);
    }
    expect((await all("votes", "support params")).some((v) => v.params !== null)).to.equal(true);
    for (const op of await all("timelockOperations", "opId status")) {
      expect(await c.timelock.isOperationDone(String(op.opId))).to.equal(op.status === "Executed");
    }
  });

  it("computes market statistics that add up to the chain's", async function () {
    const fields =
      "resourceClass periodStart tasksCreated unitsRequested tasksAssigned unitsAssigned assignedValue averagePrice tasksCompleted volume fees tasksFailed slashed unitsFilled utilisationBps";
    const hours = await all("marketStatHours", fields);
    const days = await all("marketStatDays", fields);
    const createdAt = new Map<bigint, bigint>();
    for (const l of logs) {
      const parsed = c.market.interface.parseLog(l);
      if (parsed?.name === "TaskCreated") {
        createdAt.set(
          parsed.args.taskId as bigint,
          BigInt((await provider.getBlock(l.blockNumber))!.timestamp),
        );
      }
    }
    for (const [rows, size] of [
      [hours, 3_600n],
      [days, 86_400n],
    ] as const) {
      const expected = new Map<string, { created: number; units: bigint; filled: bigint; volume: bigint }>();
      for (const [id, ts] of createdAt) {
        const t = await c.market.getTask(id);
        const key = `${Number(t.resourceClass)}-${ts - (ts % size)}`;
        const e = expected.get(key) ?? { created: 0, units: 0n, filled: 0n, volume: 0n };
        e.created++;
        e.units += t.units;
        if (t.provider !== ZeroAddress) e.filled += t.units;
        expected.set(key, e);
      }
      for (const [key, e] of expected) {
        const row = rows.find((r) => `${String(r.resourceClass)}-${String(r.periodStart)}` === key)!;
        expect(row, key).to.not.equal(undefined);
        expect(row.tasksCreated, key).to.equal(e.created);
        expect(big(row.unitsRequested), key).to.equal(e.units);
        expect(big(row.unitsFilled), key).to.equal(e.filled);
        expect(row.utilisationBps, key).to.equal(Number((e.filled * 10_000n) / e.units));
      }
      for (const r of rows) {
        const ua = big(r.unitsAssigned);
        expect(big(r.averagePrice)).to.equal(ua === 0n ? 0n : big(r.assignedValue) / ua);
      }
    }
    // Hour and day rows sum to the same totals, which are the chain's.
    let volume = 0n;
    let completed = 0;
    for (let id = 1n; id <= (await c.market.taskCount()); id++) {
      const t = await c.market.getTask(id);
      if (Number(t.status) === 4) {
        volume += t.units * t.pricePerUnit;
        completed++;
      }
    }
    for (const rows of [hours, days]) {
      expect(rows.reduce((s, r) => s + big(r.volume), 0n)).to.equal(volume);
      expect(rows.reduce((s, r) => s + Number(r.tasksCompleted), 0)).to.equal(completed);
      expect(rows.reduce((s, r) => s + Number(r.tasksCreated), 0)).to.equal(
        Number(await c.market.taskCount()),
      );
    }
    expect(new Set(days.map((d) => d.resourceClass))).to.deep.equal(new Set([0, 1]));
  });

  it("serves SQL over HTTP", async function () {
    const query = JSON.stringify({ json: { sql: 'select count(*) as n from "transfer"', params: [] } });
    const res = await request(`${api}/sql/db?sql=${encodeURIComponent(query)}`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { rows: { n: string | number }[] };
    const transfers = logs.filter((l) => c.token.interface.parseLog(l)?.name === "Transfer").length;
    expect(Number(body.rows[0]!.n)).to.equal(transfers);
    const write = JSON.stringify({ json: { sql: 'delete from "transfer"', params: [] } });
    expect((await request(`${api}/sql/db?sql=${encodeURIComponent(write)}`)).status).to.not.equal(200);
  });

  it("follows new blocks live", async function () {
    const requester = new NonceManager(hardhatTestWallet(1, provider));
    const market = c.market.connect(requester);
    const now = (await provider.getBlock("latest"))!.timestamp;
    await (
      await market.createTask({
        resourceClass: 1,
        mode: 0,
        minReputation: 0,
        units: 7,
        maxPricePerUnit: 10n ** 18n,
        assignDeadline: now + 600,
        completionDeadline: now + 1_800,
        circuitId: ZeroHash,
        inputCommitment: ZeroHash,
        inputCid: "live",
      })
    ).wait();
    await (await c.token.connect(requester).transfer(hardhatTestWallet(9).address, 12345n)).wait();
    const count = await c.market.taskCount();
    await waitForHead(indexer!);
    const data = await gql<{ task: Row | null; protocol: Row }>(
      `{ task(id: "${count}") { status units inputCid } protocol(id: "global") { taskCount } }`,
    );
    expect(data.task).to.deep.equal({ status: "Open", units: "7", inputCid: "live" });
    expect(data.protocol.taskCount).to.equal(Number(count));
    const [account] = (await all("accounts", "address balance")).filter(
      (a) => a.address === lower(hardhatTestWallet(9).address),
    );
    expect(big(account!.balance)).to.equal(await c.token.balanceOf(hardhatTestWallet(9).address));
  });
});
