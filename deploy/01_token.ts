import type { DeployFunction } from "hardhat-deploy/types";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

/** CLAI: every role to the timelock from the start; the initial supply to the deployer for distribution. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const cfg = deployConfig(hre.network.name);
  const timelock = await hre.deployments.get("CLAITimelock");
  await deployUUPS(hre, "CLAIToken", [cfg.tokenCap, timelock.address, deployer, cfg.initialSupply]);
};
func.id = "cloudai_token";
func.tags = ["CLAIToken", "core"];
func.dependencies = ["CLAITimelock"];
export default func;
