import type { DeployFunction } from "hardhat-deploy/types";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const cfg = deployConfig(hre.network.name);
  const token = await hre.deployments.get("CLAIToken");
  await deployUUPS(hre, "Staking", [token.address, deployer, cfg.staking]);
};
func.id = "cloudai_staking";
func.tags = ["Staking", "market", "core"];
func.dependencies = ["CLAIToken"];
export default func;
