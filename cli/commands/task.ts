/**
 * `clai task create|status|result|cancel|dispute`: the requester's side of a task.
 *
 * OPTIMISTIC tasks run the built-in deterministic `word-count` job (sdk/jobs/wordCount.ts) over a text
 * input; `result` re-counts the input locally and says whether the posted result is honest (dispute it
 * within the challenge window if not). ZK tasks run the FHE-encrypted weighted sum (sdk/jobs/encrypted.ts):
 * `create` generates a BFV key pair, keeps it under `.cloudai/keys/<input CID>/`, and `result` decrypts.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { ZeroHash, type ContractTransactionReceipt, type TransactionReceipt } from "ethers";
import { CliError, UsageError, openContext, type CliContext } from "../context";
import { chainTime, formatClai, formatDuration, formatTimestamp } from "../lib/chain";
import { resolveClass } from "../lib/classes";
import {
  collect,
  parseBigIntList,
  parseChoice,
  parseClai,
  parseDuration,
  parseId,
  parsePositive,
  parseUint,
} from "../lib/parse";
import { getTaskOrThrow, taskInputCid, taskResultRef, type StoredTask } from "../lib/tasks";
import { TASK_STATUS, VERIFICATION_MODE, enumName } from "../../sdk/market";
import { signPermit } from "../../sdk/signing";
import type { WordCountResult } from "../../sdk/jobs/wordCount";
import type { ITaskMarket } from "../../typechain-types/contracts/market/TaskMarket";

/** sdk/jobs/wordCount pulls in the FHE and ZK libraries (through its error class): load it on use. */
const wordCount = () => import("../../sdk/jobs/wordCount");

const OPTIMISTIC = 0;
const ZK = 1;
const BPS = 10_000n;
/** Default circuit of ZK tasks: the dev-registered INSECURE_CI weighted sum of two vectors. */
export const DEFAULT_CIRCUIT = "weighted_sum_ci_k2";

/** Where `create` keeps a ZK task's FHE keys: `.cloudai/keys/<input CID>/`. */
export function taskKeyDir(ctx: CliContext, inputCid: string): string {
  return path.join(ctx.dataDir, "keys", inputCid);
}

/** What `create` remembers about a ZK job next to its keys (no plaintext). */
interface ZkJobRecord {
  circuit: string;
  preset: string;
  /** Length of the input vectors (the decrypted result is cut to it). */
  length: number;
  weights: string[];
}

/** `weighted_sum_<ci|bfv2048|bfv4096>_k<K>` → preset name and K. */
export function parseCircuitId(circuit: string): {
  preset: "INSECURE_CI" | "BFV_2048" | "BFV_4096";
  k: number;
} {
  const m = /^weighted_sum_(ci|bfv2048|bfv4096)_k(\d+)$/.exec(circuit);
  if (!m)
    throw new UsageError(
      `unknown circuit ${JSON.stringify(circuit)} (expected weighted_sum_<ci|bfv2048|bfv4096>_k<K>)`,
    );
  const preset = m[1] === "ci" ? "INSECURE_CI" : m[1] === "bfv2048" ? "BFV_2048" : "BFV_4096";
  return { preset, k: Number(m[2]) };
}

function findLog(ctx: CliContext, receipt: TransactionReceipt, name: string) {
  const market = ctx.contracts.market;
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== market.target.toString().toLowerCase()) continue;
    const parsed = market.interface.parseLog(log);
    if (parsed?.name === name) return parsed;
  }
  throw new CliError(`transaction ${receipt.hash} emitted no ${name}`);
}

/** Approves `spender` for `amount` of the signer's CLAI when the allowance is short. */
async function ensureAllowance(
  ctx: CliContext,
  spender: string,
  amount: bigint,
): Promise<string | undefined> {
  const owner = ctx.requireSigner().address;
  const allowance = await ctx.rpc("allowance", () => ctx.contracts.token.allowance(owner, spender));
  if (allowance >= amount) return undefined;
  ctx.out.note(`approving ${formatClai(amount)} for ${spender}…`);
  const receipt = await ctx.send("approve", ctx.contracts.token.approve.populateTransaction(spender, amount));
  return receipt.hash;
}

