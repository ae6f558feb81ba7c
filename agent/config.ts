/**
 * Agent configuration from command-line flags and environment variables, shared by `agent/main.ts` and
 * `clai provider run`. Every flag has an environment fallback (flag wins); see agent/README.md.
 */
import path from "node:path";
import { formatUnits, parseUnits, type Signer } from "ethers";
import { Option, type Command } from "commander";
import type { CloudAIContracts, DeploymentExport } from "../sdk/deployment";
import { HARDHAT_CHAIN_ID } from "../sdk/devAccounts";
import { DirOfferBoard, type OfferBoard } from "../sdk/offers";
import { listResourceClasses } from "../sdk/resourceClasses";
import type { Logger } from "../sdk/service";
import type { BlobStore } from "../sdk/storage";
import { ConfigError } from "./errors";
import {
  JOB_KINDS,
  POLICY_DEFAULTS,
  type ClassPolicy,
  type JobKind,
  type OfferPrice,
  type ProviderAgentOptions,
  type ZkProver,
} from "./options";

/** Raw flag values (commander camel-cases the long names). */
export interface AgentFlags {
  classes?: string;
  price?: string[];
  stake?: string;
  stakeWith?: string;
  capacity?: string;
  offerLifetime?: string;
  poll?: string;
  confirmations?: string;
  selfClaim?: boolean;
  jobs?: string;
  zk?: string[];
  maxActive?: string;
  metadataUri?: string;
  stateDir?: string;
  offersDir?: string;
}

/** Environment fallbacks of the flags. */
export const AGENT_ENV = {
  classes: "CLOUDAI_AGENT_CLASSES",
  price: "CLOUDAI_AGENT_PRICES",
  stake: "CLOUDAI_AGENT_STAKE",
  stakeWith: "CLOUDAI_AGENT_STAKE_WITH",
  capacity: "CLOUDAI_AGENT_CAPACITY",
  offerLifetime: "CLOUDAI_AGENT_OFFER_LIFETIME",
  poll: "CLOUDAI_AGENT_POLL",
  confirmations: "CLOUDAI_AGENT_CONFIRMATIONS",
  selfClaim: "CLOUDAI_AGENT_SELF_CLAIM",
  jobs: "CLOUDAI_AGENT_JOBS",
  zk: "CLOUDAI_AGENT_ZK",
  maxActive: "CLOUDAI_AGENT_MAX_ACTIVE",
  metadataUri: "CLOUDAI_AGENT_METADATA_URI",
  stateDir: "CLOUDAI_AGENT_STATE_DIR",
  offersDir: "CLOUDAI_OFFERS",
} as const satisfies Record<keyof AgentFlags, string>;

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds the agent's flags to `cmd`. */
export function addAgentOptions(cmd: Command): Command {
  const opt = (flags: string, description: string, env: string) =>
    new Option(flags, `${description} [$${env}]`);
  return cmd
    .addOption(
      opt(
        "--classes <list>",
        "resource classes served, names or ids (default: every class with a feed)",
        AGENT_ENV.classes,
      ),
    )
    .addOption(
      opt(
        "--price <class=price>",
        "offer price per class: CLAI per unit (CPU=1.5) or feed-derived (CPU=feed+10%, GPU=feed-5%); repeatable (default feed+0%)",
        AGENT_ENV.price,
      ).argParser(collect),
    )
    .addOption(
      opt(
        "--stake <CLAI>",
        "target stake, topped up from the wallet (default: Staking's minimum)",
        AGENT_ENV.stake,
      ),
    )
    .addOption(
      opt("--stake-with <how>", "permit (one transaction) or approve", AGENT_ENV.stakeWith).choices([
        "permit",
        "approve",
      ]),
    )
    .addOption(
      opt(
        "--capacity <units>",
        `units per offer (default ${POLICY_DEFAULTS.offerCapacity})`,
        AGENT_ENV.capacity,
      ),
    )
    .addOption(
      opt("--offer-lifetime <duration>", "offer validity, e.g. 30m (default 1h)", AGENT_ENV.offerLifetime),
    )
    .addOption(opt("--poll <duration>", "poll interval, e.g. 500ms, 5s (default 5s)", AGENT_ENV.poll))
    .addOption(
      opt(
        "--confirmations <n>",
        "blocks of lag when reading events (default 1; 0 on chain 31337)",
        AGENT_ENV.confirmations,
      ),
    )
    .addOption(
      opt(
        "--self-claim",
        "claim open tasks after the match timeout when no matcher took them",
        AGENT_ENV.selfClaim,
      ),
    )
    .addOption(opt("--jobs <list>", `job kinds accepted (default ${JOB_KINDS.join(",")})`, AGENT_ENV.jobs))
    .addOption(
      opt(
        "--zk <preset:k[:zkey]>",
        "ZK prover: FHE preset, inputs, ceremony zkey (without zkey: the INSECURE dev setup, chain 31337 only; default INSECURE_CI:2 there); repeatable",
        AGENT_ENV.zk,
      ).argParser(collect),
    )
    .addOption(
      opt(
        "--max-active <n>",
        `most tasks held at once (default ${POLICY_DEFAULTS.maxActiveTasks})`,
        AGENT_ENV.maxActive,
      ),
    )
    .addOption(
      opt("--metadata-uri <uri>", "provider description registered in Staking", AGENT_ENV.metadataUri),
    )
    .addOption(
      opt(
        "--state-dir <dir>",
        "agent state directory (default .cloudai/agents/<address>)",
        AGENT_ENV.stateDir,
      ),
    )
    .addOption(
      opt(
        "--offers-dir <dir>",
        "offer board directory (default .cloudai/offers/<chainId>)",
        AGENT_ENV.offersDir,
      ),
    );
}

