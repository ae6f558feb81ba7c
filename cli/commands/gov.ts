/**
 * `clai gov propose|vote|queue|execute|status|delegate`: on-chain governance through CLAIGovernor and the
 * timelock. Proposals created here are saved under `.cloudai/proposals/<chainId>/<id>.json`; any other
 * proposal is rebuilt from its ProposalCreated event, and the id is always re-derived (`hashProposal`) so
 * queue/execute act on exactly the proposal voted on.
 *
 * `--wait` waits for the voting delay / voting period / timelock delay: on a local chain (31337) by moving
 * time forward, anywhere else by polling blocks with a progress bar.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { Interface, getAddress, isAddress, type TransactionReceipt } from "ethers";
import { CliError, UsageError, openContext, type CliContext } from "../context";
import { chainTime, formatClai, formatTimestamp, waitForTime } from "../lib/chain";
import { parseAddress, parseChoice, parseId } from "../lib/parse";
import { descriptionHash, ProposalState, VoteType, type Proposal } from "../../scripts/lib/governance";

/** Governor states by value (IGovernor.ProposalState order). */
export const PROPOSAL_STATES = Object.entries(ProposalState)
  .sort((a, b) => Number(a[1] - b[1]))
  .map(([name]) => name);

const SUPPORT = ["for", "against", "abstain"] as const;
const SUPPORT_VALUE: Record<(typeof SUPPORT)[number], number> = {
  for: VoteType.For,
  against: VoteType.Against,
  abstain: VoteType.Abstain,
};

/** One action as written in an `--actions` file (or built from --target/--sig/--args/--value). */
export interface ActionSpec {
  /** Address or deployment contract name (`TaskMarket`, `PriceFeed_CPU`, …). */
  target: string;
  /** Wei sent with the call (default 0). */
  value?: string | number;
  /** Function signature (`setPriceFeed(uint8,address)`) with `args`, or raw `calldata`. */
  signature?: string;
  args?: unknown[];
  calldata?: string;
}

interface StoredProposal {
  proposalId: string;
  targets: string[];
  values: string[];
  calldatas: string[];
  description: string;
  proposer?: string;
  txHash?: string;
}

function proposalsDir(ctx: CliContext): string {
  return path.join(ctx.dataDir, "proposals", String(ctx.chainId));
}

function resolveTarget(ctx: CliContext, target: string): string {
  if (isAddress(target)) return getAddress(target);
  const c = ctx.exp.contracts[target];
  if (!c) {
    throw new UsageError(
      `target ${JSON.stringify(target)} is neither an address nor a deployed contract (${Object.keys(ctx.exp.contracts).join(", ")})`,
    );
  }
  return getAddress(c.address);
}

/** Encodes action specs into the governor's (targets, values, calldatas). */
export function encodeActions(ctx: CliContext, specs: ActionSpec[]): Omit<Proposal, "description"> {
  if (specs.length === 0) throw new UsageError("a proposal needs at least one action");
  const targets: string[] = [];
  const values: bigint[] = [];
  const calldatas: string[] = [];
  specs.forEach((s, i) => {
    const where = `action ${i + 1}`;
    if (typeof s.target !== "string") throw new UsageError(`${where}: missing target`);
    targets.push(resolveTarget(ctx, s.target));
    try {
      values.push(BigInt(s.value ?? 0));
    } catch {
      throw new UsageError(`${where}: value ${JSON.stringify(s.value)} is not an integer (wei)`);
    }
    if (s.calldata !== undefined) {
      if (s.signature !== undefined)
        throw new UsageError(`${where}: give signature + args or calldata, not both`);
      if (!/^0x([0-9a-fA-F]{2})*$/.test(s.calldata)) throw new UsageError(`${where}: calldata is not hex`);
      calldatas.push(s.calldata);
      return;
    }
    if (!s.signature)
      throw new UsageError(`${where}: missing signature (e.g. "setPriceFeed(uint8,address)") or calldata`);
    let iface: Interface;
    try {
      iface = new Interface([`function ${s.signature.replace(/^function\s+/, "")}`]);
    } catch (err) {
      throw new UsageError(
        `${where}: bad signature ${JSON.stringify(s.signature)}: ${(err as Error).message}`,
      );
    }
    const fn = iface.fragments[0] as unknown as { name: string };
    try {
      calldatas.push(iface.encodeFunctionData(fn.name, s.args ?? []));
    } catch (err) {
      throw new UsageError(
        `${where}: arguments do not fit ${s.signature}: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`,
      );
    }
  });
  return { targets, values, calldatas };
}