async function ensureBalance(ctx: CliContext, amount: bigint, what: string): Promise<void> {
  const owner = ctx.requireSigner().address;
  const balance = await ctx.rpc("balanceOf", () => ctx.contracts.token.balanceOf(owner));
  if (balance < amount) {
    throw new CliError(`${what} needs ${formatClai(amount)} but ${owner} holds ${formatClai(balance)}`);
  }
}

interface CreateOptions {
  mode: "optimistic" | "zk";
  class: string;
  units: number;
  maxPrice?: bigint;
  marketPrice?: boolean;
  slippage: number;
  minReputation: number;
  assignWithin: number;
  completeWithin: number;
  input?: string;
  text?: string;
  top?: number;
  circuit: string;
  vector?: bigint[][];
  vectors?: string;
  weights?: bigint[];
  approve?: boolean;
}

function readVectors(opts: CreateOptions): bigint[][] {
  if (opts.vectors && opts.vector) throw new UsageError("use either --vectors <file> or --vector, not both");
  if (opts.vector) return opts.vector;
  if (!opts.vectors)
    throw new UsageError(
      "a ZK task needs its input vectors: --vector 1,2,3 (once per input) or --vectors <file.json>",
    );
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(opts.vectors, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --vectors ${opts.vectors}: ${(err as Error).message}`);
  }
  if (
    !Array.isArray(json) ||
    !json.every((v) => Array.isArray(v) && v.every((x) => /^\d+$/.test(String(x))))
  ) {
    throw new UsageError(
      `--vectors ${opts.vectors} must hold a JSON array of arrays of non-negative integers`,
    );
  }
  return (json as unknown[][]).map((v) => v.map((x) => BigInt(String(x))));
}

/** Builds the job (stores its blobs) and returns the task fields it determines. */
async function buildJob(
  ctx: CliContext,
  opts: CreateOptions,
): Promise<{ mode: number; circuitId: string; inputCommitment: string; inputCid: string; keyDir?: string }> {
  if (opts.mode === "optimistic") {
    if (opts.vector || opts.vectors || opts.weights)
      throw new UsageError("--vector/--vectors/--weights are for --mode zk");
    if ((opts.input === undefined) === (opts.text === undefined)) {
      throw new UsageError(
        "an optimistic (word-count) task needs exactly one of --input <file> or --text <text>",
      );
    }
    let bytes: Uint8Array;
    if (opts.input !== undefined) {
      try {
        bytes = fs.readFileSync(path.resolve(ctx.io.cwd, opts.input));
      } catch (err) {
        throw new CliError(`cannot read --input ${opts.input}: ${(err as Error).message}`);
      }
    } else bytes = new TextEncoder().encode(opts.text);
    const { createWordCountJob } = await wordCount();
    const job = await createWordCountJob(ctx.store, bytes, { top: opts.top });
    return {
      mode: OPTIMISTIC,
      circuitId: ZeroHash,
      inputCommitment: job.inputCommitment,
      inputCid: job.manifestCid,
    };
  }
  if (opts.input !== undefined || opts.text !== undefined)
    throw new UsageError("--input/--text are for --mode optimistic");
  const { preset, k } = parseCircuitId(opts.circuit);
  const vectors = readVectors(opts);
  if (!opts.weights) throw new UsageError("a ZK task needs --weights w1,w2,… (one per input vector)");
  if (vectors.length !== k || opts.weights.length !== k) {
    throw new UsageError(
      `circuit ${opts.circuit} takes exactly ${k} vectors and ${k} weights (got ${vectors.length} and ${opts.weights.length})`,
    );
  }
  // FHE and ZK libraries are heavy: load them only for ZK tasks.
  const fhe = await import("../../sdk/fhe");
  const zk = await import("../../sdk/zk");
  const { createEncryptedJob, toBytes32 } = await import("../../sdk/jobs/encrypted");
  const fheCtx = await fhe.createFheContext(preset);
  const cfg = zk.weightedSumConfig(fheCtx.params, k);
  const keys = fhe.generateKeyPair(fheCtx);
  try {
    const job = await createEncryptedJob(ctx.store, fheCtx, cfg, keys.publicKey, vectors, opts.weights);
    const keyDir = taskKeyDir(ctx, job.manifestCid);
    fs.mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(keyDir, "secret.key"), fhe.serializeSecretKey(fheCtx, keys.secretKey), {
      mode: 0o600,
    });
    fs.writeFileSync(path.join(keyDir, "public.key"), fhe.serializePublicKey(fheCtx, keys.publicKey));
    const record: ZkJobRecord = {
      circuit: cfg.id,
      preset,
      length: Math.max(...vectors.map((v) => v.length)),
      weights: opts.weights.map(String),
    };
    fs.writeFileSync(path.join(keyDir, "job.json"), JSON.stringify(record, null, 2) + "\n");
    return {
      mode: ZK,
      circuitId: zk.registryCircuitId(cfg.id),
      inputCommitment: toBytes32(job.specCommitment),
      inputCid: job.manifestCid,
      keyDir,
    };
  } finally {
    fhe.disposeKeyPair(keys);
  }
}

async function createAction(opts: CreateOptions, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const wallet = ctx.requireSigner();
  const market = ctx.contracts.market;
  const marketAddr = await market.getAddress();
  if (!opts.marketPrice && opts.maxPrice === undefined) {
    throw new UsageError("give --max-price <CLAI per unit>, or --market-price to pay the feed's price");
  }
  if (opts.assignWithin >= opts.completeWithin) {
    throw new UsageError(
      `--assign-within (${formatDuration(opts.assignWithin)}) must be shorter than --complete-within (${formatDuration(opts.completeWithin)})`,
    );
  }
  const rc = await resolveClass(ctx, opts.class);
  const config = await ctx.rpc("config", () => market.config());
  if (opts.completeWithin > Number(config.maxTaskDuration)) {
    throw new UsageError(
      `--complete-within ${formatDuration(opts.completeWithin)} exceeds the market's maxTaskDuration ${formatDuration(Number(config.maxTaskDuration))}`,
    );
  }

  let limit: bigint;
  let feedPrice: bigint | undefined;
  if (opts.marketPrice) {
    feedPrice = await ctx.rpc("marketPrice", () => market.marketPrice(rc.id));
    limit = opts.maxPrice ?? (feedPrice * (BPS + BigInt(opts.slippage))) / BPS;
    if (feedPrice > limit) {
      throw new CliError(
        `the ${rc.name} market price ${formatClai(feedPrice)} is above --max-price ${formatClai(limit)}`,
      );
    }
  } else limit = opts.maxPrice!;
  const units = BigInt(opts.units);
  const budget = units * limit;
  await ensureBalance(ctx, opts.marketPrice ? units * feedPrice! : budget, "the task's escrow");

  const job = await buildJob(ctx, opts);
  const now = await chainTime(ctx);
  const params: ITaskMarket.TaskParamsStruct = {
    resourceClass: rc.id,
    mode: job.mode,
    minReputation: opts.minReputation,
    units: opts.units,
    maxPricePerUnit: limit,
    assignDeadline: now + opts.assignWithin,
    completionDeadline: now + opts.completeWithin,
    circuitId: job.circuitId,
    inputCommitment: job.inputCommitment,
    inputCid: job.inputCid,
  };

  let approveTx: string | undefined;
  let receipt: TransactionReceipt;
  let funding: "allowance" | "approve" | "permit";
  if (opts.marketPrice) {
    approveTx = await ensureAllowance(ctx, marketAddr, budget);
    funding = approveTx ? "approve" : "allowance";
    receipt = await ctx.send(
      "createTaskAtMarketPrice",
      market.createTaskAtMarketPrice.populateTransaction(params),
    );
  } else {
    const allowance = await ctx.rpc("allowance", () =>
      ctx.contracts.token.allowance(wallet.address, marketAddr),
    );
    if (allowance >= budget) {
      funding = "allowance";
      receipt = await ctx.send("createTask", market.createTask.populateTransaction(params));
    } else if (opts.approve) {
      approveTx = await ensureAllowance(ctx, marketAddr, budget);
      funding = "approve";
      receipt = await ctx.send("createTask", market.createTask.populateTransaction(params));
    } else {
      funding = "permit";
      const token = ctx.contracts.token;
      const nonce = await ctx.rpc("nonces", () => token.nonces(wallet.address));
      const deadline = BigInt(now + 3600);
      const sig = await signPermit(wallet, ctx.chainId, await token.getAddress(), {
        spender: marketAddr,
        value: budget,
        nonce,
        deadline,
      });
      receipt = await ctx.send(
        "createTaskWithPermit",
        market.createTaskWithPermit.populateTransaction(params, deadline, sig.v, sig.r, sig.s),
      );
    }
  }
  const created = findLog(ctx, receipt, "TaskCreated");
  const taskId = created.args.taskId as bigint;
  const effectivePrice = created.args.maxPricePerUnit as bigint;
  const result = {
    taskId,
    txHash: receipt.hash,
    mode: VERIFICATION_MODE[job.mode]!,
    class: rc.name,
    classId: rc.id,
    units: opts.units,
    maxPricePerUnit: effectivePrice,
    escrow: units * effectivePrice,
    funding,
    approveTx,
    inputCid: job.inputCid,
    inputCommitment: job.inputCommitment,
    circuit: job.mode === ZK ? opts.circuit : undefined,
    keyDir: job.keyDir,
    assignDeadline: Number(params.assignDeadline),
    completionDeadline: Number(params.completionDeadline),
  };
  ctx.out.result(result, (r) => {
    ctx.out.line(
      `task ${r.taskId} created (${r.mode}, ${r.units} × ${r.class} at ≤ ${formatClai(r.maxPricePerUnit)}/unit, escrow ${formatClai(r.escrow)})`,
    );
    ctx.out.kv({
      tx: r.txHash,
      input: r.inputCid,
      "assign by": formatTimestamp(r.assignDeadline, now),
      "complete by": formatTimestamp(r.completionDeadline, now),
      "FHE keys": r.keyDir,
    });
    ctx.out.line(`follow it with: clai task status ${r.taskId}`);
  });
}

