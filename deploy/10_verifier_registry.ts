import type { DeployFunction } from "hardhat-deploy/types";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

/** Circuit id → Groth16 verifier. The deployer is admin only until 90_handover. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  await deployUUPS(hre, "VerifierRegistry", [deployer]);
};
func.id = "cloudai_verifier_registry";
func.tags = ["VerifierRegistry", "market", "core"];
export default func;