/** The proposal's actions and description: the saved file, else its ProposalCreated event. */
async function loadProposal(ctx: CliContext, id: bigint): Promise<Proposal & { source: string }> {
  const file = path.join(proposalsDir(ctx), `${id}.json`);
  let p: (Proposal & { source: string }) | undefined;
  if (fs.existsSync(file)) {
    const s = JSON.parse(fs.readFileSync(file, "utf8")) as StoredProposal;
    p = {
      targets: s.targets,
      values: s.values.map((v) => BigInt(v)),
      calldatas: s.calldatas,
      description: s.description,
      source: file,
    };
  } else {
    const governor = ctx.contracts.governor;
    const from = ctx.exp.contracts.CLAIGovernor?.startBlock ?? 0;
    const logs = await ctx.rpc("ProposalCreated logs", () =>
      governor.queryFilter(governor.filters.ProposalCreated(), from),
    );
    const log = logs.find((l) => l.args.proposalId === id);
    if (!log) throw new CliError(`unknown proposal ${id} on chain ${ctx.chainId}`);
    p = {
      targets: [...log.args.targets],
      values: [...log.args[3]],
      calldatas: [...log.args.calldatas],
      description: log.args.description,
      source: `ProposalCreated event (block ${log.blockNumber})`,
    };
  }
  const hash = await ctx.rpc("hashProposal", () =>
    ctx.contracts.governor.hashProposal(p.targets, p.values, p.calldatas, descriptionHash(p)),
  );
  if (hash !== id) throw new CliError(`${p.source} does not hash to proposal ${id} (got ${hash})`);
  return p;
}

async function proposalStateName(ctx: CliContext, id: bigint): Promise<string> {
  const state = await ctx.rpc("state", () => ctx.contracts.governor.state(id));
  return PROPOSAL_STATES[Number(state)] ?? `#${state}`;
}