/** What a task's `timer` means in each status. */
function timerLabel(status: number): string | undefined {
  switch (TASK_STATUS[status]) {
    case "Open":
      return "claimableAt";
    case "Assigned":
      return "rejectWindowEnd";
    case "Submitted":
      return "challengeEnd";
    case "Disputed":
      return "arbitrationEnd";
    default:
      return undefined;
  }
}

function nextStep(task: StoredTask, id: bigint, now: number): string | undefined {
  switch (TASK_STATUS[Number(task.status)]) {
    case "Open":
      return now > Number(task.assignDeadline)
        ? `unassigned past its deadline: anyone may expire it (refund)`
        : `waiting for a provider; cancel with: clai task cancel ${id}`;
    case "Assigned":
      return `a provider is working on it (complete by ${formatTimestamp(task.completionDeadline, now)})`;
    case "Submitted":
      return `check it with: clai task result ${id}; dispute before ${formatTimestamp(task.timer, now)} with: clai task dispute ${id}`;
    case "Completed":
      return `done; fetch it with: clai task result ${id}`;
    default:
      return undefined;
  }
}

async function statusAction(idArg: bigint, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd);
  const task = await getTaskOrThrow(ctx, idArg);
  const [now, inputCid, resultRef, held] = await Promise.all([
    chainTime(ctx),
    taskInputCid(ctx, idArg),
    taskResultRef(ctx, idArg),
    ctx.rpc("heldFor", () => ctx.contracts.market.heldFor(idArg)),
  ]);
  const status = Number(task.status);
  const timer = timerLabel(status);
  const result = {
    taskId: idArg,
    status: enumName(TASK_STATUS, status),
    mode: enumName(VERIFICATION_MODE, task.mode),
    requester: task.requester,
    provider: task.provider === "0x0000000000000000000000000000000000000000" ? null : task.provider,
    resourceClass: Number(task.resourceClass),
    units: Number(task.units),
    maxPricePerUnit: task.maxPricePerUnit,
    pricePerUnit: task.pricePerUnit,
    held,
    lockedStake: task.lockedStake,
    minReputation: Number(task.minReputation),
    assignDeadline: Number(task.assignDeadline),
    completionDeadline: Number(task.completionDeadline),
    timer: timer ? { kind: timer, at: Number(task.timer) } : null,
    circuitId: task.circuitId === ZeroHash ? null : task.circuitId,
    inputCommitment: task.inputCommitment,
    inputCid: inputCid ?? null,
    resultCommitment: task.resultCommitment === ZeroHash ? null : task.resultCommitment,
    resultCid: resultRef?.resultCid ?? null,
    chainTime: now,
  };
  ctx.out.result(result, (r) => {
    ctx.out.kv({
      task: r.taskId,
      status: r.status,
      mode: r.mode,
      requester: r.requester,
      provider: r.provider ?? "-",
      class: r.resourceClass,
      units: r.units,
      "max price/unit": formatClai(r.maxPricePerUnit),
      "price/unit": r.pricePerUnit === 0n ? "-" : formatClai(r.pricePerUnit),
      held: formatClai(r.held),
      "assign by": formatTimestamp(r.assignDeadline, now),
      "complete by": formatTimestamp(r.completionDeadline, now),
      ...(r.timer ? { [r.timer.kind]: formatTimestamp(r.timer.at, now) } : {}),
      input: r.inputCid ?? "-",
      result: r.resultCid ?? "-",
    });
    const hint = nextStep(task, idArg, now);
    if (hint) ctx.out.line(`\n${hint}`);
  });
}

