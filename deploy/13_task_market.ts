import type { DeployFunction } from "hardhat-deploy/types";
import { Reputation__factory, Staking__factory } from "../typechain-types";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

/**
 * The escrow. Protocol fees go to the timelock (the DAO treasury). The market gets MARKET_ROLE on
 * Staking (lock/unlock/slash/rewards) and WRITER_ROLE on Reputation; nothing else can write either.
 * MATCHER_ROLE is granted to matcher operators by governance proposals only.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const cfg = deployConfig(hre.network.name);
  const [token, staking, reputation, registry, timelock] = await Promise.all(
    ["CLAIToken", "Staking", "Reputation", "VerifierRegistry", "CLAITimelock"].map((n) =>
      hre.deployments.get(n),
    ),
  );
  const market = await deployUUPS(hre, "TaskMarket", [
    token.address,
    staking.address,
    reputation.address,
    registry.address,
    deployer,
    { treasury: timelock.address, maxTaskDuration: cfg.maxTaskDuration, ...cfg.market },
  ]);
  const stakingC = Staking__factory.connect(staking.address, signer);
  const reputationC = Reputation__factory.connect(reputation.address, signer);
  const marketRole = await stakingC.MARKET_ROLE();
  if (!(await stakingC.hasRole(marketRole, market.address))) {
    await (await stakingC.grantRole(marketRole, market.address)).wait();
  }
  const writerRole = await reputationC.WRITER_ROLE();
  if (!(await reputationC.hasRole(writerRole, market.address))) {
    await (await reputationC.grantRole(writerRole, market.address)).wait();
  }
};
func.id = "cloudai_task_market";
func.tags = ["TaskMarket", "market", "core"];
func.dependencies = ["CLAIToken", "Staking", "Reputation", "VerifierRegistry", "CLAITimelock"];
export default func;
