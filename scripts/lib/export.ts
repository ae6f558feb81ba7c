import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** One contract in the deployment export. */
export interface ExportedContract {
  address: string;
  abi: unknown[];
  /** Block of the deploying transaction: where indexers start. */
  startBlock: number;
  /** Implementation behind the proxy, when proxied. */
  implementation?: string;
}

/** The file every off-chain component reads instead of hand-copied addresses. */
export interface DeploymentExport {
  network: string;
  chainId: number;
  contracts: Record<string, ExportedContract>;
}

export function exportPath(root: string, network: string): string {
  return path.join(root, "deployments", "exports", `${network}.json`);
}

export async function writeDeploymentExport(hre: HardhatRuntimeEnvironment): Promise<string> {
  const all = await hre.deployments.all();
  const contracts: Record<string, ExportedContract> = {};
  for (const [name, dep] of Object.entries(all)) {
    if (name.endsWith("_Implementation") || name.endsWith("_Proxy")) continue;
    contracts[name] = {
      address: dep.address,
      abi: dep.abi as unknown[],
      startBlock: dep.receipt?.blockNumber ?? 0,
      ...(dep.implementation ? { implementation: dep.implementation } : {}),
    };
  }
  const out: DeploymentExport = {
    network: hre.network.name,
    chainId: Number((await hre.ethers.provider.getNetwork()).chainId),
    contracts,
  };
  const file = exportPath(hre.config.paths.root, hre.network.name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  return file;
}