async function resultAction(
  idArg: bigint,
  opts: { out?: string; check: boolean },
  cmd: Command,
): Promise<void> {
  const ctx = await openContext(cmd);
  const task = await getTaskOrThrow(ctx, idArg);
  const ref = await taskResultRef(ctx, idArg);
  if (!ref) {
    throw new CliError(`task ${idArg} has no result yet (status ${enumName(TASK_STATUS, task.status)})`);
  }
  const bytes = await ctx.store.get(ref.resultCid); // integrity-checked against the CID
  if (opts.out) fs.writeFileSync(path.resolve(ctx.io.cwd, opts.out), bytes);
  const status = enumName(TASK_STATUS, task.status);

  if (Number(task.mode) === OPTIMISTIC) {
    const { blobCommitment, countWords, encodeWordCountResult, parseWordCountManifest } = await wordCount();
    const commitmentOk = blobCommitment(bytes).toLowerCase() === ref.commitment.toLowerCase();
    let parsed: WordCountResult | undefined;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes)) as WordCountResult;
    } catch {
      parsed = undefined;
    }
    let recomputed: "match" | "mismatch" | "skipped" = "skipped";
    if (opts.check) {
      const inputCid = await taskInputCid(ctx, idArg);
      if (!inputCid) throw new CliError(`no TaskCreated event found for task ${idArg}`);
      const manifest = parseWordCountManifest(await ctx.store.get(inputCid), inputCid);
      const expected = encodeWordCountResult(
        countWords(await ctx.store.get(manifest.input), manifest.input, manifest.top),
      );
      recomputed = blobCommitment(expected) === blobCommitment(bytes) ? "match" : "mismatch";
    }
    const honest = commitmentOk && recomputed !== "mismatch";
    const out = {
      taskId: idArg,
      status,
      mode: "OPTIMISTIC",
      resultCid: ref.resultCid,
      commitment: ref.commitment,
      commitmentMatches: commitmentOk,
      recomputed,
      honest,
      result: parsed ?? null,
      savedTo: opts.out ?? null,
    };
    ctx.out.result(out, (r) => {
      ctx.out.kv({
        task: r.taskId,
        status: r.status,
        result: r.resultCid,
        commitment: `${r.commitment} (${r.commitmentMatches ? "matches the blob" : "DOES NOT match the blob"})`,
        "local re-count": r.recomputed,
      });
      if (r.result && Array.isArray(r.result.top)) {
        ctx.out.line(
          `\nbytes ${r.result.bytes}, lines ${r.result.lines}, words ${r.result.words}, distinct ${r.result.distinct}`,
        );
        if (r.result.top.length) ctx.out.table(["word", "count"], r.result.top);
      }
      if (!r.honest) {
        ctx.out.line(
          status === "Submitted"
            ? `\nthe result is WRONG: dispute it before ${formatTimestamp(task.timer, 0)} with: clai task dispute ${idArg}`
            : `\nthe result is WRONG`,
        );
      }
    });
    return;
  }

  // ZK: the proof was verified on-chain; check the blob against the proven output commitment and decrypt.
  const inputCid = await taskInputCid(ctx, idArg);
  if (!inputCid) throw new CliError(`no TaskCreated event found for task ${idArg}`);
  const keyDir = taskKeyDir(ctx, inputCid);
  const secretFile = path.join(keyDir, "secret.key");
  if (!fs.existsSync(secretFile)) {
    throw new CliError(
      `no FHE secret key for task ${idArg} at ${keyDir} (only the requester who created it can decrypt)`,
    );
  }
  const record = JSON.parse(fs.readFileSync(path.join(keyDir, "job.json"), "utf8")) as ZkJobRecord;
  const { preset, k } = parseCircuitId(record.circuit);
  const fhe = await import("../../sdk/fhe");
  const zk = await import("../../sdk/zk");
  const fheCtx = await fhe.createFheContext(preset);
  const cfg = zk.weightedSumConfig(fheCtx.params, k);
  const poseidon = await zk.loadPoseidon();
  const coeffs = fhe.parseCiphertext(bytes, { n: fheCtx.params.n, primes: fheCtx.params.primes }).coeffs;
  const commitment = zk.ciphertextCommitment(poseidon, cfg, coeffs);
  const commitmentOk = BigInt(ref.commitment) === commitment;
  const secretKey = fhe.deserializeSecretKey(fheCtx, fs.readFileSync(secretFile));
  let values: bigint[];
  try {
    values = fhe.decryptVector(fheCtx, secretKey, bytes).slice(0, record.length);
  } finally {
    secretKey.delete();
  }
  const out = {
    taskId: idArg,
    status,
    mode: "ZK",
    resultCid: ref.resultCid,
    commitment: ref.commitment,
    commitmentMatches: commitmentOk,
    weights: record.weights,
    values,
    savedTo: opts.out ?? null,
  };
  ctx.out.result(out, (r) => {
    ctx.out.kv({
      task: r.taskId,
      status: r.status,
      result: r.resultCid,
      commitment: `${r.commitment} (${r.commitmentMatches ? "matches the proven output" : "DOES NOT match the proven output"})`,
      weights: r.weights.join(", "),
    });
    ctx.out.line(`decrypted Σ wᵢ·xᵢ = [${r.values.join(", ")}]`);
  });
}

