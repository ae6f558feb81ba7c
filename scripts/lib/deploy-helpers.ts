import type { DeployResult } from "hardhat-deploy/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/**
 * Deploys (or, when the bytecode is unchanged, reuses) a UUPS proxy named `name` for `contract`
 * (default: the same name), initialized with `initArgs`. Re-running is a no-op. Later implementation changes are not pushed from here: once the
 * timelock holds UPGRADER_ROLE, upgrades go through governance (see scripts/gov-upgrade.ts).
 */
export async function deployUUPS(
  hre: HardhatRuntimeEnvironment,
  name: string,
  initArgs: unknown[],
  contract: string = name,
): Promise<DeployResult> {
  const { deployer } = await hre.getNamedAccounts();
  return hre.deployments.deploy(name, {
    contract,
    from: deployer,
    log: process.env.CI !== "true" && hre.network.name !== "hardhat",
    proxy: {
      proxyContract: "UUPS",
      execute: { init: { methodName: "initialize", args: initArgs } },
      upgradeFunction: { methodName: "upgradeToAndCall", upgradeArgs: ["{implementation}", "{data}"] },
    },
  });
}
