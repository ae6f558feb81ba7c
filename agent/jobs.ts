/**
 * Running a task's job: `weighted-sum` for ZK tasks (sdk/jobs/encrypted: fetch, re-check the spec
 * commitment, evaluate on ciphertexts, prove with Groth16) and `word-count` for OPTIMISTIC tasks
 * (sdk/jobs/wordCount). Failures are classified: the task's data is bad → reject it (unslashed, within the
 * reject window); the data is not reachable yet → retry on a later poll; anything else → counted attempts.
 */
import { FheError } from "../sdk/fhe";
import { JobCommitmentError, computeEncryptedJob, toBytes32 } from "../sdk/jobs/encrypted";
import { runWordCountJob } from "../sdk/jobs/wordCount";
import { isTransientRpcError, type Logger } from "../sdk/service";
import {
  BlobNotFoundError,
  IntegrityError,
  InvalidCidError,
  KuboApiError,
  type BlobStore,
} from "../sdk/storage";
import { CircuitConfigError, SetupError, ZkError } from "../sdk/zk";
import type { JobKind, ZkProver } from "./options";
import type { TaskRecord, TaskResult } from "./state";

export type JobOutcome =
  | { kind: "done"; result: TaskResult }
  /** The task cannot or must not be done (bad data, unsupported kind): reject it. */
  | { kind: "reject"; reason: string }
  /** Not possible right now (input not reachable): try again on a later poll. */
  | { kind: "retry"; reason: string }
  /** Unexpected failure: counts against the attempts. */
  | { kind: "error"; reason: string };

export interface JobContext {
  store: BlobStore;
  provider: string;
  jobKinds: readonly JobKind[];
  /** Provers by on-chain circuit id (lower-case bytes32 hex). */
  provers: ReadonlyMap<string, ZkProver>;
  logger: Logger;
  progressEveryMs: number;
}

/** The job kind a task needs. */
export function jobKindOf(task: Pick<TaskRecord, "mode">): JobKind {
  return task.mode === "ZK" ? "weighted-sum" : "word-count";
}

/** Why this agent cannot take a task at all (undefined when it can). */
export function unsupportedReason(
  task: Pick<TaskRecord, "mode" | "circuitId">,
  ctx: Pick<JobContext, "jobKinds" | "provers">,
): string | undefined {
  const kind = jobKindOf(task);
  if (!ctx.jobKinds.includes(kind)) return `job kind ${kind} is not accepted by this agent`;
  if (task.mode === "ZK" && !ctx.provers.has(task.circuitId.toLowerCase())) {
    return `no prover for circuit ${task.circuitId}`;
  }
  return undefined;
}

function classify(err: unknown): JobOutcome {
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (
    err instanceof BlobNotFoundError ||
    (err instanceof KuboApiError && err.transient) ||
    isTransientRpcError(err)
  ) {
    return { kind: "retry", reason };
  }
  if (err instanceof SetupError || err instanceof CircuitConfigError) return { kind: "error", reason };
  if (
    err instanceof JobCommitmentError ||
    err instanceof IntegrityError ||
    err instanceof InvalidCidError ||
    err instanceof FheError ||
    err instanceof ZkError ||
    err instanceof SyntaxError
  ) {
    return { kind: "reject", reason };
  }
  return { kind: "error", reason };
}

/** Runs the task's job; never throws (see {@link JobOutcome}). */
export async function runJob(task: TaskRecord, ctx: JobContext): Promise<JobOutcome> {
  const unsupported = unsupportedReason(task, ctx);
  if (unsupported) return { kind: "reject", reason: unsupported };
  const log = ctx.logger.child({ taskId: task.taskId });
  try {
    if (task.mode === "OPTIMISTIC") {
      const r = await runWordCountJob(ctx.store, {
        inputCid: task.inputCid,
        inputCommitment: task.inputCommitment,
      });
      log.info("word-count computed", { resultCid: r.resultCid, words: r.result.words });
      return { kind: "done", result: { cid: r.resultCid, commitment: r.resultCommitment } };
    }
    const prover = ctx.provers.get(task.circuitId.toLowerCase())!;
    const started = Date.now();
    log.info(
      "weighted-sum job started: check the input commitment, evaluate, prove (Groth16; may take minutes)",
      {
        circuit: prover.circuit.id,
      },
    );
    const heartbeat = setInterval(
      () =>
        log.info("weighted-sum job still running", { elapsedSec: Math.round((Date.now() - started) / 1000) }),
      ctx.progressEveryMs,
    );
    try {
      const r = await computeEncryptedJob(ctx.store, prover.fhe, prover.circuit, prover.artifacts, {
        taskId: BigInt(task.taskId),
        provider: ctx.provider,
        inputCid: task.inputCid,
        specCommitment: BigInt(task.inputCommitment),
      });
      log.info("proof ready", { outputCid: r.outputCid, ...r.timings });
      return {
        kind: "done",
        result: { cid: r.outputCid, commitment: toBytes32(r.outputCommitment), proof: r.proof },
      };
    } finally {
      clearInterval(heartbeat);
    }
  } catch (err) {
    return classify(err);
  }
}
