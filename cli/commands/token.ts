/**
 * `clai token balance|transfer`: CLAI balances (wallet, votes, stake) and transfers — enough to fund a
 * requester or provider account on a local chain from the deployer.
 */
import { Command } from "commander";
import { openContext } from "../context";
import { formatClai } from "../lib/chain";
import { parseAddress, parseClai } from "../lib/parse";

async function balanceAction(address: string | undefined, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd);
  const who = address ?? ctx.requireSigner().address;
  const { token, staking } = ctx.contracts;
  const [balance, votes, delegate, info] = await Promise.all([
    ctx.rpc("balanceOf", () => token.balanceOf(who)),
    ctx.rpc("getVotes", () => token.getVotes(who)),
    ctx.rpc("delegates", () => token.delegates(who)),
    ctx.rpc("providerInfo", () => staking.providerInfo(who)),
  ]);
  ctx.out.result({ address: who, balance, votes, delegate, stake: info.stake }, (r) =>
    ctx.out.kv({
      address: r.address,
      balance: formatClai(r.balance),
      "voting power": formatClai(r.votes),
      "delegates to": r.delegate,
      staked: formatClai(r.stake),
    }),
  );
}

async function transferAction(to: string, amount: bigint, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = await openContext(cmd, { signer: true });
  const receipt = await ctx.send("transfer", ctx.contracts.token.transfer.populateTransaction(to, amount));
  ctx.out.result({ from: ctx.requireSigner().address, to, amount, txHash: receipt.hash }, (r) =>
    ctx.out.line(`sent ${formatClai(r.amount)} from ${r.from} to ${r.to} (tx ${r.txHash})`),
  );
}

export function tokenCommand(): Command {
  const token = new Command("token").description("CLAI balances and transfers");
  token
    .command("balance")
    .description("show CLAI balance, voting power, delegate and stake of an address (default: yours)")
    .argument("[address]", "account to show", parseAddress)
    .addHelpText("after", "\nExample:\n  $ clai token balance --account 1")
    .action(balanceAction);
  token
    .command("transfer")
    .description("send CLAI")
    .argument("<to>", "recipient address", parseAddress)
    .argument("<amount>", "CLAI amount (1.5) or wei (1500wei)", parseClai)
    .addHelpText(
      "after",
      "\nExample:\n  $ clai token transfer 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 1000 --account 0",
    )
    .action(transferAction);
  return token;
}
