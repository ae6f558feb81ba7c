import type { DeployFunction } from "hardhat-deploy/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CLAITimelock__factory, IAccessControl__factory } from "../typechain-types";
import { roleNamesOf } from "../scripts/lib/roles";

/**
 * Hands the protocol to governance: the governor becomes the timelock's only proposer and canceller,
 * every role the deployer still holds on any deployed contract moves to the timelock, and the deployer
 * renounces them all. Idempotent: on a second run nothing is held, so nothing happens.
 */
const func: DeployFunction = async (hre: HardhatRuntimeEnvironment) => {
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const timelockDep = await hre.deployments.get("CLAITimelock");
  const governorDep = await hre.deployments.get("CLAIGovernor");
  const timelock = CLAITimelock__factory.connect(timelockDep.address, signer);

  for (const role of [await timelock.PROPOSER_ROLE(), await timelock.CANCELLER_ROLE()]) {
    if (!(await timelock.hasRole(role, governorDep.address))) {
      await (await timelock.grantRole(role, governorDep.address)).wait();
    }
  }

  const all = await hre.deployments.all();
  for (const [name, dep] of Object.entries(all)) {
    if (name.endsWith("_Implementation") || name.endsWith("_Proxy")) continue;
    const roles = roleNamesOf(dep.abi);
    if (roles.length === 0) continue;
    const ac = IAccessControl__factory.connect(dep.address, signer);
    const reader = new hre.ethers.Contract(dep.address, dep.abi, signer);
    // DEFAULT_ADMIN_ROLE last: renouncing it first would forbid granting the others.
    const ordered = [...roles.filter((r) => r !== "DEFAULT_ADMIN_ROLE"), "DEFAULT_ADMIN_ROLE"];
    for (const roleName of ordered) {
      const role = (await reader.getFunction(roleName).staticCall()) as string;
      if (!(await ac.hasRole(role, deployer))) continue;
      if (dep.address !== timelockDep.address && !(await ac.hasRole(role, timelockDep.address))) {
        await (await ac.grantRole(role, timelockDep.address)).wait();
      }
      await (await ac.renounceRole(role, deployer)).wait();
    }
  }
};
func.id = "cloudai_handover";
func.tags = ["handover", "core"];
func.dependencies = ["CLAIGovernor", "TaskMarket", "PriceFeeds"];
export default func;
