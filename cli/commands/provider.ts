/**
 * `clai provider register|stake|offer|run|status`: the provider's side of the market.
 *
 * `run` starts the provider agent (agent/), which registers, stakes, publishes and renews offers, claims
 * and computes tasks by itself; the other subcommands do single steps by hand and inspect the result.
 * The provider's key: the global `--account` (local chain) or `CLAI_PRIVATE_KEY`/`CLAI_KEYSTORE`, falling
 * back to the agent's `AGENT_PRIVATE_KEY`/`AGENT_KEYSTORE`. The agent's state directory (envelope key,
 * offer nonces, task progress) defaults to `.cloudai/agents/<address>`; `register` and `offer` use it too,
 * so keys and nonces stay the agent's.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { getAddress, type Signer } from "ethers";
import { CliError, UsageError, openContext, type CliContext } from "../context";
import { chainTime, formatClai, formatDuration, formatTimestamp } from "../lib/chain";
import { resolveClass, resourceClasses } from "../lib/classes";
import { parseAddress, parseClai, parseDuration, parsePositive, parseUint } from "../lib/parse";
import { AgentStateStore, STATE_FILE, lockStateDir, type AgentState } from "../../agent/state";
import { ConfigError } from "../../agent/errors";
import { addAgentOptions, agentOptionsFromFlags, defaultStateDir, type AgentFlags } from "../../agent/config";
import { loadOrCreateEnvelopeKey } from "../../agent/keys";
import { classBitmap } from "../../agent/options";
import { connectContracts } from "../../sdk/deployment";
import { spkiFingerprint } from "../../sdk/crypto";
import { signOffer, signPermit, type Offer } from "../../sdk/signing";
import { JsonStateFile, KeyConfigError, createLogger, keySource, loadWallet } from "../../sdk/service";

/** The provider's signer: the CLI's key (or `--account`), else the agent's `AGENT_*` key. */
async function providerSigner(ctx: CliContext): Promise<Signer & { address: string }> {
  if (ctx.signer) return ctx.signer;
  try {
    return await loadWallet(keySource("AGENT"), ctx.provider, ctx.io.env);
  } catch (err) {
    if (!(err instanceof KeyConfigError)) throw err;
    // Explain the CLI's own key options (they are what a user types).
    ctx.requireSigner();
    throw err;
  }
}

function stateDirOf(ctx: CliContext, address: string, option: string | undefined): string {
  const fromEnv = ctx.io.env.CLOUDAI_AGENT_STATE_DIR;
  const spec = option ?? (fromEnv && fromEnv.trim() !== "" ? fromEnv : undefined);
  return spec ? path.resolve(ctx.io.cwd, spec) : defaultStateDir(ctx.io.cwd, address);
}

/** Runs `fn` turning the agent's configuration errors into CLI errors. */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

const hex = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");
const stateDirOption = () =>
  new Option(
    "--state-dir <dir>",
    "agent state directory (default .cloudai/agents/<address>) [$CLOUDAI_AGENT_STATE_DIR]",
  );

// ───────────────────────────── register ─────────────────────────────

function registerCommand(): Command {
  return new Command("register")
    .description("register (or update) the provider in Staking with the agent's envelope-encryption key")
    .option("--classes <list>", "resource classes served, names or ids (default: every class with a feed)")
    .option(
      "--metadata-uri <uri>",
      "off-chain description (default cloudai-agent:<address>, or the current one)",
    )
    .addOption(stateDirOption())
    .addHelpText(
      "after",
      "\nExamples:\n  $ clai provider register --classes CPU,GPU --account 2\n  $ clai provider register --json",
    )
    .action(async (opts: { classes?: string; metadataUri?: string; stateDir?: string }, cmd: Command) => {
      const ctx = await openContext(cmd);
      const signer = await providerSigner(ctx);
      const staking = connectContracts(ctx.exp, signer).staking;
      const classes = opts.classes
        ? await Promise.all(opts.classes.split(",").map((c) => resolveClass(ctx, c)))
        : await resourceClasses(ctx);
      if (classes.length === 0) throw new UsageError("no resource class to register: pass --classes");
      const bitmap = classBitmap({ classes: classes.map((c) => ({ resourceClass: c.id })) });
      const dir = stateDirOf(ctx, signer.address, opts.stateDir);
      const key = await userErrors(() => loadOrCreateEnvelopeKey(dir));
      const keyHex = hex(key.publicKeySpki);
      const info = await ctx.rpc("providerInfo", () => staking.providerInfo(signer.address));
      let action: "registered" | "updated" | "unchanged";
      let uri: string;
      if (!info.registered) {
        uri = opts.metadataUri ?? `cloudai-agent:${signer.address}`;
        await ctx.send("register", staking.register.populateTransaction(uri, keyHex, bitmap));
        action = "registered";
      } else {
        const [current, currentKey] = await ctx.rpc("providerMetadata", () =>
          staking.providerMetadata(signer.address),
        );
        uri = opts.metadataUri ?? current;
        if (uri !== current || currentKey.toLowerCase() !== keyHex || info.resourceClasses !== bitmap) {
          await ctx.send("updateProvider", staking.updateProvider.populateTransaction(uri, keyHex, bitmap));
          action = "updated";
        } else action = "unchanged";
      }
      ctx.out.result({
        provider: signer.address,
        action,
        metadataURI: uri,
        resourceClasses: classes.map((c) => c.name),
        encryptionKeyFingerprint: hex(await spkiFingerprint(key.publicKeySpki)),
        keyFile: key.file,
      });
    });
}

