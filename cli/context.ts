/**
 * What every `clai` command shares: the global options, resolving them into a connected context
 * (provider, optional signer, deployment export, typed contracts, blob store, offer board), output in
 * human or `--json` form, progress bars, RPC retries, transaction sending with reverts decoded into the
 * contract's custom error, and the error classes that decide exit codes.
 *
 * Commands never touch `process` directly: stdout/stderr/env/cwd (and optionally the provider) come from
 * the {@link CliIO} attached to the root program, so tests can run commands in-process.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { SingleBar } from "cli-progress";
import {
  Interface,
  Transaction,
  type BaseWallet,
  type ContractTransaction,
  type ErrorDescription,
  type InterfaceAbi,
  type JsonRpcApiProvider,
  type TransactionReceipt,
} from "ethers";
// sdk/deployment (typechain factories, storage, offers) is loaded on first use: `--help` and usage errors
// stay fast.
import type { CloudAIContracts, DeploymentExport } from "../sdk/deployment";
import { HARDHAT_CHAIN_ID, hardhatTestWallet } from "../sdk/devAccounts";
import { MARKET_ENUMS, enumName } from "../sdk/market";
import type { DirOfferBoard } from "../sdk/offers";
import {
  connectRpc,
  KeyConfigError,
  createLogger,
  isTransientRpcError,
  keySource,
  loadWallet,
  withRetry,
  type Logger,
  type RetryPolicy,
} from "../sdk/service";
import type { BlobStore } from "../sdk/storage";
import { StorageError } from "../sdk/storage/errors";
import { FheError } from "../sdk/fhe/errors";
import { ZkError } from "../sdk/zk/errors";

/** The repository root (deployment exports live under it). */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Default JSON-RPC endpoint when neither `--rpc` nor `CLOUDAI_RPC_URL` is given. */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/** Prefix of the CLI's key variables: `CLAI_PRIVATE_KEY`, `CLAI_KEYSTORE`, `CLAI_KEYSTORE_PASSWORD`. */
export const CLAI_KEY_PREFIX = "CLAI";

/** Retries for the CLI: short, so a dead endpoint fails within ~2 s instead of hanging. */
export const CLI_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 1_000 };

// ---------------------------------------------------------------------------------------------------
// Errors and exit codes
// ---------------------------------------------------------------------------------------------------

/**
 * A user mistake or an expected failure (unknown task, wrong network, missing key, reverted transaction):
 * printed as `error: <message>`, no stack trace. Exit code 1, or 2 for usage errors.
 */
export class CliError extends Error {
  override name = "CliError";
  /** The custom error's name when this error is a decoded revert (`TaskMarket__UnknownTask`). */
  revertName?: string;
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/** A command-line usage mistake found after parsing (bad option value, missing argument): exit code 2. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, 2);
  }
}

/** Errors from the SDK whose message is the whole story (treated like {@link CliError}). */
const USER_ERROR_NAMES = new Set([
  "KeyConfigError",
  "DeploymentError",
  "OfferBoardError",
  "StateFileError",
  "JobCommitmentError",
  "ChildProcessError",
]);

/** True when `err` should be shown as `error: <message>` without a stack. */
export function isUserFacingError(err: unknown): err is Error {
  return (
    err instanceof CliError ||
    err instanceof StorageError ||
    err instanceof FheError ||
    err instanceof ZkError ||
    (err instanceof Error && USER_ERROR_NAMES.has(err.name))
  );
}

// ---------------------------------------------------------------------------------------------------
// IO (injectable)
// ---------------------------------------------------------------------------------------------------

/** Where a CLI run reads and writes; the real process by default, buffers in tests. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Working directory: `.cloudai/` (blobs, offers, proposals, keys) lives under it. */
  cwd: string;
  /** Root holding `deployments/exports/` (default {@link REPO_ROOT}). */
  root: string;
  /** Draw progress bars (stderr is a terminal and output is not JSON). */
  interactive: boolean;
  /** Use this provider instead of connecting to `--rpc` (tests: the in-process Hardhat network). */
  provider?: JsonRpcApiProvider;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    root: REPO_ROOT,
    interactive: Boolean(process.stderr.isTTY),
  };
}

