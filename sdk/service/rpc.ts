import { JsonRpcProvider, Network } from "ethers";
import type { Logger } from "./logger";
import { withRetry } from "./retry";

/**
 * The JSON-RPC provider every service uses: pinned to the deployment's chain (no chain-id probing on each
 * request) and with ethers' 250 ms response cache off, so a retry or a nonce read right after a send asks
 * the node again instead of replaying a stale or failed answer.
 */
export function connectRpc(url: string, chainId: number): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { staticNetwork: Network.from(chainId), cacheTimeout: -1 });
}

/** Thrown when the RPC endpoint serves another chain than the deployment export describes. */
export class ChainMismatchError extends Error {
  override name = "ChainMismatchError";
}

/**
 * Connects to `rpcUrl` for a deployment on `chainId` and checks (with retries, the node may still be
 * starting) that the endpoint really serves that chain; `what` names the deployment in the error.
 */
export async function connectCheckedRpc(
  rpcUrl: string,
  chainId: number,
  what: string,
  logger?: Logger,
): Promise<JsonRpcProvider> {
  const provider = connectRpc(rpcUrl, chainId);
  const served = Number(
    await withRetry(() => provider.send("eth_chainId", []) as Promise<string>, {
      logger,
      label: "eth_chainId",
    }),
  );
  if (served !== chainId) {
    throw new ChainMismatchError(`${rpcUrl} serves chain ${served} but ${what} is for chain ${chainId}`);
  }
  return provider;
}