// ───────────────────────────── stake ─────────────────────────────

function stakeCommand(): Command {
  return new Command("stake")
    .description("bond CLAI as provider stake (an EIP-2612 permit, or approve + stake)")
    .argument("<amount>", "CLAI to bond (e.g. 500 or 1.5)", parseClai)
    .option("--approve", "use approve + stake instead of a permit")
    .addHelpText("after", "\nExamples:\n  $ clai provider stake 1000 --account 2")
    .action(async (amount: bigint, opts: { approve?: boolean }, cmd: Command) => {
      const ctx = await openContext(cmd);
      const signer = await providerSigner(ctx);
      const { staking, token } = connectContracts(ctx.exp, signer);
      if (amount === 0n) throw new UsageError("the amount must be positive");
      const info = await ctx.rpc("providerInfo", () => staking.providerInfo(signer.address));
      if (!info.registered)
        throw new CliError(`${signer.address} is not registered: run \`clai provider register\` first`);
      const balance = await ctx.rpc("balanceOf", () => token.balanceOf(signer.address));
      if (balance < amount)
        throw new CliError(`balance ${formatClai(balance)} is below ${formatClai(amount)}`);
      const stakingAddress = await staking.getAddress();
      if (opts.approve) {
        const allowance = await ctx.rpc("allowance", () => token.allowance(signer.address, stakingAddress));
        if (allowance < amount)
          await ctx.send("approve", token.approve.populateTransaction(stakingAddress, amount));
        await ctx.send("stake", staking.stake.populateTransaction(amount));
      } else {
        const deadline = BigInt((await chainTime(ctx)) + 3_600);
        const nonce = await ctx.rpc("nonces", () => token.nonces(signer.address));
        const sig = await signPermit(signer, ctx.chainId, await token.getAddress(), {
          spender: stakingAddress,
          value: amount,
          nonce,
          deadline,
        });
        await ctx.send(
          "stakeWithPermit",
          staking.stakeWithPermit.populateTransaction(amount, deadline, sig.v, sig.r, sig.s),
        );
      }
      const after = await ctx.rpc("providerInfo", () => staking.providerInfo(signer.address));
      const minStake = (await ctx.rpc("parameters", () => staking.parameters())).minStake;
      ctx.out.result(
        { provider: signer.address, staked: amount, stake: after.stake, locked: after.locked, minStake },
        (r) => {
          ctx.out.line(
            `staked ${formatClai(r.staked)}; stake ${formatClai(r.stake)} (${formatClai(r.locked)} locked)`,
          );
          if (r.stake < r.minStake)
            ctx.out.line(`warning: below the minimum stake ${formatClai(r.minStake)}: no tasks yet`);
        },
      );
    });
}

// ───────────────────────────── offer ─────────────────────────────

interface OfferRow {
  nonce: number;
  resourceClass: number;
  pricePerUnit: bigint;
  capacity: number;
  filled: bigint | null;
  expiry: number;
  state: "valid" | "expired" | "cancelled" | "filled";
}

