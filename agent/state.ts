/**
 * The agent's persistent state (`<stateDir>/state.json`, written atomically by sdk/service JsonStateFile
 * after every change) and the lock that keeps two agents off one state directory.
 *
 * What survives a restart: the event cursor, the next offer nonce (nonces are reserved *before* an offer
 * is signed, so none is ever reused), the published offers, the open tasks seen (with their input CIDs,
 * which only the TaskCreated event carries), and per task its phase, its computed result (so a proof
 * is never recomputed) and any transaction sent but not yet seen mined (re-checked by hash and nonce).
 */
import fs from "node:fs";
import path from "node:path";
import { JsonStateFile } from "../sdk/service";
import { ConfigError, StateDirLockedError } from "./errors";

export type TaskMode = "OPTIMISTIC" | "ZK";
/** Transactions the agent sends. */
export type TxAction =
  "register" | "update" | "approve" | "stake" | "claim" | "submit" | "reject" | "finalize";

/** A transaction sent (or about to be) whose outcome is not known yet. */
export interface PendingTx {
  action: TxAction;
  /** Account nonce the transaction uses: once the account's mined nonce passes it, it is settled. */
  nonce: number;
  /** Known once the node accepted the transaction. */
  hash?: string;
  /** Wall-clock ms when sent. */
  sentAt: number;
}

/** A transaction whose receipt the agent saw. */
export interface SentTx {
  action: TxAction;
  hash: string;
  block: number;
  ok: boolean;
}

/** An open task of a served class, from its TaskCreated event. */
export interface Candidate {
  taskId: string;
  resourceClass: number;
  mode: TaskMode;
  circuitId: string;
  inputCommitment: string;
  inputCid: string;
  units: number;
  maxPricePerUnit: bigint;
  minReputation: number;
  assignDeadline: number;
  createdBlock: number;
}

/**
 * Where a task assigned to this agent stands locally. The chain is the authority: every step re-reads the
 * task before acting, and these phases only record progress made.
 * claiming → assigned → computing → computed → submitted → settled, or → rejected / abandoned.
 */
export type TaskPhase =
  | "claiming"
  | "assigned"
  | "computing"
  | "computed"
  | "submitted"
  | "disputed"
  | "settled"
  | "rejected"
  | "abandoned";

export interface TaskResult {
  cid: string;
  /** bytes32 hex. */
  commitment: string;
  /** ZK only: the Groth16 proof as eight words. */
  proof?: bigint[];
}

export interface TaskRecord extends Omit<Candidate, "maxPricePerUnit" | "minReputation" | "assignDeadline"> {
  phase: TaskPhase;
  /** Block of the assignment (events about the task are searched from here). */
  assignedBlock?: number;
  result?: TaskResult;
  pendingTx?: PendingTx;
  txs: SentTx[];
  computeAttempts: number;
  /** Submissions refused by gas estimation (e.g. a proof the verifier rejects); the task is given up at the limit. */
  submitFailures?: number;
  lastError?: string;
  /** Final on-chain status name once settled (`Completed`, `Failed`, `Rejected`, …). */
  outcome?: string;
  /** Net payment received (payment − fee), when completed. */
  paid?: bigint;
}

export interface OfferRecord {
  resourceClass: number;
  nonce: number;
  pricePerUnit: bigint;
  capacity: number;
  expiry: number;
}

export interface AgentState {
  version: 1;
  chainId: number;
  market: string;
  provider: string;
  /** Last block whose events were fully processed. */
  cursor: number;
  /** Next unused offer nonce. */
  nextNonce: number;
  /** Current offer per resource class. */
  offers: Record<string, OfferRecord>;
  /** Open tasks of served classes, by id. */
  candidates: Record<string, Candidate>;
  /** Tasks assigned to (or being claimed by) this agent, by id. */
  tasks: Record<string, TaskRecord>;
  /** Setup transaction (register/update/approve/stake) in flight. */
  setupTx?: PendingTx;
}

export const STATE_FILE = "state.json";
export const LOCK_FILE = "agent.lock";

/** The state file of `dir`, bound to one (chain, market, provider): another agent's state is refused. */
export class AgentStateStore {
  private readonly file: JsonStateFile<AgentState>;
  state: AgentState;

  constructor(
    readonly dir: string,
    identity: { chainId: number; market: string; provider: string; cursor: number },
  ) {
    this.file = new JsonStateFile<AgentState>(path.join(dir, STATE_FILE), () => ({
      version: 1,
      chainId: identity.chainId,
      market: identity.market,
      provider: identity.provider,
      cursor: identity.cursor,
      nextNonce: 0,
      offers: {},
      candidates: {},
      tasks: {},
    }));
    const fresh = !fs.existsSync(this.file.file);
    const s = this.file.read();
    if (s.version !== 1)
      throw new ConfigError(`${this.file.file}: unsupported state version ${String(s.version)}`);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (
      s.chainId !== identity.chainId ||
      !same(s.market, identity.market) ||
      !same(s.provider, identity.provider)
    ) {
      throw new ConfigError(
        `${this.file.file} belongs to provider ${s.provider} on chain ${s.chainId} (market ${s.market}), ` +
          `not ${identity.provider} on chain ${identity.chainId} (market ${identity.market}); use another state directory`,
      );
    }
    this.state = s;
    if (fresh) this.save(); // claims the directory for this identity right away
  }

  /** Writes the current state (atomic replace). */
  save(): void {
    this.file.write(this.state);
  }
}

const heldLocks = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<dir>/agent.lock` (O_EXCL, holding the pid). A lock left by a dead process is taken over; one
 * held by a live process (or by a running agent in this process) throws {@link StateDirLockedError}.
 * Returns the release function.
 */
export function lockStateDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.resolve(dir, LOCK_FILE);
  if (heldLocks.has(file)) throw new StateDirLockedError(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      heldLocks.add(file);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldLocks.delete(file);
        fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new StateDirLockedError(dir, pid);
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone (or it is ours from a crashed run)
    }
  }
  throw new StateDirLockedError(dir, -1);
}
