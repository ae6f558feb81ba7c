/**
 * Building blocks for scripts that put load on a local CloudAI chain (the indexer's end-to-end scenario and
 * its benchmark): deploy through the project's deploy scripts, sign and transmit oracle reports, and send
 * many transactions packed into few blocks. Local chains only (they switch Hardhat's automine off).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ContractTransactionResponse, Signer } from "ethers";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import { assembleReport, encodeReport, reportDigest, signReportDigest } from "../../sdk/signing";
import { buildDeploymentExport } from "./export";
import { localOracleWallet } from "./deploy-config";

/** Deploys CloudAI (the `deploy/` scripts, tag `core`, with the export) and returns connected clients. */
export async function deployCloudAI(hre: HardhatRuntimeEnvironment): Promise<CloudAIContracts> {
  await hre.run("deploy", { noCompile: true, silent: true });
  const [deployer] = await hre.ethers.getSigners();
  return connectContracts(await buildDeploymentExport(hre), deployer!);
}

/** Signs a report for `feedName` with the local oracle committee (f + 1 signatures) and transmits it. */
export async function transmitReport(
  c: CloudAIContracts,
  feedName: string,
  epochAndRound: number,
  observations: bigint[],
): Promise<void> {
  const feed = c.feeds[feedName];
  if (!feed) throw new Error(`no ${feedName} feed in the deployment`);
  const [digest, , f] = await feed.latestConfig();
  const report = encodeReport(observations);
  const d = reportDigest(report, digest, epochAndRound);
  const sigs = [];
  for (let i = 0; i <= Number(f); i++) sigs.push(await signReportDigest(localOracleWallet(i), d));
  const r = assembleReport(report, digest, epochAndRound, sigs);
  await (await feed.transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs)).wait();
}

/** One transaction to pack into a block: who sends it and how, given the nonce to use. */
export type PackedTx = { from: Signer; send: (nonce: number) => Promise<ContractTransactionResponse> };

/**
 * Sends `txs` with automine off and mines them into one block; throws if any reverted. Nonces are assigned
 * per sender in order. Keep a block's total gas limit under the block gas limit (30M on Hardhat).
 */
export async function mineTogether(hre: HardhatRuntimeEnvironment, txs: PackedTx[]): Promise<void> {
  const provider = hre.network.provider;
  const nonces = new Map<Signer, number>();
  for (const tx of txs) {
    if (!nonces.has(tx.from)) nonces.set(tx.from, await tx.from.getNonce("pending"));
  }
  await provider.send("evm_setAutomine", [false]);
  try {
    const sent = [];
    for (const tx of txs) {
      const nonce = nonces.get(tx.from)!;
      nonces.set(tx.from, nonce + 1);
      sent.push(tx.send(nonce));
    }
    const responses = await Promise.all(sent);
    await provider.send("evm_mine", []);
    const receipts = await Promise.all(responses.map((r) => r.wait()));
    if (receipts.some((r) => r?.status !== 1)) throw new Error("a packed transaction reverted");
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
}

/** Sends `count` small CLAI transfers from `from` round-robin to `recipients`, `perBlock` to a block. */
export async function bulkTransfers(
  hre: HardhatRuntimeEnvironment,
  c: CloudAIContracts,
  from: Signer,
  recipients: string[],
  count: number,
  perBlock: number,
  onBlock?: (done: number) => void,
): Promise<void> {
  const token = c.token.connect(from);
  for (let done = 0; done < count;) {
    const n = Math.min(perBlock, count - done);
    const txs: PackedTx[] = [];
    for (let i = 0; i < n; i++) {
      const k = done + i;
      const to = recipients[k % recipients.length]!;
      // ERC20Votes moves the sender's checkpoint too: ~80k gas a transfer.
      txs.push({
        from,
        send: (nonce) => token.transfer(to, BigInt(1 + (k % 997)) * 10n ** 15n, { nonce, gasLimit: 150_000 }),
      });
    }
    await mineTogether(hre, txs);
    done += n;
    onBlock?.(done);
  }
}
