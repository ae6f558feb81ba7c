import type { DeployFunction } from "hardhat-deploy/types";
import { writeDeploymentExport } from "../scripts/lib/export";

/**
 * Writes `deployments/exports/<network>.json` (addresses, ABIs, start blocks) for the indexer, subgraph,
 * SDK and CLI. Skipped on the in-process `hardhat` network, whose state vanishes with the process.
 */
const func: DeployFunction = async (hre) => {
  if (hre.network.name === "hardhat" && process.env.CLOUDAI_EXPORT_HARDHAT !== "true") return;
  const file = await writeDeploymentExport(hre);
  if (process.env.CI !== "true") console.log(`deployment export written to ${file}`);
};
func.id = "cloudai_export";
func.tags = ["export", "core"];
func.dependencies = ["handover"];
func.runAtTheEnd = true;
export default func;
