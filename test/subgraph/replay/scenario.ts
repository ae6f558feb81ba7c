/**
 * A synthetic event history for comparing the subgraph's handlers with the Ponder indexer's: every event
 * of every contract at least once, and every path of the handlers (task lifecycle edges, matcher batches
 * decoded from calldata, offers cancelled one by one and in bulk, disputes, jailing, reputation written
 * before registration and initial-score changes, feed re-assignment, batched timelock operations, …),
 * spread over several hours and a UTC day boundary. Logs are ABI-encoded with ethers; each side decodes
 * them its own way.
 */
import fs from "node:fs";
import path from "node:path";
import { AbiCoder, Interface, id as keccakId, keccak256, toBeHex, type InterfaceAbi } from "ethers";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SUBGRAPH = path.join(ROOT, "subgraph");
const E18 = 10n ** 18n;

/** One log with what both indexers read of its block and transaction. */
export interface ReplayLog {
  contract: string;
  address: string;
  event: string;
  topics: string[];
  data: string;
  blockNumber: string;
  timestamp: string;
  txHash: string;
  txTo: string | null;
  txInput: string;
  logIndex: number;
}

/** A data source of the committed manifest. */
export interface ManifestSource {
  name: string;
  address: string;
  abi: string;
  file: string;
  handlers: { event: string; handler: string }[];
}

export function manifestSources(): ManifestSource[] {
  const m = parse(fs.readFileSync(path.join(SUBGRAPH, "subgraph.yaml"), "utf8")) as {
    dataSources: {
      name: string;
      source: { address: string; abi: string };
      mapping: { file: string; eventHandlers: { event: string; handler: string }[] };
    }[];
  };
  return m.dataSources.map((d) => ({
    name: d.name,
    address: d.source.address.toLowerCase(),
    abi: d.source.abi,
    file: d.mapping.file,
    handlers: d.mapping.eventHandlers,
  }));
}

export function abiOf(name: string): InterfaceAbi {
  return JSON.parse(fs.readFileSync(path.join(SUBGRAPH, "abis", `${name}.json`), "utf8")) as InterfaceAbi;
}

const addr = (label: string): string => "0x" + keccakId(label).slice(26);
const b32 = (label: string): string => keccakId(label);

/** Builds the log list block by block and transaction by transaction. */
class History {
  readonly logs: ReplayLog[] = [];
  private block = 100;
  private time = 1_732_402_000n; // 01:13:20 before a UTC midnight (1_732_406_400)
  private logIndex = 0;
  private txCount = 0;
  private tx = { hash: "0x", to: null as string | null, input: "0x" };
  private readonly sources = new Map<string, ManifestSource>();
  private readonly ifaces = new Map<string, Interface>();

  constructor() {
    for (const s of manifestSources()) {
      this.sources.set(s.name, s);
      if (!this.ifaces.has(s.abi)) this.ifaces.set(s.abi, new Interface(abiOf(s.abi)));
    }
  }

  address(contract: string): string {
    const s = this.sources.get(contract);
    if (!s) throw new Error(`no data source ${contract}`);
    return s.address;
  }

  iface(abi: string): Interface {
    return this.ifaces.get(abi) as Interface;
  }

  /** Next block, `seconds` later. */
  mine(seconds: bigint | number = 12): this {
    this.block += 1;
    this.time += BigInt(seconds);
    this.logIndex = 0;
    return this;
  }

  /** Starts a transaction to `to` (default: the first emitter) with calldata `input`. */
  send(to: string | null = null, input = "0x"): this {
    this.txCount += 1;
    this.tx = { hash: keccak256(toBeHex(this.txCount, 32)), to, input };
    return this;
  }

  emit(contract: string, event: string, args: unknown[]): this {
    const source = this.sources.get(contract);
    if (!source) throw new Error(`no data source ${contract}`);
    const iface = this.iface(source.abi);
    const fragment = iface.getEvent(event);
    if (!fragment) throw new Error(`${source.abi} has no event ${event}`);
    const { topics, data } = iface.encodeEventLog(fragment, args);
    this.logs.push({
      contract,
      address: source.address,
      event,
      topics,
      data,
      blockNumber: String(this.block),
      timestamp: String(this.time),
      txHash: this.tx.hash,
      txTo: this.tx.to ?? source.address,
      txInput: this.tx.input,
      logIndex: this.logIndex++,
    });
    return this;
  }

