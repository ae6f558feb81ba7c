import type { DeployFunction } from "hardhat-deploy/types";
import { ethers } from "ethers";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

/**
 * The timelock starts with the deployer as temporary admin (so it can wire the governor in
 * 03_handover) and no proposer; anyone may execute. 03_handover removes the deployer.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const cfg = deployConfig(hre.network.name);
  await deployUUPS(hre, "CLAITimelock", [cfg.timelockDelay, [], [ethers.ZeroAddress], deployer]);
};
func.id = "cloudai_timelock";
func.tags = ["CLAITimelock", "governance", "core"];
export default func;
