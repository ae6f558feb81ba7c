/**
 * Renders the committed localhost manifest (`subgraph/subgraph.yaml`) and `subgraph/abis/` from a fresh
 * in-process deployment: the same scripts on the same fresh chain give a local node the same addresses
 * and start blocks, so no running node or export file is needed.
 *
 *   npx hardhat run subgraph/scripts/local-manifest.ts
 *
 * With `SUBGRAPH_OUT_DIR=<dir>` it writes there instead (tests compare that copy with the committed one).
 */
import hre from "hardhat";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { prepare, writePrepared, SUBGRAPH_DIR } from "./prepare";

async function main(): Promise<void> {
  await hre.deployments.run(["core"], {
    resetMemory: true,
    deletePreviousDeployments: true,
    writeDeploymentsToFiles: false,
  });
  const exp = await buildDeploymentExport(hre);
  const result = await prepare({ ...exp, network: "localhost" });
  const out = writePrepared(result, process.env.SUBGRAPH_OUT_DIR ?? SUBGRAPH_DIR);
  if (process.env.CI !== "true") console.log(`wrote ${out} and its abis/`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