async function offerRows(ctx: CliContext, provider: string, now: number): Promise<OfferRow[]> {
  const market = ctx.contracts.market;
  const minNonce = Number(await ctx.rpc("minOfferNonce", () => market.minOfferNonce(provider)));
  const mine = (await ctx.offers.list()).filter((s) => getAddress(s.offer.provider) === getAddress(provider));
  const rows: OfferRow[] = [];
  for (const { offer } of mine) {
    const filled = await ctx.rpc("offerFilled", () => market.offerFilled(provider, offer.nonce));
    const cancelled = offer.nonce < minNonce || filled === 2n ** 256n - 1n;
    rows.push({
      nonce: offer.nonce,
      resourceClass: offer.resourceClass,
      pricePerUnit: offer.pricePerUnit,
      capacity: offer.capacity,
      filled: cancelled ? null : filled,
      expiry: offer.expiry,
      state: cancelled
        ? "cancelled"
        : offer.expiry < now
          ? "expired"
          : filled >= BigInt(offer.capacity)
            ? "filled"
            : "valid",
    });
  }
  return rows.sort((a, b) => a.nonce - b.nonce);
}

function offerCommand(): Command {
  return new Command("offer")
    .description("publish a signed offer on the board, list the provider's offers, or cancel one on chain")
    .option("--class <class>", "resource class name or id", "0")
    .option("--price <CLAI>", "price per unit (default: the class's feed price)", parseClai)
    .option("--capacity <units>", "units the offer may fill across tasks", parsePositive, 100)
    .option("--lifetime <duration>", "validity, e.g. 30m, 2h", parseDuration, 3_600)
    .option("--list", "list this provider's offers on the board with their on-chain state")
    .option("--cancel <nonce>", "cancel the offer with this nonce on chain and withdraw it", parseUint)
    .addOption(stateDirOption())
    .addHelpText(
      "after",
      "\nThe running agent manages offers by itself (this command refuses to publish while it runs).\n" +
        "Examples:\n  $ clai provider offer --class CPU --price 1.2 --capacity 50 --lifetime 2h --account 2\n" +
        "  $ clai provider offer --list --json\n  $ clai provider offer --cancel 3 --account 2",
    )
    .action(
      async (
        opts: {
          class: string;
          price?: bigint;
          capacity: number;
          lifetime: number;
          list?: boolean;
          cancel?: number;
          stateDir?: string;
        },
        cmd: Command,
      ) => {
        const ctx = await openContext(cmd);
        const signer = await providerSigner(ctx);
        const market = connectContracts(ctx.exp, signer).market;
        const now = await chainTime(ctx);
        if (opts.list) {
          const rows = await offerRows(ctx, signer.address, now);
          ctx.out.result({ provider: signer.address, offers: rows }, (r) => {
            if (r.offers.length === 0) return ctx.out.line("no offers on the board");
            ctx.out.table(
              ["nonce", "class", "price/unit", "filled/capacity", "expires", "state"],
              r.offers.map((o) => [
                o.nonce,
                o.resourceClass,
                formatClai(o.pricePerUnit),
                `${o.filled ?? "-"}/${o.capacity}`,
                formatTimestamp(o.expiry, now),
                o.state,
              ]),
            );
          });
          return;
        }
        const dir = stateDirOf(ctx, signer.address, opts.stateDir);
        if (opts.cancel !== undefined) {
          await ctx.send("cancelOffer", market.cancelOffer.populateTransaction(opts.cancel));
          await ctx.offers.withdraw(signer.address, opts.cancel);
          ctx.out.result({ provider: signer.address, cancelled: opts.cancel }, (r) =>
            ctx.out.line(`offer ${r.cancelled} cancelled on chain and withdrawn from the board`),
          );
          return;
        }
        const cls = await resolveClass(ctx, opts.class);
        let price = opts.price;
        if (price === undefined) {
          try {
            price = await ctx.rpc("marketPrice", () => market.marketPrice(cls.id));
          } catch (err) {
            throw new CliError(
              `no usable feed price for ${cls.name} (${(err as Error).message}): pass --price`,
            );
          }
        }
        if (price === 0n || price >= 1n << 96n)
          throw new UsageError("--price must be positive and below 2^96 wei");
        const release = await userErrors(async () => lockStateDir(dir));
        try {
          const store = await userErrors(
            async () =>
              new AgentStateStore(dir, {
                chainId: ctx.chainId,
                market: await market.getAddress(),
                provider: signer.address,
                cursor: ctx.exp.contracts.TaskMarket.startBlock - 1,
              }),
          );
          const minNonce = Number(await ctx.rpc("minOfferNonce", () => market.minOfferNonce(signer.address)));
          const nonce = Math.max(store.state.nextNonce, minNonce);
          store.state.nextNonce = nonce + 1; // reserved before signing: never reused
          store.save();
          const offer: Offer = {
            provider: signer.address,
            resourceClass: cls.id,
            pricePerUnit: price,
            capacity: opts.capacity,
            expiry: now + opts.lifetime,
            nonce,
          };
          await ctx.offers.publish({
            offer,
            signature: await signOffer(signer, ctx.chainId, await market.getAddress(), offer),
          });
          const old = store.state.offers[String(cls.id)];
          store.state.offers[String(cls.id)] = {
            resourceClass: cls.id,
            nonce,
            pricePerUnit: price,
            capacity: opts.capacity,
            expiry: offer.expiry,
          };
          store.save();
          if (old) await ctx.offers.withdraw(signer.address, old.nonce);
          ctx.out.result(
            { provider: signer.address, offer, board: ctx.offers.dir, replaced: old?.nonce },
            (r) =>
              ctx.out.line(
                `offer ${r.offer.nonce}: ${cls.name} at ${formatClai(r.offer.pricePerUnit)}/unit, ${r.offer.capacity} units, ` +
                  `valid ${formatDuration(opts.lifetime)}${r.replaced === undefined ? "" : ` (replaces ${r.replaced})`}`,
              ),
          );
        } finally {
          release();
        }
      },
    );
}