  get now(): bigint {
    return this.time;
  }
}

const PROXIES = [
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
const ACCESS_CONTROLLED = PROXIES.filter((c) => c !== "CLAIGovernor");

/** The scenario's logs, in chain order. */
export function scenario(): ReplayLog[] {
  const h = new History();
  const market = h.address("TaskMarket");
  const timelock = h.address("CLAITimelock");
  const cpu = h.address("PriceFeed_CPU");
  const gpu = h.address("PriceFeed_GPU");
  const [deployer, r1, r2, p1, p2, p3, p4, matcher] = [
    "deployer",
    "requester1",
    "requester2",
    "provider1",
    "provider2",
    "provider3",
    "provider4",
    "matcher",
  ].map(addr);
  const signers = ["s1", "s2", "s3", "s4"].map(addr);
  const ADMIN = "0x" + "00".repeat(32);
  const WRITER = b32("WRITER_ROLE");
  const circuit = b32("weighted_sum_ci_k2");

  // ── deployment: proxies, initialisation, roles, parameters ──
  h.mine().send(deployer);
  for (const c of PROXIES) {
    h.emit(c, "Upgraded", [addr(`${c}-impl-1`)]).emit(c, "Initialized", [1n]);
  }
  for (const c of ACCESS_CONTROLLED) {
    h.emit(c, "RoleGranted", [ADMIN, deployer, deployer]).emit(c, "RoleGranted", [ADMIN, timelock, deployer]);
  }
  h.mine().send(deployer);
  for (const c of PROXIES)
    h.emit(c, "AdminChanged", [addr("0"), addr(`${c}-admin`)]).emit(c, "BeaconUpgraded", [addr("beacon")]);
  for (const c of ["CLAIToken", "CLAIGovernor", "TaskMarket"]) h.emit(c, "EIP712DomainChanged", []);
  h.emit("CLAIToken", "RoleAdminChanged", [WRITER, ADMIN, b32("OTHER_ADMIN")]);
  for (const c of [
    "CLAITimelock",
    "VerifierRegistry",
    "Reputation",
    "Staking",
    "TaskMarket",
    "PriceFeed_CPU",
    "PriceFeed_GPU",
  ]) {
    h.emit(c, "RoleAdminChanged", [b32("X_ROLE"), ADMIN, ADMIN]);
  }
  h.emit("CLAIToken", "Transfer", [addr("0"), deployer, 100_000_000n * E18]).emit("CLAIToken", "Minted", [
    deployer,
    deployer,
    100_000_000n * E18,
  ]);
  h.emit("CLAIGovernor", "VotingDelaySet", [0n, 60n])
    .emit("CLAIGovernor", "VotingPeriodSet", [0n, 3600n])
    .emit("CLAIGovernor", "ProposalThresholdSet", [0n, 10_000n * E18])
    .emit("CLAIGovernor", "QuorumNumeratorUpdated", [0n, 4n])
    .emit("CLAIGovernor", "TimelockChange", [addr("0"), timelock])
    .emit("CLAITimelock", "MinDelayChange", [0n, 7200n]);
  h.emit("Reputation", "ParametersSet", [500n, 2000n, 5000n]).emit("Reputation", "RoleGranted", [
    WRITER,
    market,
    deployer,
  ]);
  h.emit("Staking", "ParametersSet", [[100n * E18, 86_400n, 5000n, 3n, 86_400n]]);
  h.emit("TaskMarket", "ConfigSet", [
    [timelock, 200n, 5000n, 5000n, 10n * E18, 50n * E18, 3600n, 60n, 600n, 14_400n, 3600n, 300n, E18],
  ]);
  h.emit("VerifierRegistry", "CircuitRegistered", [circuit, addr("verifier"), 3n]);
  for (const feed of ["PriceFeed_CPU", "PriceFeed_GPU"]) {
    h.emit(feed, "BoundsSet", [E18 / 10_000n, 1000n * E18]).emit(feed, "ConfigSet", [
      b32(`${feed}-digest-1`),
      1n,
      signers,
      1n,
    ]);
  }
  h.mine().send(deployer);
  h.emit("TaskMarket", "PriceFeedSet", [0n, cpu]).emit("TaskMarket", "PriceFeedSet", [1n, gpu]);
  // A feed re-assigned and back: the previous feed of a class loses it.
  h.emit("TaskMarket", "PriceFeedSet", [1n, cpu])
    .emit("TaskMarket", "PriceFeedSet", [1n, gpu])
    .emit("TaskMarket", "PriceFeedSet", [0n, cpu]);

  // ── token distribution, delegation ──
  h.mine().send(deployer);
  for (const [to, amount] of [
    [r1, 1_000_000n],
    [r2, 500_000n],
    [p1, 10_000n],
    [p2, 10_000n],
    [p3, 10_000n],
    [p4, 10_000n],
  ] as const) {
    h.emit("CLAIToken", "Transfer", [deployer, to, amount * E18]);
  }
  h.emit("CLAIToken", "Approval", [r1, market, 2n ** 256n - 1n])
    .emit("CLAIToken", "DelegateChanged", [deployer, addr("0"), deployer])
    .emit("CLAIToken", "DelegateVotesChanged", [deployer, 0n, 98_460_000n * E18])
    .emit("CLAIToken", "DelegateChanged", [r1, addr("0"), r1])
    .emit("CLAIToken", "DelegateVotesChanged", [r1, 0n, 1_000_000n * E18]);
  h.mine()
    .send(r1)
    .emit("CLAIToken", "Transfer", [r1, r1, 5n * E18]); // self-transfer
  h.send(r2).emit("CLAIToken", "Transfer", [r2, addr("0"), 500_000n * E18]); // burns all: holder gone
  h.send(r2).emit("CLAIToken", "Transfer", [r1, r2, 200_000n * E18]);

  // ── providers: p4's score is reset by governance before it registers ──
  h.mine().send(timelock).emit("Reputation", "ReputationReset", [p4, 7000n]);
  for (const [p, classes] of [
    [p1, 1n],
    [p2, 3n],
    [p3, 1n],
    [p4, 2n],
  ] as const) {
    h.send(p).emit("Staking", "ProviderRegistered", [
      p,
      `ipfs://meta/${p}`,
      "0x04" + "ab".repeat(32),
      classes,
    ]);
    h.emit("CLAIToken", "Transfer", [p, h.address("Staking"), 1000n * E18]).emit("Staking", "Staked", [
      p,
      1000n * E18,
    ]);
  }
  h.send(p1).emit("Staking", "ProviderUpdated", [p1, 'ipfs://meta/"p1" v2\n', "0x", 3n]);
  h.send(addr("stranger")).emit("Staking", "Staked", [addr("stranger"), E18]); // unknown provider: totals only

  // ── oracle rounds ──
  const round = (feed: string, id: bigint, answer: bigint) => {
    h.send(signers[0], "0x").emit(feed, "NewTransmission", [
      id,
      answer,
      signers[0],
      id * 256n + 1n,
      [answer - 1n, answer, answer + 2n],
    ]);
    h.emit(feed, "AnswerUpdated", [answer, id, h.now]);
  };
  h.mine();
  round("PriceFeed_CPU", 1n, 2n * E18);
  round("PriceFeed_GPU", 1n, 20n * E18);

  // ── tasks ──
  const taskCreated = (
    taskId: bigint,
    requester: string,
    rc: bigint,
    mode: bigint,
    units: bigint,
    maxPrice: bigint,
    effective = maxPrice,
  ) => {
    h.send(market, "0x").emit("TaskMarket", "TaskCreated", [
      taskId,
      requester,
      rc,
      effective,
      [
        rc,
        mode,
        1000n,
        units,
        maxPrice,
        h.now + 600n,
        h.now + 3000n,
        mode === 1n ? circuit : ADMIN,
        b32(`input-${taskId}`),
        `ipfs://in/${taskId}?q="x"`,
      ],
    ]);
  };
  const claim = (taskId: bigint, p: string, price: bigint, locked: bigint, refund: bigint) => {
    h.send(market, "0x").emit("TaskMarket", "TaskAssigned", [taskId, p, price, locked, refund, true]);
  };
  const coder = AbiCoder.defaultAbiCoder();
  const MATCH =
    "tuple(uint256 taskId,tuple(address provider,uint8 resourceClass,uint96 pricePerUnit,uint32 capacity,uint64 expiry,uint64 nonce) offer,bytes signature)[]";
  const batchInput = (matches: [bigint, string, bigint, bigint, bigint, bigint][]) =>
    "0x197838f3" +
    coder
      .encode(
        [MATCH],
        [
          matches.map(([taskId, p, rc, price, cap, nonce]) => [
            taskId,
            [p, rc, price, cap, h.now + 3600n, nonce],
            "0x" + "11".repeat(65),
          ]),
        ],
      )
      .slice(2);

  h.mine(60);
  taskCreated(1n, r1, 0n, 0n, 10n, 3n * E18); // optimistic, claimed, completed after the challenge window
  taskCreated(2n, r1, 0n, 1n, 4n, 5n * E18, 2n * E18); // ZK, market price, matched
  taskCreated(3n, r2, 0n, 0n, 6n, 3n * E18); // matched, fails (jailing)
  taskCreated(4n, r2, 0n, 0n, 1n, 3n * E18); // cancelled
  taskCreated(5n, r1, 1n, 0n, 2n, 30n * E18); // GPU, expires
  taskCreated(6n, r1, 0n, 0n, 3n, 3n * E18); // rejected
  h.mine(60);
  claim(1n, p1, 2n * E18, 10n * E18, 10n * E18);
  // A matcher batch: task 2 and 3 with p2's offers 7 and 8 (p2's offer 5 for task 2 skipped), task 6
  // skipped for p3.
  h.send(
    market,
    batchInput([
      [2n, p2, 0n, 9n * E18, 100n, 5n], // above the task's max price: skipped, not the assigned offer
      [2n, p2, 0n, 2n * E18, 100n, 7n],
      [3n, p2, 0n, 3n * E18, 100n, 8n],
      [6n, p3, 0n, 2n * E18, 10n, 1n],
    ]),
  )
    .emit("TaskMarket", "MatchSkipped", [2n, p2, 5n])
    .emit("TaskMarket", "TaskAssigned", [2n, p2, 2n * E18, 10n * E18, 0n, false])
    .emit("TaskMarket", "TaskAssigned", [3n, p2, 3n * E18, 10n * E18, 0n, false])
    .emit("TaskMarket", "MatchSkipped", [6n, p3, 10n])
    .emit("TaskMarket", "MatchSkipped", [6n, p4, 99n]);
  claim(6n, p3, 2n * E18, 10n * E18, 3n * E18);
  h.mine(120)
    .send(p3)
    .emit("TaskMarket", "TaskRejected", [6n, p3, 6n * E18]);
  h.send(r2).emit("TaskMarket", "TaskCancelled", [4n, 3n * E18]);
  h.send(p1).emit("TaskMarket", "ResultSubmitted", [1n, p1, b32("result-1"), "ipfs://out/1", h.now + 600n]);
  h.send(p2)
    .emit("TaskMarket", "ProofAccepted", [2n, p2, b32("output-2"), "ipfs://out/2"])
    .emit("TaskMarket", "TaskCompleted", [2n, p2, 8n * E18, 16n * 10n ** 16n])
    .emit("Reputation", "ReputationUpdated", [p2, 5000n, 5250n, true]);
  // Across the hour: task 1 completes, task 3 fails and p2 is jailed (Jailed, then Slashed).
  h.mine(3600)
    .send(addr("keeper"))
    .emit("TaskMarket", "TaskCompleted", [1n, p1, 20n * E18, 4n * 10n ** 17n])
    .emit("Reputation", "ReputationUpdated", [p1, 5000n, 5250n, true]);
  h.send(addr("keeper"))
    .emit("Staking", "Jailed", [p2, h.now + 86_400n])
    .emit("Staking", "Slashed", [p2, 10n * E18, r2, 5n * E18, 5n * E18])
    .emit("Staking", "RewardsDistributed", [5n * E18, 12_345_678n])
    .emit("Reputation", "ReputationUpdated", [p2, 5250n, 4200n, false])
    .emit("TaskMarket", "TaskFailed", [3n, p2, 10n * E18, 18n * E18]);
  h.send(p2).emit("TaskMarket", "OfferCancelled", [p2, 7n]).emit("TaskMarket", "OfferCancelled", [p3, 99n]);
  h.send(p2).emit("TaskMarket", "OfferCancelled", [p3, 99n]); // cancelled twice: keeps the first time
  h.send(p2).emit("TaskMarket", "OffersCancelledBelow", [p2, 9n]);

  // Disputes: provider at fault (7), provider cleared (10), lapsed (8), ZK task annulled (9).
  taskCreated(7n, r1, 0n, 0n, 2n, 3n * E18);
  taskCreated(8n, r1, 0n, 0n, 2n, 3n * E18);
  taskCreated(9n, r2, 0n, 1n, 2n, 3n * E18);
  taskCreated(10n, r2, 0n, 0n, 2n, 3n * E18);
  h.mine(30);
  claim(7n, p1, 2n * E18, 10n * E18, 2n * E18);
  claim(8n, p1, 3n * E18, 10n * E18, 0n);
  claim(9n, p4, 2n * E18, 10n * E18, 2n * E18);
  claim(10n, p3, 2n * E18, 10n * E18, 2n * E18);
  h.mine(30);
  for (const t of [7n, 8n, 10n]) {
    h.send(t === 10n ? p3 : p1).emit("TaskMarket", "ResultSubmitted", [
      t,
      t === 10n ? p3 : p1,
      b32(`result-${t}`),
      `ipfs://out/${t}`,
      h.now + 600n,
    ]);
  }
  h.mine(60);
  for (const t of [7n, 8n, 10n]) {
    h.send(t === 10n ? r2 : r1).emit("CLAIToken", "Transfer", [t === 10n ? r2 : r1, market, 50n * E18]);
    h.emit("TaskMarket", "TaskDisputed", [t, t === 10n ? r2 : r1, 50n * E18, h.now + 14_400n]);
  }
  h.mine(600)
    .send(timelock)
    .emit("TaskMarket", "DisputeResolved", [7n, true])
    .emit("Staking", "Slashed", [p1, 10n * E18, r1, 5n * E18, 5n * E18])
    .emit("Reputation", "ReputationUpdated", [p1, 5250n, 4200n, false])
    .emit("TaskMarket", "TaskFailed", [7n, p1, 10n * E18, 54n * E18]);
  h.send(timelock)
    .emit("TaskMarket", "DisputeResolved", [10n, false])
    .emit("TaskMarket", "TaskCompleted", [10n, p3, 4n * E18, 8n * 10n ** 16n]);
  h.send(timelock).emit("VerifierRegistry", "CircuitActiveSet", [circuit, false]);
  h.send(addr("keeper")).emit("TaskMarket", "DisputeLapsed", [9n, 4n * E18, 0n]);
  // Past midnight (UTC): a new day bucket; task 5 expires, dispute 8 lapses.
  h.mine(2 * 3600)
    .send(addr("keeper"))
    .emit("TaskMarket", "TaskExpired", [5n, 60n * E18]);
  h.send(addr("keeper")).emit("TaskMarket", "DisputeLapsed", [8n, 6n * E18, 50n * E18]);
  h.send(addr("keeper")).emit("TaskMarket", "FeesDistributed", [32n * 10n ** 16n, 32n * 10n ** 16n]);
  h.emit("Staking", "RewardsDistributed", [32n * 10n ** 16n, 22_345_678n]);
  taskCreated(11n, r1, 1n, 0n, 5n, 25n * E18);
  h.mine(10);
  claim(11n, p4, 20n * E18, 100n * E18, 25n * E18);

  // ── stake movements, rewards, jail lifted, new initial score ──
  h.mine()
    .send(p1)
    .emit("Staking", "RewardsClaimed", [p1, 3n * E18]);
  h.send(p1).emit("Staking", "Unbonded", [p1, 100n * E18, h.now + 86_400n]);
  h.send(timelock).emit("Staking", "Unjailed", [p2]);
  h.send(timelock).emit("Reputation", "ParametersSet", [500n, 2000n, 6000n]); // p3 was never scored
  h.mine(86_400)
    .send(p1)
    .emit("Staking", "Withdrawn", [p1, 100n * E18]);
  round("PriceFeed_CPU", 2n, 21n * 10n ** 17n);
  h.send(timelock).emit("PriceFeed_CPU", "ConfigSet", [b32("cpu-digest-2"), 2n, signers.slice(0, 3), 0n]);

  // ── governance: a batched proposal executed through the timelock, another cancelled ──
  const proposalId = BigInt(keccakId("proposal-1"));
  const opId = b32("op-1");
  h.mine()
    .send(deployer)
    .emit("CLAIGovernor", "ProposalCreated", [
      proposalId,
      deployer,
      [h.address("VerifierRegistry"), market],
      [0n, 1n],
      ["", "setConfig()"],
      ["0x1234", "0x"],
      h.now + 60n,
      h.now + 3660n,
      '# Register "v2"\n\nBody with \\ and é',
    ]);
  h.mine(120)
    .send(deployer)
    .emit("CLAIGovernor", "VoteCast", [deployer, proposalId, 1n, 98_000_000n * E18, "yes"]);
  h.send(r1).emit("CLAIGovernor", "VoteCastWithParams", [r1, proposalId, 0n, 1_000_000n * E18, "", "0xabcd"]);
  h.send(r2).emit("CLAIGovernor", "VoteCast", [r2, proposalId, 2n, 0n, "abstain"]);
  h.mine(3600)
    .send(deployer)
    .emit("CLAIGovernor", "ProposalQueued", [proposalId, h.now + 7200n]);
  h.emit("CLAITimelock", "CallScheduled", [
    opId,
    0n,
    h.address("VerifierRegistry"),
    0n,
    "0x1234",
    ADMIN,
    7200n,
  ])
    .emit("CLAITimelock", "CallScheduled", [opId, 1n, market, 1n, "0x", ADMIN, 7200n])
    .emit("CLAITimelock", "CallSalt", [opId, b32("salt")]);
  h.mine(7200)
    .send(deployer)
    .emit("CLAITimelock", "CallExecuted", [opId, 0n, h.address("VerifierRegistry"), 0n, "0x1234"])
    .emit("CLAITimelock", "CallExecuted", [opId, 1n, market, 1n, "0x"])
    .emit("CLAIGovernor", "ProposalExecuted", [proposalId]);
  const proposal2 = BigInt(keccakId("proposal-2"));
  const op2 = b32("op-2");
  h.mine()
    .send(deployer)
    .emit("CLAIGovernor", "ProposalCreated", [
      proposal2,
      deployer,
      [market],
      [0n],
      [""],
      ["0x"],
      h.now + 60n,
      h.now + 3660n,
      "cancel me",
    ]);
  h.emit("CLAITimelock", "CallScheduled", [op2, 0n, market, 0n, "0x", opId, 7200n]);
  h.mine()
    .send(deployer)
    .emit("CLAIGovernor", "ProposalCanceled", [proposal2])
    .emit("CLAITimelock", "Cancelled", [op2]);
  // Rescheduled after cancellation, and an execution of an operation never seen.
  h.mine().send(deployer).emit("CLAITimelock", "CallScheduled", [op2, 0n, market, 0n, "0x", ADMIN, 3600n]);
  h.emit("CLAITimelock", "CallExecuted", [b32("op-unknown"), 0n, market, 0n, "0x"]);

  // ── upgrades and roles leaving the deployer ──
  h.mine()
    .send(timelock)
    .emit("TaskMarket", "Upgraded", [addr("TaskMarket-impl-2")]);
  for (const c of ACCESS_CONTROLLED) h.emit(c, "RoleRevoked", [ADMIN, deployer, deployer]);
  h.emit("TaskMarket", "RoleGranted", [ADMIN, deployer, timelock]); // granted again after revocation
  return h.logs;
}

/** The deployment export the Ponder side reads (`CLOUDAI_DEPLOYMENT`), from the manifest and ABIs. */
export function scenarioExport(): object {
  const contracts: Record<string, object> = {};
  for (const s of manifestSources())
    contracts[s.name] = { address: s.address, abi: abiOf(s.abi), startBlock: 100 };
  return { network: "localhost", chainId: 31337, contracts };
}