function short(id: bigint): string {
  const s = id.toString();
  return s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-6)}` : s;
}

// ----------------------------------------------------------------------------------------------- propose

interface ProposeOptions {
  description?: string;
  descriptionFile?: string;
  actions?: string;
  target?: string;
  sig?: string;
  args?: string;
  value?: string;
  calldata?: string;
}

async function proposeAction(opts: ProposeOptions, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  let description = opts.description;
  if (opts.descriptionFile !== undefined) {
    if (description !== undefined) throw new UsageError("use either --description or --description-file");
    description = fs.readFileSync(path.resolve(ctx.io.cwd, opts.descriptionFile), "utf8");
  }
  if (!description || description.trim() === "")
    throw new UsageError("a proposal needs --description <text>");

  let specs: ActionSpec[];
  if (opts.actions !== undefined) {
    if (opts.target || opts.sig || opts.args || opts.calldata) {
      throw new UsageError("use either --actions <file> or --target/--sig/--args/--calldata");
    }
    try {
      const json = JSON.parse(fs.readFileSync(path.resolve(ctx.io.cwd, opts.actions), "utf8")) as unknown;
      specs = (Array.isArray(json) ? json : [json]) as ActionSpec[];
    } catch (err) {
      throw new UsageError(`cannot read --actions ${opts.actions}: ${(err as Error).message}`);
    }
  } else {
    if (!opts.target)
      throw new UsageError("give --target with --sig/--args (or --calldata), or --actions <file>");
    let args: unknown[] = [];
    if (opts.args !== undefined) {
      try {
        const parsed = JSON.parse(opts.args) as unknown;
        args = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        throw new UsageError(`--args must be a JSON array, e.g. '[0, "0xabc…"]'`);
      }
    }
    specs = [
      {
        target: opts.target,
        value: opts.value,
        signature: opts.sig,
        args: opts.sig ? args : undefined,
        calldata: opts.calldata,
      },
    ];
  }
  const actions = encodeActions(ctx, specs);
  const proposal: Proposal = { ...actions, description };
  const governor = ctx.contracts.governor;
  const id = await ctx.rpc("hashProposal", () =>
    governor.hashProposal(proposal.targets, proposal.values, proposal.calldatas, descriptionHash(proposal)),
  );
  const receipt = await ctx.send(
    "propose",
    governor.propose.populateTransaction(proposal.targets, proposal.values, proposal.calldatas, description),
  );
  const dir = proposalsDir(ctx);
  fs.mkdirSync(dir, { recursive: true });
  const stored: StoredProposal = {
    proposalId: id.toString(),
    targets: proposal.targets,
    values: proposal.values.map(String),
    calldatas: proposal.calldatas,
    description,
    proposer: ctx.requireSigner().address,
    txHash: receipt.hash,
  };
  const file = path.join(dir, `${id}.json`);
  fs.writeFileSync(file, JSON.stringify(stored, null, 2) + "\n");
  const [snapshot, deadline] = await Promise.all([
    ctx.rpc("proposalSnapshot", () => governor.proposalSnapshot(id)),
    ctx.rpc("proposalDeadline", () => governor.proposalDeadline(id)),
  ]);
  const now = await chainTime(ctx);
  ctx.out.result(
    {
      proposalId: id,
      txHash: receipt.hash,
      actions: proposal.targets.length,
      voteStart: Number(snapshot),
      voteEnd: Number(deadline),
      savedTo: file,
    },
    (r) => {
      ctx.out.line(`proposal ${r.proposalId}`);
      ctx.out.kv({
        tx: r.txHash,
        actions: r.actions,
        "voting starts": formatTimestamp(r.voteStart, now),
        "voting ends": formatTimestamp(r.voteEnd, now),
        saved: r.savedTo,
      });
      ctx.out.line(`vote with: clai gov vote ${r.proposalId} --support for`);
    },
  );
}

// ----------------------------------------------------------------------------------------------- vote

async function voteAction(
  idArg: bigint,
  opts: { support: (typeof SUPPORT)[number]; reason?: string; wait?: boolean },
  cmd: Command,
): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const governor = ctx.contracts.governor;
  let state = await proposalStateName(ctx, idArg);
  if (state === "Pending") {
    const snapshot = Number(await ctx.rpc("proposalSnapshot", () => governor.proposalSnapshot(idArg)));
    if (!opts.wait) {
      throw new CliError(
        `proposal ${short(idArg)} is Pending: voting starts ${formatTimestamp(snapshot, await chainTime(ctx))} (pass --wait)`,
      );
    }
    await waitForTime(ctx, snapshot + 1, { label: "voting to start" });
    state = await proposalStateName(ctx, idArg);
  }
  const voter = ctx.requireSigner().address;
  const support = SUPPORT_VALUE[opts.support];
  const receipt = await ctx.send(
    "castVote",
    opts.reason
      ? governor.castVoteWithReason.populateTransaction(idArg, support, opts.reason)
      : governor.castVote.populateTransaction(idArg, support),
  );
  const weight = voteWeight(ctx, receipt);
  ctx.out.result(
    {
      proposalId: idArg,
      voter,
      support: opts.support,
      weight,
      reason: opts.reason ?? null,
      txHash: receipt.hash,
    },
    (r) =>
      ctx.out.line(
        `${r.voter} voted ${r.support} on ${short(r.proposalId)} with ${formatClai(r.weight)} of votes (tx ${r.txHash})`,
      ),
  );
}

function voteWeight(ctx: CliContext, receipt: TransactionReceipt): bigint {
  for (const log of receipt.logs) {
    try {
      const parsed = ctx.contracts.governor.interface.parseLog(log);
      if (parsed?.name === "VoteCast") return parsed.args.weight as bigint;
    } catch {
      // another contract's log
    }
  }
  return 0n;
}

// ----------------------------------------------------------------------------------------------- queue / execute

async function queueAction(idArg: bigint, opts: { wait?: boolean }, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const governor = ctx.contracts.governor;
  const p = await loadProposal(ctx, idArg);
  let state = await proposalStateName(ctx, idArg);
  if (state === "Pending" || state === "Active") {
    const deadline = Number(await ctx.rpc("proposalDeadline", () => governor.proposalDeadline(idArg)));
    if (!opts.wait) {
      throw new CliError(
        `proposal ${short(idArg)} is ${state}: voting ends ${formatTimestamp(deadline, await chainTime(ctx))} (pass --wait)`,
      );
    }
    await waitForTime(ctx, deadline + 1, { label: "voting to end" });
    state = await proposalStateName(ctx, idArg);
  }
  if (state !== "Succeeded") {
    throw new CliError(`proposal ${short(idArg)} is ${state}; only a Succeeded proposal can be queued`);
  }
  const receipt = await ctx.send(
    "queue",
    governor.queue.populateTransaction(p.targets, p.values, p.calldatas, descriptionHash(p)),
  );
  const eta = Number(await ctx.rpc("proposalEta", () => governor.proposalEta(idArg)));
  const now = await chainTime(ctx);
  ctx.out.result({ proposalId: idArg, state: "Queued", eta, txHash: receipt.hash }, (r) => {
    ctx.out.line(`proposal ${short(r.proposalId)} queued in the timelock (tx ${r.txHash})`);
    ctx.out.line(`executable ${formatTimestamp(r.eta, now)}: clai gov execute ${r.proposalId}`);
  });
}

async function executeAction(idArg: bigint, opts: { wait?: boolean }, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const governor = ctx.contracts.governor;
  const p = await loadProposal(ctx, idArg);
  const state = await proposalStateName(ctx, idArg);
  if (state !== "Queued") {
    throw new CliError(
      `proposal ${short(idArg)} is ${state}; only a Queued proposal can be executed` +
        (state === "Succeeded" ? ` (queue it first: clai gov queue ${idArg})` : ""),
    );
  }
  const eta = Number(await ctx.rpc("proposalEta", () => governor.proposalEta(idArg)));
  const now = await chainTime(ctx);
  if (now < eta) {
    if (!opts.wait) {
      throw new CliError(`proposal ${short(idArg)} is executable ${formatTimestamp(eta, now)} (pass --wait)`);
    }
    await waitForTime(ctx, eta, { label: "the timelock delay" });
  }
  const value = p.values.reduce((a, b) => a + b, 0n);
  const receipt = await ctx.send(
    "execute",
    governor.execute.populateTransaction(p.targets, p.values, p.calldatas, descriptionHash(p), { value }),
  );
  ctx.out.result({ proposalId: idArg, state: "Executed", txHash: receipt.hash }, (r) =>
    ctx.out.line(`proposal ${short(r.proposalId)} executed (tx ${r.txHash})`),
  );
}

// ----------------------------------------------------------------------------------------------- status

async function statusAction(idArg: bigint | undefined, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd);
  const governor = ctx.contracts.governor;
  const now = await chainTime(ctx);
  if (idArg === undefined) {
    const from = ctx.exp.contracts.CLAIGovernor?.startBlock ?? 0;
    const logs = await ctx.rpc("ProposalCreated logs", () =>
      governor.queryFilter(governor.filters.ProposalCreated(), from),
    );
    const proposals = [];
    for (const l of logs) {
      proposals.push({
        proposalId: l.args.proposalId,
        state: await proposalStateName(ctx, l.args.proposalId),
        proposer: l.args.proposer,
        voteEnd: Number(l.args.voteEnd),
        description: l.args.description.split("\n")[0]!,
      });
    }
    ctx.out.result({ chainTime: now, proposals }, (r) => {
      if (r.proposals.length === 0) return ctx.out.line("no proposals");
      ctx.out.table(
        ["id", "state", "voting ends", "description"],
        r.proposals.map((p) => [
          short(p.proposalId),
          p.state,
          formatTimestamp(p.voteEnd, now),
          p.description.slice(0, 60),
        ]),
      );
    });
    return;
  }
  const p = await loadProposal(ctx, idArg);
  const [state, snapshot, deadline, votes, eta, proposer] = await Promise.all([
    proposalStateName(ctx, idArg),
    ctx.rpc("proposalSnapshot", () => governor.proposalSnapshot(idArg)),
    ctx.rpc("proposalDeadline", () => governor.proposalDeadline(idArg)),
    ctx.rpc("proposalVotes", () => governor.proposalVotes(idArg)),
    ctx.rpc("proposalEta", () => governor.proposalEta(idArg)),
    ctx.rpc("proposalProposer", () => governor.proposalProposer(idArg)),
  ]);
  // quorum() looks up past supply: only defined once the snapshot is in the past.
  const quorum = Number(snapshot) < now ? await ctx.rpc("quorum", () => governor.quorum(snapshot)) : null;
  let voted: boolean | null = null;
  if (ctx.signer) {
    const voter = ctx.signer.address;
    voted = await ctx.rpc("hasVoted", () => governor.hasVoted(idArg, voter));
  }
  const out = {
    proposalId: idArg,
    state,
    proposer,
    description: p.description,
    actions: p.targets.map((t, i) => ({ target: t, value: p.values[i]!, calldata: p.calldatas[i]! })),
    voteStart: Number(snapshot),
    voteEnd: Number(deadline),
    votes: { for: votes.forVotes, against: votes.againstVotes, abstain: votes.abstainVotes },
    quorum,
    eta: eta === 0n ? null : Number(eta),
    youVoted: voted,
    chainTime: now,
  };
  ctx.out.result(out, (r) => {
    ctx.out.kv({
      proposal: r.proposalId,
      state: r.state,
      proposer: r.proposer,
      description: r.description.split("\n")[0],
      "voting starts": formatTimestamp(r.voteStart, now),
      "voting ends": formatTimestamp(r.voteEnd, now),
      for: formatClai(r.votes.for),
      against: formatClai(r.votes.against),
      abstain: formatClai(r.votes.abstain),
      quorum: r.quorum === null ? "(known once voting starts)" : formatClai(r.quorum),
      eta: r.eta === null ? "-" : formatTimestamp(r.eta, now),
      "you voted": r.youVoted === null ? undefined : r.youVoted ? "yes" : "no",
    });
    ctx.out.line("\nactions:");
    ctx.out.table(
      ["target", "value", "calldata"],
      r.actions.map((a) => [
        contractName(ctx, a.target),
        a.value,
        a.calldata.length > 74 ? `${a.calldata.slice(0, 74)}…` : a.calldata,
      ]),
    );
  });
}

function contractName(ctx: CliContext, address: string): string {
  const entry = Object.entries(ctx.exp.contracts).find(
    ([, c]) => c.address.toLowerCase() === address.toLowerCase(),
  );
  return entry ? `${entry[0]} (${address})` : address;
}

// ----------------------------------------------------------------------------------------------- delegate

async function delegateAction(delegatee: string | undefined, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const self = ctx.requireSigner().address;
  const to = delegatee ?? self;
  const receipt = await ctx.send("delegate", ctx.contracts.token.delegate.populateTransaction(to));
  const votes = await ctx.rpc("getVotes", () => ctx.contracts.token.getVotes(to));
  ctx.out.result({ delegator: self, delegatee: to, votes, txHash: receipt.hash }, (r) =>
    ctx.out.line(
      `${r.delegator} delegated its CLAI votes to ${r.delegatee}, who now has ${formatClai(r.votes)} of votes`,
    ),
  );
}

function parseSupport(value: string): (typeof SUPPORT)[number] {
  return parseChoice(SUPPORT)(value);
}

export function govCommand(): Command {
  const gov = new Command("gov").description("propose, vote on, queue and execute governance proposals");

  gov
    .command("propose")
    .description(
      "propose calls for the timelock to execute (one action from flags, or several from --actions)",
    )
    .option("-d, --description <text>", "proposal description (its hash is part of the proposal id)")
    .option("--description-file <file>", "read the description from a file")
    .option("--target <address|contract>", "call target: an address or a deployment name such as TaskMarket")
    .option("--sig <signature>", 'function signature, e.g. "setPriceFeed(uint8,address)"')
    .option("--args <json>", "JSON array of arguments, e.g. '[0, \"0x…\"]'")
    .option("--value <wei>", "wei sent with the call", "0")
    .option("--calldata <hex>", "raw calldata instead of --sig/--args")
    .option(
      "--actions <file>",
      'JSON file: [{"target","signature","args","value"} | {"target","calldata","value"}, …]',
    )
    .addHelpText(
      "after",
      `
