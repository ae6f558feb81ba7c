import type { DeployFunction } from "hardhat-deploy/types";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

const func: DeployFunction = async (hre) => {
  const cfg = deployConfig(hre.network.name);
  const token = await hre.deployments.get("CLAIToken");
  const timelock = await hre.deployments.get("CLAITimelock");
  await deployUUPS(hre, "CLAIGovernor", [
    token.address,
    timelock.address,
    cfg.votingDelay,
    cfg.votingPeriod,
    cfg.proposalThreshold,
    cfg.quorumPercent,
  ]);
};
func.id = "cloudai_governor";
func.tags = ["CLAIGovernor", "governance", "core"];
func.dependencies = ["CLAIToken", "CLAITimelock"];
export default func;