async function cancelAction(idArg: bigint, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const receipt = await ctx.send("cancelTask", ctx.contracts.market.cancelTask.populateTransaction(idArg));
  const refund = findLog(ctx, receipt, "TaskCancelled").args.refund as bigint;
  ctx.out.result({ taskId: idArg, status: "Cancelled", refund, txHash: receipt.hash }, (r) =>
    ctx.out.line(`task ${r.taskId} cancelled; ${formatClai(r.refund)} refunded (tx ${r.txHash})`),
  );
}

async function disputeAction(idArg: bigint, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const market = ctx.contracts.market;
  const task = await getTaskOrThrow(ctx, idArg);
  let approveTx: string | undefined;
  const inWindow =
    TASK_STATUS[Number(task.status)] === "Submitted" && (await chainTime(ctx)) <= Number(task.timer);
  if (inWindow) {
    const bond = (await ctx.rpc("config", () => market.config())).disputeBond;
    await ensureBalance(ctx, bond, "the dispute bond");
    approveTx = await ensureAllowance(ctx, await market.getAddress(), bond);
  } // otherwise the call below reverts with the market's own error (wrong status, window closed, …)
  const receipt: ContractTransactionReceipt | TransactionReceipt = await ctx.send(
    "disputeTask",
    market.disputeTask.populateTransaction(idArg),
  );
  const ev = findLog(ctx, receipt, "TaskDisputed");
  const now = await chainTime(ctx);
  const out = {
    taskId: idArg,
    status: "Disputed",
    bond: ev.args.bond as bigint,
    resolveDeadline: Number(ev.args.resolveDeadline),
    txHash: receipt.hash,
    approveTx,
  };
  ctx.out.result(out, (r) => {
    ctx.out.line(`task ${r.taskId} disputed with a ${formatClai(r.bond)} bond (tx ${r.txHash})`);
    ctx.out.line(
      `governance (the arbiter) must resolve it by ${formatTimestamp(r.resolveDeadline, now)}; propose the resolution with clai gov propose`,
    );
  });
}