const IO_KEY = Symbol.for("clai.io");

/** Attaches `io` to the root program (commands find it through {@link ioOf}). */
export function attachIO(program: Command, io: CliIO): void {
  (program as unknown as Record<symbol, CliIO>)[IO_KEY] = io;
}

/** The IO attached to `cmd`'s root program (the real process when none). */
export function ioOf(cmd: Command): CliIO {
  let cur: Command | null = cmd;
  while (cur) {
    const io = (cur as unknown as Record<symbol, CliIO | undefined>)[IO_KEY];
    if (io) return io;
    cur = cur.parent;
  }
  return processIO();
}

// ---------------------------------------------------------------------------------------------------
// Global options
// ---------------------------------------------------------------------------------------------------

export interface GlobalOptions {
  /** Deployment export name (`deployments/exports/<network>.json`). */
  network: string;
  rpc: string;
  /** Hardhat test account index (chain 31337 only). */
  account?: number;
  json: boolean;
}

/** Parses a non-negative integer option value, or fails as a usage error. */
export function parseIndex(value: string, name = "value"): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Adds `--network`, `--rpc`, `--account` and `--json` to the root program. */
export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option("-n, --network <name>", "deployment to use (deployments/exports/<name>.json)").default(
        "localhost",
      ),
    )
    .addOption(
      new Option("--rpc <url>", "JSON-RPC endpoint (default: $CLOUDAI_RPC_URL or http://127.0.0.1:8545)"),
    )
    .addOption(
      new Option(
        "-a, --account <index>",
        "use Hardhat test account <index> (local chain 31337 only; otherwise $CLAI_PRIVATE_KEY or $CLAI_KEYSTORE)",
      ),
    )
    .addOption(new Option("--json", "print one JSON document instead of human output").default(false));
}

/** The global options as seen from `cmd` (any depth). */
export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ network?: string; rpc?: string; account?: string; json?: boolean }>();
  const io = ioOf(cmd);
  return {
    network: o.network ?? "localhost",
    rpc: o.rpc ?? io.env.CLOUDAI_RPC_URL ?? DEFAULT_RPC_URL,
    account: o.account === undefined ? undefined : parseIndex(o.account, "--account"),
    json: Boolean(o.json),
  };
}

// ---------------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------------

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** A running progress bar (no-op when not interactive). */
export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

/** Human lines and tables, or exactly one JSON document on stdout with `--json`. */
export class Output {
  constructor(
    readonly io: CliIO,
    readonly json: boolean,
  ) {}

  /** The command's result: `data` as JSON, or `human()` (default: a key/value listing of `data`). */
  result<T>(data: T, human?: (data: T) => void): void {
    if (this.json) this.io.stdout(toJson(data) + "\n");
    else if (human) human(data);
    else if (data !== null && typeof data === "object") this.kv(data as Record<string, unknown>);
    else this.line(String(data));
  }

  /** One line of human output (dropped with `--json`). */
  line(text = ""): void {
    if (!this.json) this.io.stdout(text + "\n");
  }

  /** A note on stderr (progress, hints), dropped with `--json`. */
  note(text: string): void {
    if (!this.json) this.io.stderr(text + "\n");
  }

