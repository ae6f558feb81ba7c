import type { DeployFunction } from "hardhat-deploy/types";
import { PriceFeed__factory, TaskMarket__factory } from "../typechain-types";
import { deployConfig } from "../scripts/lib/deploy-config";
import { deployUUPS } from "../scripts/lib/deploy-helpers";

/**
 * One Chainlink-compatible feed per resource class (`PriceFeed_<name>`, CLAI wei per unit, 18 decimals),
 * its oracle signer set (when configured) and its registration in the market.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const cfg = deployConfig(hre.network.name);
  const market = TaskMarket__factory.connect((await hre.deployments.get("TaskMarket")).address, signer);
  for (const rc of cfg.resourceClasses) {
    const name = `PriceFeed_${rc.name}`;
    const dep = await deployUUPS(
      hre,
      name,
      [deployer, `CLAI / ${rc.name} unit`, rc.minPrice, rc.maxPrice],
      "PriceFeed",
    );
    const feed = PriceFeed__factory.connect(dep.address, signer);
    if (cfg.oracle.signers.length > 0 && (await feed.signers()).length === 0) {
      await (await feed.setConfig(cfg.oracle.signers, cfg.oracle.f)).wait();
    }
    if ((await market.priceFeed(rc.id)) !== dep.address) {
      await (await market.setPriceFeed(rc.id, dep.address)).wait();
    }
  }
};
func.id = "cloudai_price_feeds";
func.tags = ["PriceFeeds", "market", "core"];
func.dependencies = ["TaskMarket"];
export default func;