export function taskCommand(): Command {
  const task = new Command("task").description("create and follow compute tasks (requester side)");

  task
    .command("create")
    .description(
      "create and fund a task: a word-count job (optimistic) or an FHE-encrypted weighted sum (zk)",
    )
    .addOption(
      new Option("-m, --mode <mode>", "verification mode")
        .choices(["optimistic", "zk"])
        .default("optimistic"),
    )
    .option("-c, --class <class>", "resource class name or id", "CPU")
    .option("-u, --units <n>", "units of compute", parsePositive, 1)
    .option("--max-price <clai>", "max CLAI per unit (with --market-price: the most you accept)", parseClai)
    .option("--market-price", "pay the resource class's current feed price (budget from the feed)")
    .option(
      "--slippage <bps>",
      "with --market-price and no --max-price: accept up to feed price + bps",
      parseUint,
      500,
    )
    .option("--min-reputation <bps>", "minimum provider reputation (0–10000)", parseUint, 0)
    .option("--assign-within <duration>", "assignment deadline from now (90s, 10m, 1h)", parseDuration, 600)
    .option("--complete-within <duration>", "completion deadline from now", parseDuration, 1800)
    .option("-i, --input <file>", "optimistic: text file to word-count")
    .option("-t, --text <text>", "optimistic: text to word-count")
    .option("--top <n>", "optimistic: how many most frequent words the result lists (default 10)", parseUint)
    .option("--circuit <id>", "zk: circuit (fixes FHE parameters and K)", DEFAULT_CIRCUIT)
    .option("--vector <csv>", "zk: one input vector (repeat K times)", collect(parseBigIntList))
    .option("--vectors <file>", "zk: JSON file with the K input vectors")
    .option("--weights <csv>", "zk: the K weights", parseBigIntList)
    .option("--approve", "fund with approve + createTask instead of an EIP-2612 permit")
    .addHelpText(
      "after",
      `
Examples:
  $ clai task create --text "to be or not to be" --max-price 2 --units 4 --account 1
  $ clai task create --input README.md --market-price --class CPU
  $ clai task create --mode zk --vector 1,2,3 --vector 4,5,6 --weights 3,2 --max-price 2`,
    )
    .action(createAction);

  task
    .command("status")
    .description("show a task's state, parties, price, deadlines and CIDs")
    .argument("<id>", "task id", parseId)
    .addHelpText("after", "\nExample:\n  $ clai task status 1 --json")
    .action(statusAction);

  task
    .command("result")
    .description(
      "fetch a task's result from storage, verify it (re-count / proven commitment) and decrypt zk results",
    )
    .argument("<id>", "task id", parseId)
    .option("-o, --out <file>", "also write the raw result blob to a file")
    .option("--no-check", "optimistic: skip re-computing the result locally")
    .addHelpText("after", "\nExample:\n  $ clai task result 1")
    .action(resultAction);

  task
    .command("cancel")
    .description("cancel an open (unassigned) task and get the escrow back")
    .argument("<id>", "task id", parseId)
    .addHelpText("after", "\nExample:\n  $ clai task cancel 1 --account 1")
    .action(cancelAction);

  task
    .command("dispute")
    .description("dispute a submitted optimistic result within the challenge window (posts the dispute bond)")
    .argument("<id>", "task id", parseId)
    .addHelpText("after", "\nExample:\n  $ clai task dispute 1 --account 1")
    .action(disputeAction);

  return task;
}
