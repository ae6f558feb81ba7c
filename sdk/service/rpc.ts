import { JsonRpcProvider, Network } from "ethers";

/**
 * The JSON-RPC provider every service uses: pinned to the deployment's chain (no chain-id probing on each
 * request) and with ethers' 250 ms response cache off, so a retry or a nonce read right after a send asks
 * the node again instead of replaying a stale or failed answer.
 */
export function connectRpc(url: string, chainId: number): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { staticNetwork: Network.from(chainId), cacheTimeout: -1 });
}
