import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";
import { STAKING_PARAMS, deployMarketSystem, deployPriceFeed } from "../fixtures/market";

/**
 * Access-control matrix: every role-gated external function, called by an account without the role, must
 * revert with AccessControlUnauthorizedAccount(caller, role); and the role's holder per the deployment
 * (admin = timelock stand-in, market contract, matcher) is the only one granted. Functions that are open
 * by design (requester/provider/permissionless exits) are listed with the rule that gates them instead.
 */
describe("Access-control matrix", function () {
  async function fixture() {
    const sys = await deployMarketSystem();
    const { feed } = await deployPriceFeed(sys.admin, 4, 1);
    return { ...sys, feed };
  }

  it("rejects every role-gated function for an outsider, naming the missing role", async function () {
    const sys = await loadFixture(fixture);
    const { market, staking, reputation, registry, feed, outsider, marketConfig } = sys;
    const x = outsider.address;
    const cases: [BaseContract & { connect: (s: typeof outsider) => any }, string, string, unknown[]][] = [
      [market, "MATCHER_ROLE", "assignBatch", [[]]],
      [market, "ARBITER_ROLE", "resolveDispute", [1, true]],
      [market, "PARAMETER_ROLE", "setConfig", [marketConfig]],
      [market, "PARAMETER_ROLE", "setPriceFeed", [0, ethers.ZeroAddress]],
      [market, "UPGRADER_ROLE", "upgradeToAndCall", [x, "0x"]],
      [staking, "MARKET_ROLE", "lock", [x, 0, 1, 1]],
      [staking, "MARKET_ROLE", "unlock", [x, 1]],
      [staking, "MARKET_ROLE", "slash", [x, 1, x]],
      [staking, "MARKET_ROLE", "notifyReward", [1]],
      [staking, "PARAMETER_ROLE", "unjail", [x]],
      [staking, "PARAMETER_ROLE", "setParameters", [STAKING_PARAMS]],
      [staking, "UPGRADER_ROLE", "upgradeToAndCall", [x, "0x"]],
      [reputation, "WRITER_ROLE", "recordSuccess", [x]],
      [reputation, "WRITER_ROLE", "recordFault", [x]],
      [reputation, "RESETTER_ROLE", "reset", [x, 1]],
      [reputation, "PARAMETER_ROLE", "setParameters", [1, 1, 1]],
      [reputation, "UPGRADER_ROLE", "upgradeToAndCall", [x, "0x"]],
      [registry, "REGISTRAR_ROLE", "registerCircuit", [ethers.id("c"), x, 3]],
      [registry, "REGISTRAR_ROLE", "setCircuitActive", [ethers.id("c"), false]],
      [registry, "UPGRADER_ROLE", "upgradeToAndCall", [x, "0x"]],
      [feed, "CONFIG_ROLE", "setConfig", [[x], 1]],
      [feed, "CONFIG_ROLE", "setBounds", [1, 2]],
      [feed, "UPGRADER_ROLE", "upgradeToAndCall", [x, "0x"]],
    ];
    for (const [contract, roleName, fn, args] of cases) {
      const role = await (contract as any)[roleName]();
      await expect((contract.connect(outsider) as any)[fn](...args), `${fn} without ${roleName}`)
        .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
        .withArgs(x, role);
    }
  });

  it("grants roles exactly as the deployment intends; the deployer holds none", async function () {
    const { market, staking, reputation, registry, feed, admin, deployer, matcher } =
      await loadFixture(fixture);
    const m = await market.getAddress();
    const expected: [any, string, string[]][] = [
      [market, "DEFAULT_ADMIN_ROLE", [admin.address]],
      [market, "UPGRADER_ROLE", [admin.address]],
      [market, "PARAMETER_ROLE", [admin.address]],
      [market, "ARBITER_ROLE", [admin.address]],
      [market, "MATCHER_ROLE", [matcher.address]],
      [staking, "DEFAULT_ADMIN_ROLE", [admin.address]],
      [staking, "UPGRADER_ROLE", [admin.address]],
      [staking, "PARAMETER_ROLE", [admin.address]],
      [staking, "MARKET_ROLE", [m]],
      [reputation, "DEFAULT_ADMIN_ROLE", [admin.address]],
      [reputation, "UPGRADER_ROLE", [admin.address]],
      [reputation, "PARAMETER_ROLE", [admin.address]],
      [reputation, "RESETTER_ROLE", [admin.address]],
      [reputation, "WRITER_ROLE", [m]],
      [registry, "DEFAULT_ADMIN_ROLE", [admin.address]],
      [registry, "UPGRADER_ROLE", [admin.address]],
      [registry, "REGISTRAR_ROLE", [admin.address]],
      [feed, "DEFAULT_ADMIN_ROLE", [admin.address]],
      [feed, "UPGRADER_ROLE", [admin.address]],
      [feed, "CONFIG_ROLE", [admin.address]],
    ];
    const everyone = [admin.address, deployer.address, matcher.address, m];
    for (const [contract, roleName, holders] of expected) {
      const role = roleName === "DEFAULT_ADMIN_ROLE" ? ethers.ZeroHash : await contract[roleName]();
      for (const who of everyone) {
        expect(await contract.hasRole(role, who), `${roleName} of ${who}`).to.equal(holders.includes(who));
      }
    }
  });

  it("gates requester/provider functions by task identity, not by role", async function () {
    const sys = await loadFixture(fixture);
    const { market, outsider, requester } = sys;
    const { taskParams } = await import("../fixtures/market");
    await market.connect(requester).createTask(await taskParams());
    await expect(market.connect(outsider).cancelTask(1)).to.be.revertedWithCustomError(
      market,
      "TaskMarket__NotRequester",
    );
    await expect(market.connect(outsider).submitResult(1, ethers.ZeroHash, "")).to.be.revertedWithCustomError(
      market,
      "TaskMarket__WrongStatus",
    );
    // rejectTask: only the assigned provider (not the requester, not the matcher, not the admin)
    const { assignVia } = await import("../fixtures/market");
    await assignVia(sys, 1n, sys.providers[0]);
    for (const who of [outsider, requester, sys.matcher, sys.admin, sys.providers[1]]) {
      await expect(market.connect(who).rejectTask(1))
        .to.be.revertedWithCustomError(market, "TaskMarket__NotProvider")
        .withArgs(1, who.address);
    }
    await expect(market.connect(sys.providers[0]).rejectTask(1)).to.emit(market, "TaskRejected");
  });
});