Examples:
  $ clai gov propose --target TaskMarket --sig "resolveDispute(uint256,bool)" --args '[3, true]' \\
      -d "Resolve dispute of task 3: provider at fault" --account 0
  $ clai gov propose --actions actions.json -d "Raise the GPU feed bounds"`,
    )
    .action(proposeAction);

  gov
    .command("vote")
    .description("cast a vote (for, against, abstain) with an optional reason")
    .argument("<proposalId>", "proposal id", parseId)
    .requiredOption("-s, --support <support>", "for | against | abstain", parseSupport)
    .option("-r, --reason <text>", "reason recorded on-chain")
    .option("-w, --wait", "wait for voting to start (fast-forwards a local chain)")
    .addHelpText("after", '\nExample:\n  $ clai gov vote 1234… --support for --reason "fixes the bug" --wait')
    .action(voteAction);

  gov
    .command("queue")
    .description("queue a succeeded proposal in the timelock")
    .argument("<proposalId>", "proposal id", parseId)
    .option("-w, --wait", "wait for voting to end (fast-forwards a local chain)")
    .addHelpText("after", "\nExample:\n  $ clai gov queue 1234… --wait")
    .action(queueAction);

  gov
    .command("execute")
    .description("execute a queued proposal once the timelock delay has passed")
    .argument("<proposalId>", "proposal id", parseId)
    .option("-w, --wait", "wait for the timelock delay (fast-forwards a local chain)")
    .addHelpText("after", "\nExample:\n  $ clai gov execute 1234… --wait")
    .action(executeAction);

  gov
    .command("status")
    .description(
      "show a proposal's state, votes, quorum, deadlines and actions (all proposals without an id)",
    )
    .argument("[proposalId]", "proposal id", parseId)
    .addHelpText("after", "\nExamples:\n  $ clai gov status\n  $ clai gov status 1234… --json")
    .action(statusAction);

  gov
    .command("delegate")
    .description(
      "delegate your CLAI voting power (to yourself by default; needed before voting or proposing)",
    )
    .argument("[address]", "delegatee (default: yourself)", parseAddress)
    .addHelpText("after", "\nExample:\n  $ clai gov delegate --account 0")
    .action(delegateAction);

  return gov;
}
