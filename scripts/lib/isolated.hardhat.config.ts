/**
 * The project's Hardhat config with its deployments (and the deployment export) redirected to a scratch
 * directory, `CLOUDAI_ISOLATED_ROOT`. Tests and benchmarks that deploy to their own `hardhat node` use it
 * (`hardhat --config scripts/lib/isolated.hardhat.config.ts …`), so they never read or overwrite the shared
 * `deployments/localhost` records another local node may be using. Sources, artifacts, typechain bindings
 * and deploy scripts stay the repository's.
 */
import path from "node:path";
import type { HardhatUserConfig } from "hardhat/types";
import base from "../../hardhat.config";

const repo = path.resolve(__dirname, "..", "..");
const root = process.env.CLOUDAI_ISOLATED_ROOT;
if (!root) throw new Error("CLOUDAI_ISOLATED_ROOT must name a scratch directory for the deployments");

const config: HardhatUserConfig = {
  ...base,
  paths: {
    ...base.paths,
    root: path.resolve(root),
    sources: path.join(repo, "contracts"),
    tests: path.join(repo, "test"),
    cache: path.join(repo, "cache"),
    artifacts: path.join(repo, "artifacts"),
    deploy: path.join(repo, "deploy"),
    deployments: path.join(path.resolve(root), "deployments"),
  },
  typechain: { ...base.typechain, outDir: path.join(repo, "typechain-types") },
};

export default config;