/** Default state directory of the agent of `address`: `<cwd>/.cloudai/agents/<address>`. */
export function defaultStateDir(cwd: string, address: string): string {
  return path.resolve(cwd, ".cloudai", "agents", address.toLowerCase());
}

/** Default offer board directory: `<cwd>/.cloudai/offers/<chainId>` (shared with the matcher and `clai`). */
export function defaultOffersDir(cwd: string, chainId: number): string {
  return path.resolve(cwd, ".cloudai", "offers", String(chainId));
}

function int(name: string, value: string, min = 0): number {
  const v = value.trim();
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return Number(v);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `5s`, `10m`, `1h`, `1d`, or a bare number in `bareUnit`. Returns milliseconds. */
export function parseDurationMs(name: string, value: string, bareUnit: "ms" | "s" = "s"): number {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(value.trim());
  if (!m)
    throw new ConfigError(
      `${name} must be a duration such as 500ms, 5s, 10m or 1h, got ${JSON.stringify(value)}`,
    );
  return Number(m[1]) * UNIT_MS[(m[2] ?? bareUnit).toLowerCase()];
}

/** A CLAI amount in tokens (`1.5`) or wei (`1500wei`). */
export function parseClaiAmount(name: string, value: string): bigint {
  const v = value.trim().replace(/_/g, "");
  if (/^\d+wei$/i.test(v)) return BigInt(v.slice(0, -3));
  if (!/^\d+(\.\d{1,18})?$/.test(v))
    throw new ConfigError(`${name} must be a CLAI amount such as 1.5, got ${JSON.stringify(value)}`);
  return parseUnits(v, 18);
}

/** `1.5` (fixed, CLAI per unit) or `feed`, `feed+10%`, `feed-2.5%` (markup on the feed). */
export function parsePriceSpec(name: string, value: string): OfferPrice {
  const v = value.trim();
  const feed = /^feed(?:\s*([+-])\s*(\d+(?:\.\d{1,2})?)%)?$/i.exec(v);
  if (feed) {
    const pct = feed[2] === undefined ? 0 : Math.round(Number(feed[2]) * 100);
    return { kind: "feed", markupBps: feed[1] === "-" ? -pct : pct };
  }
  return { kind: "fixed", pricePerUnit: parseClaiAmount(name, v) };
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export interface AgentConfigContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  signer: Signer;
  deployment: DeploymentExport;
  contracts: CloudAIContracts;
  store: BlobStore;
  logger: Logger;
  /** Board to use unless `--offers-dir` is given (default: a DirOfferBoard at the default directory). */
  board?: OfferBoard;
}

/** Parses `<PRESET>:<k>[:<zkey>]` and loads (or, on chain 31337 without a zkey, builds) the prover. */
export async function loadZkProver(spec: string, chainId: number, logger: Logger): Promise<ZkProver> {
  const m = /^([A-Za-z0-9_]+):(\d+)(?::(.+))?$/.exec(spec.trim());
  if (!m) throw new ConfigError(`--zk ${JSON.stringify(spec)} is not <preset>:<k>[:<zkey path>]`);
  // FHE (node-seal) and ZK (snarkjs) load lazily: they take seconds, and most CLI commands never prove.
  const { createFheContext, getPreset } = await import("../sdk/fhe");
  const { compileCircuit, createProgressLogger, ensureDevSetup, weightedSumConfig } =
    await import("../sdk/zk");
  let fhe;
  try {
    getPreset(m[1]);
    fhe = await createFheContext(m[1] as Parameters<typeof createFheContext>[0]);
  } catch (err) {
    throw new ConfigError(`--zk ${spec}: ${(err as Error).message}`);
  }
  const circuit = weightedSumConfig(fhe.params, Number(m[2]));
  const progress = createProgressLogger(`zk ${circuit.id}`, {
    write: (line) => logger.info(line, { circuit: circuit.id }),
  });
  if (m[3]) {
    const compiled = await compileCircuit(circuit, progress);
    return { circuit, fhe, artifacts: { wasmPath: compiled.wasmPath, zkeyPath: path.resolve(m[3]) } };
  }
  if (chainId !== HARDHAT_CHAIN_ID) {
    throw new ConfigError(
      `--zk ${spec}: without a zkey the INSECURE dev setup would be used, which anyone can forge proofs for; ` +
        `it is allowed on the local chain ${HARDHAT_CHAIN_ID} only (pass <preset>:<k>:<ceremony zkey>)`,
    );
  }
  const setup = await ensureDevSetup(circuit, { log: progress });
  return { circuit, fhe, artifacts: { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath } };
}

/** Builds the agent's options from flags (then environment, then defaults). Throws {@link ConfigError}. */
export async function agentOptionsFromFlags(
  flags: AgentFlags,
  ctx: AgentConfigContext,
): Promise<ProviderAgentOptions> {
  const { env } = ctx;
  const get = <K extends keyof AgentFlags>(k: K): string | undefined => {
    const v = flags[k];
    if (typeof v === "string") return v;
    const e = env[AGENT_ENV[k]];
    return e === undefined || e.trim() === "" ? undefined : e;
  };
  const chainId = ctx.deployment.chainId;
  const local = chainId === HARDHAT_CHAIN_ID;
  const address = await ctx.signer.getAddress();

  const known = await listResourceClasses(ctx.contracts);
  const classId = (value: string): number => {
    if (/^\d+$/.test(value)) {
      const id = Number(value);
      if (id > 63) throw new ConfigError(`resource class ${id} is out of range (0–63)`);
      return id;
    }
    const found = known.find((c) => c.name.toLowerCase() === value.toLowerCase());
    if (!found) {
      throw new ConfigError(
        `unknown resource class ${JSON.stringify(value)} (known: ${known.map((c) => `${c.name}=${c.id}`).join(", ") || "none"})`,
      );
    }
    return found.id;
  };
  const classesSpec = get("classes");
  const ids = classesSpec ? list(classesSpec).map(classId) : known.map((c) => c.id);
  if (ids.length === 0) throw new ConfigError("no resource class to serve: pass --classes");

  const priceSpecs = flags.price ?? (get("price") ? list(get("price")!) : []);
  const prices = new Map<number, OfferPrice>();
  for (const spec of priceSpecs) {
    const eq = spec.indexOf("=");
    if (eq < 1) throw new ConfigError(`--price ${JSON.stringify(spec)} is not <class>=<price>`);
    const id = classId(spec.slice(0, eq).trim());
    prices.set(id, parsePriceSpec(`--price ${spec}`, spec.slice(eq + 1)));
  }
  for (const id of prices.keys()) {
    if (!ids.includes(id))
      throw new ConfigError(`--price names class ${id}, which is not served (--classes)`);
  }
  const classes: ClassPolicy[] = ids.map((id) => ({
    resourceClass: id,
    price: prices.get(id) ?? { kind: "feed", markupBps: 0 },
  }));

  const stakeSpec = get("stake");
  const targetStake = stakeSpec
    ? parseClaiAmount("--stake", stakeSpec)
    : (await ctx.contracts.staking.parameters()).minStake;

  const jobsSpec = get("jobs");
  const jobKinds = (jobsSpec ? list(jobsSpec) : [...JOB_KINDS]) as JobKind[];
  for (const k of jobKinds) {
    if (!JOB_KINDS.includes(k))
      throw new ConfigError(`unknown job kind ${JSON.stringify(k)} (known: ${JOB_KINDS.join(", ")})`);
  }
  const zkSpecs = flags.zk ?? (get("zk") ? list(get("zk")!) : local ? ["INSECURE_CI:2"] : []);
  const zk: ZkProver[] = [];
  if (jobKinds.includes("weighted-sum"))
    for (const s of zkSpecs) zk.push(await loadZkProver(s, chainId, ctx.logger));

  const selfClaimEnv = env[AGENT_ENV.selfClaim];
  const selfClaim = flags.selfClaim ?? (selfClaimEnv !== undefined && /^(1|true|yes)$/i.test(selfClaimEnv));
  const stakeWith = get("stakeWith");
  if (stakeWith !== undefined && stakeWith !== "permit" && stakeWith !== "approve") {
    throw new ConfigError(`--stake-with must be permit or approve, got ${JSON.stringify(stakeWith)}`);
  }
  const offersDir = get("offersDir");
  const board =
    offersDir || !ctx.board
      ? new DirOfferBoard(
          offersDir ? path.resolve(ctx.cwd, offersDir) : defaultOffersDir(ctx.cwd, chainId),
          chainId,
          ctx.deployment.contracts.TaskMarket.address,
        )
      : ctx.board;
  const stateDirSpec = get("stateDir");
  const stateDir = stateDirSpec ? path.resolve(ctx.cwd, stateDirSpec) : defaultStateDir(ctx.cwd, address);

  const policy: ProviderAgentOptions["policy"] = {
    classes,
    targetStake,
    selfClaim,
    jobKinds,
    confirmations: get("confirmations") ? int("--confirmations", get("confirmations")!) : local ? 0 : 1,
  };
  if (stakeWith) policy.stakeWith = stakeWith;
  if (get("capacity")) policy.offerCapacity = int("--capacity", get("capacity")!, 1);
  if (get("offerLifetime"))
    policy.offerLifetimeSec = Math.round(parseDurationMs("--offer-lifetime", get("offerLifetime")!) / 1000);
  if (get("poll")) policy.pollIntervalMs = parseDurationMs("--poll", get("poll")!);
  if (get("maxActive")) policy.maxActiveTasks = int("--max-active", get("maxActive")!, 1);

  ctx.logger.info("agent configuration", {
    classes: classes.map((c) => ({
      class: known.find((k) => k.id === c.resourceClass)?.name ?? c.resourceClass,
      price:
        c.price.kind === "fixed"
          ? `${formatUnits(c.price.pricePerUnit, 18)} CLAI`
          : `feed${c.price.markupBps >= 0 ? "+" : ""}${c.price.markupBps / 100}%`,
    })),
    targetStake: formatUnits(targetStake, 18),
    jobKinds,
    zk: zk.map((p) => p.circuit.id),
    stateDir,
    offersDir: board instanceof DirOfferBoard ? board.dir : undefined,
  });
  return {
    signer: ctx.signer,
    deployment: ctx.deployment,
    store: ctx.store,
    board,
    stateDir,
    logger: ctx.logger,
    policy,
    zk,
    metadataURI: get("metadataUri"),
  };
}