  /** Aligned `key  value` lines; nested objects are shown as JSON. */
  kv(record: Record<string, unknown>): void {
    const entries = Object.entries(record).filter(([, v]) => v !== undefined);
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [k, v] of entries) this.line(`${k.padEnd(width)}  ${formatValue(v)}`);
  }

  /** A table with a header row; cells are stringified with {@link formatValue}. */
  table(headers: string[], rows: unknown[][]): void {
    const cells = [headers, ...rows.map((r) => r.map(formatValue))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
    for (const r of cells)
      this.line(
        r
          .map((c, i) => (c ?? "").padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
  }

  /** A cli-progress bar on stderr, only when interactive and not `--json`. */
  progress(label: string, total: number, unit = ""): Progress {
    if (this.json || !this.io.interactive) return NO_PROGRESS;
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit ? " " + unit : ""} | {status}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0, { status: "" });
    return {
      update: (v, payload) => bar.update(Math.min(v, total), { status: "", ...payload }),
      setTotal: (t) => bar.setTotal(t),
      stop: () => bar.stop(),
    };
  }
}

/** Human form of a value: bigints and numbers as digits, objects as compact JSON. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return "-";
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
}

/** `file` relative to `cwd` when it lies below it, else absolute. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** The output for `cmd` (its `--json` and IO). */
export function outputOf(cmd: Command): Output {
  return new Output(ioOf(cmd), globalOptions(cmd).json);
}

// ---------------------------------------------------------------------------------------------------
// Revert decoding
// ---------------------------------------------------------------------------------------------------

/** Finds revert data (`0x…` with a selector) anywhere in an ethers / JSON-RPC error. */
export function findRevertData(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (cur === null || typeof cur !== "object" || seen.has(cur)) continue;
    seen.add(cur);
    const e = cur as Record<string, unknown>;
    const data = e.data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
    if (data && typeof data === "object") {
      const inner = (data as Record<string, unknown>).data;
      if (typeof inner === "string" && /^0x[0-9a-fA-F]{8}/.test(inner)) return inner;
    }
    for (const key of ["error", "info", "cause", "data", "payload"]) stack.push(e[key]);
  }
  return undefined;
}

/** Decodes revert data against every ABI of the deployment (so errors of called contracts decode too). */
export class RevertDecoder {
  private readonly interfaces: Interface[] = [];
  /** Solidity internal types of each error's inputs, by selector (to print enum values by name). */
  private readonly internalTypes = new Map<string, (string | undefined)[]>();

  /** `abis`: raw JSON ABIs (as in artifacts and the deployment export, with `internalType`). */
  constructor(abis: readonly unknown[][]) {
    for (const abi of abis) {
      const iface = new Interface(abi as InterfaceAbi);
      this.interfaces.push(iface);
      for (const entry of abi as { type?: string; name?: string; inputs?: { internalType?: string }[] }[]) {
        if (entry.type !== "error" || !entry.name) continue;
        const fragment = iface.getError(entry.name);
        if (fragment && !this.internalTypes.has(fragment.selector))
          this.internalTypes.set(
            fragment.selector,
            (entry.inputs ?? []).map((i) => i.internalType),
          );
      }
    }
  }

  /** A decoder for every contract of the deployment plus the typechain ABIs of the core contracts. */
  static async forDeployment(exp: DeploymentExport): Promise<RevertDecoder> {
    const factories = await Promise.all([
      import("../typechain-types/factories/contracts/market/TaskMarket__factory").then(
        (m) => m.TaskMarket__factory.abi,
      ),
      import("../typechain-types/factories/contracts/token/CLAIToken__factory").then(
        (m) => m.CLAIToken__factory.abi,
      ),
      import("../typechain-types/factories/contracts/market/Staking__factory").then(
        (m) => m.Staking__factory.abi,
      ),
      import("../typechain-types/factories/contracts/governance/CLAIGovernor__factory").then(
        (m) => m.CLAIGovernor__factory.abi,
      ),
      import("../typechain-types/factories/contracts/governance/CLAITimelock__factory").then(
        (m) => m.CLAITimelock__factory.abi,
      ),
      import("../typechain-types/factories/contracts/verifier/VerifierRegistry__factory").then(
        (m) => m.VerifierRegistry__factory.abi,
      ),
      import("../typechain-types/factories/contracts/market/Reputation__factory").then(
        (m) => m.Reputation__factory.abi,
      ),
      import("../typechain-types/factories/contracts/feeds/PriceFeed__factory").then(
        (m) => m.PriceFeed__factory.abi,
      ),
    ]);
    return new RevertDecoder([
      ...Object.values(exp.contracts).map((c) => c.abi),
      ...factories.map((abi) => abi as unknown as unknown[]),
    ]);
  }

