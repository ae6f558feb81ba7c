import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { exportPath, type DeploymentExport, type ExportedContract } from "../../sdk/deployment";

/** Builds the export from hardhat-deploy's records (proxies only; implementations appear as a field). */
export async function buildDeploymentExport(hre: HardhatRuntimeEnvironment): Promise<DeploymentExport> {
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
  return {
    network: hre.network.name,
    chainId: Number((await hre.ethers.provider.getNetwork()).chainId),
    contracts,
  };
}

/** Writes `deployments/exports/<network>.json` and returns its path. */
export async function writeDeploymentExport(hre: HardhatRuntimeEnvironment): Promise<string> {
  const out = await buildDeploymentExport(hre);
  const file = exportPath(hre.config.paths.root, hre.network.name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  return file;
}