// ───────────────────────────── run ─────────────────────────────

function runCommand(): Command {
  return addAgentOptions(
    new Command("run")
      .description("run the provider agent: register, stake, offer, claim, compute, prove, submit, get paid")
      .option("--once", "run one poll-and-act cycle and exit"),
  )
    .addHelpText(
      "after",
      "\nLogs are JSON lines on stderr. Stop with Ctrl-C: the agent finishes its current step, keeps its progress\n" +
        "in the state directory and resumes from it on the next start.\nExamples:\n" +
        "  $ clai provider run --account 2 --classes CPU --price CPU=feed+5% --self-claim\n" +
        "  $ AGENT_KEYSTORE=key.json AGENT_KEYSTORE_PASSWORD=… clai -n sepolia --rpc $RPC provider run --zk BFV_2048:4:ceremony.zkey",
    )
    .action(async (flags: AgentFlags & { once?: boolean }, cmd: Command) => {
      const ctx = await openContext(cmd);
      const signer = await providerSigner(ctx);
      const logger = createLogger("agent", { write: (line) => ctx.io.stderr(line + "\n") });
      const handle = await userErrors(async () =>
        (await import("../../agent/agent")).startProviderAgent({
          ...(await agentOptionsFromFlags(flags, {
            env: ctx.io.env,
            cwd: ctx.io.cwd,
            signer,
            deployment: ctx.exp,
            contracts: connectContracts(ctx.exp, signer),
            store: ctx.store,
            board: ctx.offers,
            logger,
          })),
          loop: !flags.once,
        }),
      );
      if (flags.once) {
        try {
          await handle.tick();
        } finally {
          await handle.stop();
        }
      } else {
        const onSignal = () => void handle.stop();
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        try {
          await handle.done;
        } finally {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
        }
      }
      const s = handle.state();
      ctx.out.result(summary(s), (r) =>
        ctx.out.line(`agent stopped; ${JSON.stringify(r.phases)} (state in ${handle.stateDir})`),
      );
    });
}

function summary(s: AgentState) {
  const phases: Record<string, number> = {};
  for (const t of Object.values(s.tasks)) phases[t.phase] = (phases[t.phase] ?? 0) + 1;
  return {
    provider: s.provider,
    cursor: s.cursor,
    nextNonce: s.nextNonce,
    phases,
    tasks: Object.values(s.tasks).map((t) => ({
      taskId: t.taskId,
      mode: t.mode,
      phase: t.phase,
      outcome: t.outcome,
      paid: t.paid,
      pendingTx: t.pendingTx?.action,
      lastError: t.lastError,
    })),
    openTasksSeen: Object.keys(s.candidates).length,
  };
}

// ───────────────────────────── status ─────────────────────────────

