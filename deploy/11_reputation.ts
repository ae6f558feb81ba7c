import type { DeployFunction } from "hardhat-deploy/types";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const { reputation: r } = deployConfig(hre.network.name);
  await deployUUPS(hre, "Reputation", [deployer, r.successGainBps, r.faultCutBps, r.initialScore]);
};
func.id = "cloudai_reputation";
func.tags = ["Reputation", "market", "core"];
export default func;