  /** The custom error in `data`, if any ABI declares it. */
  parse(data: string): ErrorDescription | undefined {
    for (const iface of this.interfaces) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) return parsed;
      } catch {
        // not this interface's error
      }
    }
    return undefined;
  }

  /** The name of the custom error `err` reverted with, if decodable. */
  errorName(err: unknown): string | undefined {
    const data = findRevertData(err);
    return data ? this.parse(data)?.name : undefined;
  }

  /** `Name(arg: value, …)`, bigints as digits and market enums by name. */
  format(parsed: ErrorDescription): string {
    if (parsed.name === "Error" && parsed.args.length === 1)
      return `reverted: ${JSON.stringify(parsed.args[0])}`;
    const types = this.internalTypes.get(parsed.selector) ?? [];
    const args = parsed.fragment.inputs.map((input, i) => {
      const v: unknown = parsed.args[i];
      const names = types[i] ? MARKET_ENUMS[types[i]!] : undefined;
      const shown =
        names && (typeof v === "bigint" || typeof v === "number") ? enumName(names, v) : formatValue(v);
      return input.name ? `${input.name}: ${shown}` : shown;
    });
    return `${parsed.name}(${args.join(", ")})`;
  }

  /**
   * A human description of a revert: `TaskMarket__NotRequester(taskId: 3, caller: 0x…)`,
   * `reverted: "reason"`, or undefined when `err` is not a decodable revert.
   */
  describe(err: unknown): string | undefined {
    const data = findRevertData(err);
    if (data) {
      const parsed = this.parse(data);
      if (parsed) return this.format(parsed);
    }
    const e = err as { code?: unknown; reason?: unknown };
    if (e && e.code === "CALL_EXCEPTION") {
      if (typeof e.reason === "string" && e.reason !== "") return e.reason;
      return data ? `unknown custom error ${data.slice(0, 10)}` : "execution reverted (no reason)";
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------------

export interface CliContext {
  io: CliIO;
  opts: GlobalOptions;
  out: Output;
  logger: Logger;
  provider: JsonRpcApiProvider;
  chainId: number;
  /** True on Hardhat's chain (31337): test accounts and time travel are allowed. */
  isLocalChain: boolean;
  exp: DeploymentExport;
  /** Typed clients, connected to the signer when one was loaded, else to the provider. */
  contracts: CloudAIContracts;
  store: BlobStore;
  offers: DirOfferBoard;
  /** `<cwd>/.cloudai`: local CLI state (blobs, offers, proposals, task keys). */
  dataDir: string;
  signer?: BaseWallet;
  /** The signer, or a {@link CliError} explaining how to configure one. */
  requireSigner(): BaseWallet;
  decoder: RevertDecoder;
  /** Runs a read-only RPC call with retries; reverts become {@link CliError}s naming the custom error. */
  rpc<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Signs and sends a transaction (gas estimated first, so reverts surface as the custom error), broadcasts
   * it with retries (re-broadcasting the same signed bytes, never a second transaction) and waits for it.
   */
  send(label: string, tx: ContractTransaction | Promise<ContractTransaction>): Promise<TransactionReceipt>;
}

export interface OpenContextOptions {
  /** Load the signing key (fails with a {@link CliError} when none is configured). */
  signer?: boolean;
}

/** ethers error codes that describe the account's situation, not a bug (shown without a stack). */
const USER_FACING_ETHERS_CODES = new Set([
  "INSUFFICIENT_FUNDS",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  "ACTION_REJECTED",
]);

/** Turns any error of `label` into a user-facing one when it is a revert or an unreachable endpoint. */
function explain(label: string, err: unknown, decoder: RevertDecoder | undefined, rpcUrl: string): unknown {
  if (isUserFacingError(err)) return err;
  const revert = decoder?.describe(err);
  if (revert) {
    const cliErr = new CliError(`${label} reverted: ${revert}`);
    cliErr.revertName = decoder?.errorName(err);
    return cliErr;
  }
  const e = err as { code?: unknown; shortMessage?: unknown };
  if (typeof e?.code === "string" && USER_FACING_ETHERS_CODES.has(e.code)) {
    return new CliError(`${label}: ${typeof e.shortMessage === "string" ? e.shortMessage : e.code}`);
  }
  if (isTransientRpcError(err)) {
    const msg =
      err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message) : String(err);
    return new CliError(`cannot reach the JSON-RPC endpoint ${rpcUrl} (${label}): ${msg}`);
  }
  return err;
}

/** Receipt wait: how often to poll, and for how long before giving up. */
export const RECEIPT_POLL_MS = 250;
export const RECEIPT_TIMEOUT_MS = 180_000;

/**
 * Polls for the receipt of `hash` (ethers' own `waitForTransaction` waits for its 4 s block polling, which
 * would make every local transaction take seconds).
 */
async function waitForReceipt(
  provider: JsonRpcApiProvider,
  hash: string,
  retry: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
  for (let delay = RECEIPT_POLL_MS; ; delay = Math.min(delay * 2, 2_000)) {
    const receipt = await retry(() => provider.getTransactionReceipt(hash));
    if (receipt) return receipt;
    if (Date.now() > deadline) {
      throw new CliError(
        `transaction ${hash} not mined within ${RECEIPT_TIMEOUT_MS / 1000} s (it may still be)`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Resolves the global options of `cmd` into a connected {@link CliContext}. */
export async function openContext(cmd: Command, options: OpenContextOptions = {}): Promise<CliContext> {
  const io = ioOf(cmd);
  const opts = globalOptions(cmd);
  const out = new Output(io, opts.json);
  const logger = createLogger("clai", { level: (io.env.CLOUDAI_LOG_LEVEL as "warn" | undefined) ?? "error" });

  const { connectContracts, exportPath, readDeploymentExport } = await import("../sdk/deployment");
  const file = exportPath(io.root, opts.network);
  if (!fs.existsSync(file)) {
    const dir = path.dirname(file);
    const known = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((n) => n.endsWith(".json"))
          .map((n) => n.slice(0, -5))
      : [];
    throw new CliError(
      `unknown network ${JSON.stringify(opts.network)}: no deployment export at ${displayPath(io.cwd, file)}` +
        (known.length ? ` (known: ${known.join(", ")})` : " (deploy first, or run `clai node`)"),
    );
  }
  const exp = readDeploymentExport(file);

  const provider = io.provider ?? connectRpc(opts.rpc, exp.chainId);
  const rpcUrl = io.provider ? "(injected provider)" : opts.rpc;
  const retry = <T>(label: string, fn: () => Promise<T>, decoder?: RevertDecoder) =>
    withRetry(fn, { policy: CLI_RETRY, logger, label }).catch((err: unknown) => {
      throw explain(label, err, decoder, rpcUrl);
    });

  const chainId = Number(
    await retry("eth_chainId", () => provider.send("eth_chainId", []) as Promise<string>),
  );
  if (chainId !== exp.chainId) {
    throw new CliError(
      `network ${JSON.stringify(opts.network)} is deployed on chain ${exp.chainId}, but ${rpcUrl} is chain ${chainId}: ` +
        "pass the matching --network or --rpc",
    );
  }
  const isLocalChain = chainId === HARDHAT_CHAIN_ID;
  const marketAddress = exp.contracts.TaskMarket?.address;
  if (marketAddress && (await retry("getCode", () => provider.getCode(marketAddress))) === "0x") {
    throw new CliError(
      `no contract at the TaskMarket address of ${JSON.stringify(opts.network)} on ${rpcUrl}: the chain was reset or ` +
        "never deployed (run `clai node`, or `npm run deploy:localhost` against a running node)",
    );
  }

  let signer: BaseWallet | undefined;
  let keyProblem: string | undefined;
  if (opts.account !== undefined) {
    if (!isLocalChain) {
      throw new CliError(
        `--account uses Hardhat's public test keys and works only on a local chain (31337), not chain ${chainId}; ` +
          "set CLAI_PRIVATE_KEY or CLAI_KEYSTORE + CLAI_KEYSTORE_PASSWORD",
      );
    }
    signer = hardhatTestWallet(opts.account, provider);
  } else {
    try {
      signer = await loadWallet(keySource(CLAI_KEY_PREFIX), provider, io.env);
    } catch (err) {
      if (!(err instanceof KeyConfigError)) throw err;
      keyProblem =
        err.message +
        (isLocalChain && err.message.startsWith("no key")
          ? " (or pass --account <index> on a local chain)"
          : "");
    }
  }
  if (options.signer && !signer) throw new CliError(keyProblem ?? "no signing key");

  const contracts = connectContracts(exp, signer ?? provider);
  const decoder = await RevertDecoder.forDeployment(exp);
  const dataDir = path.join(io.cwd, ".cloudai");
  const { openStore } = await import("../sdk/storage");
  const { DirOfferBoard } = await import("../sdk/offers");
  const store = openStore({ env: io.env, cwd: io.cwd });
  const offersDir = io.env.CLOUDAI_OFFERS
    ? path.resolve(io.cwd, io.env.CLOUDAI_OFFERS)
    : path.join(dataDir, "offers", String(chainId));
  const offers = new DirOfferBoard(offersDir, chainId, await contracts.market.getAddress());

  const requireSigner = (): BaseWallet => {
    if (!signer) throw new CliError(keyProblem ?? "no signing key");
    return signer;
  };

  const send = async (
    label: string,
    txOrPromise: ContractTransaction | Promise<ContractTransaction>,
  ): Promise<TransactionReceipt> => {
    const wallet = requireSigner();
    try {
      const request = await txOrPromise;
      // The pending nonce straight from the node (never from a provider-side cache).
      const nonce = Number(
        await retry(
          "eth_getTransactionCount",
          () => provider.send("eth_getTransactionCount", [wallet.address, "pending"]) as Promise<string>,
        ),
      );
      const populated = await retry(label, () => wallet.populateTransaction({ ...request, nonce }), decoder);
      const signed = await wallet.signTransaction(populated);
      const hash = Transaction.from(signed).hash!;
      await retry(
        label,
        async () => {
          try {
            await provider.broadcastTransaction(signed);
          } catch (err) {
            // A previous attempt may have reached the node: the same signed bytes are then already known.
            if (await provider.getTransaction(hash).catch(() => null)) return;
            throw err;
          }
        },
        decoder,
      );
      const receipt = await waitForReceipt(provider, hash, (fn) => retry(label, fn));
      if (receipt.status !== 1) {
        // Replay the call at the mined block to recover the revert reason.
        let reason = "reverted";
        try {
          await provider.call({ ...populated, from: wallet.address, blockTag: receipt.blockNumber });
        } catch (err) {
          reason = `reverted: ${decoder.describe(err) ?? "unknown reason"}`;
        }
        throw new CliError(`${label} ${reason} (tx ${hash})`);
      }
      return receipt;
    } catch (err) {
      throw explain(label, err, decoder, rpcUrl);
    }
  };

  return {
    io,
    opts,
    out,
    logger,
    provider,
    chainId,
    isLocalChain,
    exp,
    contracts,
    store,
    offers,
    dataDir,
    signer,
    requireSigner,
    decoder,
    rpc: (label, fn) => retry(label, fn, decoder),
    send,
  };
}