function statusCommand(): Command {
  return new Command("status")
    .description(
      "a provider's registration, stake, reputation, offers and (when local) its agent's task progress",
    )
    .argument("[address]", "provider address (default: the configured key)", parseAddress)
    .addOption(stateDirOption())
    .addHelpText(
      "after",
      "\nExamples:\n  $ clai provider status --account 2\n  $ clai provider status 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json",
    )
    .action(async (addressArg: string | undefined, opts: { stateDir?: string }, cmd: Command) => {
      const ctx = await openContext(cmd);
      const address = addressArg ?? (await providerSigner(ctx)).address;
      const { staking, reputation, token } = ctx.contracts;
      const [info, metadata, score, balance, free, rewards, params, now] = await Promise.all([
        ctx.rpc("providerInfo", () => staking.providerInfo(address)),
        ctx.rpc("providerMetadata", () => staking.providerMetadata(address)),
        ctx.rpc("scoreOf", () => reputation.scoreOf(address)),
        ctx.rpc("balanceOf", () => token.balanceOf(address)),
        ctx.rpc("freeStake", () => staking.freeStake(address)),
        ctx.rpc("pendingRewards", () => staking.pendingRewards(address)),
        ctx.rpc("parameters", () => staking.parameters()),
        chainTime(ctx),
      ]);
      const names = new Map((await resourceClasses(ctx)).map((c) => [c.id, c.name]));
      const classes: string[] = [];
      for (let i = 0; i < 64; i++)
        if ((info.resourceClasses >> BigInt(i)) & 1n) classes.push(names.get(i) ?? `class${i}`);
      const dir = stateDirOf(ctx, address, opts.stateDir);
      const stateFile = path.join(dir, STATE_FILE);
      const agent = fs.existsSync(stateFile)
        ? summary(new JsonStateFile<AgentState>(stateFile, () => undefined as never).read())
        : null;
      const result = {
        provider: address,
        registered: info.registered,
        metadataURI: metadata[0],
        encryptionKeyFingerprint:
          metadata[1] === "0x" ? null : hex(await spkiFingerprint(Buffer.from(metadata[1].slice(2), "hex"))),
        resourceClasses: classes,
        stake: info.stake,
        locked: info.locked,
        freeStake: free,
        minStake: params.minStake,
        unbonding: info.unbonding,
        unbondReadyAt: Number(info.unbondReadyAt),
        jailedUntil: Number(info.jailedUntil),
        faults: Number(info.faults),
        reputationBps: Number(score),
        balance,
        pendingRewards: rewards,
        offers: await offerRows(ctx, address, now),
        agent: agent ? { stateDir: dir, ...agent } : null,
      };
      ctx.out.result(result, (r) => {
        ctx.out.kv({
          provider: r.provider,
          registered: r.registered ? `yes (${r.resourceClasses.join(", ") || "no class"})` : "no",
          metadata: r.metadataURI || "-",
          "envelope key": r.encryptionKeyFingerprint ?? "-",
          stake: `${formatClai(r.stake)} (${formatClai(r.locked)} locked, ${formatClai(r.freeStake)} free; minimum ${formatClai(r.minStake)})`,
          unbonding:
            r.unbonding > 0n
              ? `${formatClai(r.unbonding)}, ready ${formatTimestamp(r.unbondReadyAt, now)}`
              : "-",
          jailed: r.jailedUntil > now ? `until ${formatTimestamp(r.jailedUntil, now)}` : "no",
          reputation: `${r.reputationBps} bps (${r.faults} faults)`,
          balance: formatClai(r.balance),
          rewards: formatClai(r.pendingRewards),
        });
        ctx.out.line();
        if (r.offers.length === 0) ctx.out.line("offers: none on the board");
        else
          ctx.out.table(
            ["offer", "class", "price/unit", "filled/capacity", "expires", "state"],
            r.offers.map((o) => [
              o.nonce,
              names.get(o.resourceClass) ?? o.resourceClass,
              formatClai(o.pricePerUnit),
              `${o.filled ?? "-"}/${o.capacity}`,
              formatTimestamp(o.expiry, now),
              o.state,
            ]),
          );
        ctx.out.line();
        if (!r.agent) return ctx.out.line(`agent: no state at ${dir}`);
        ctx.out.line(
          `agent: ${r.agent.stateDir}, events read up to block ${r.agent.cursor}, ${r.agent.openTasksSeen} open tasks seen`,
        );
        if (r.agent.tasks.length > 0)
          ctx.out.table(
            ["task", "mode", "phase", "outcome", "paid", "pending tx", "last error"],
            r.agent.tasks.map((t) => [
              t.taskId,
              t.mode,
              t.phase,
              t.outcome,
              t.paid === undefined ? "-" : formatClai(t.paid),
              t.pendingTx,
              t.lastError,
            ]),
          );
      });
    });
}

/** `clai provider …` */
export function providerCommand(): Command {
  return new Command("provider")
    .description("provide compute: register, stake, offer, run the provider agent, show status")
    .addCommand(registerCommand())
    .addCommand(stakeCommand())
    .addCommand(offerCommand())
    .addCommand(runCommand())
    .addCommand(statusCommand());
}
