import { expect } from "chai";
import fs from "node:fs";
import hre, { deployments, ethers, getNamedAccounts, upgrades } from "hardhat";
import { roleNamesOf } from "../../scripts/lib/roles";
import { writeDeploymentExport } from "../../scripts/lib/export";
import type { DeploymentExport } from "../../sdk/deployment";
import { deployConfig, taskLifetime } from "../../scripts/lib/deploy-config";

/** Every deployed proxy (hardhat-deploy also records `_Implementation` and `_Proxy` entries). */
async function proxies() {
  const all = await deployments.all();
  return Object.entries(all).filter(([n]) => !n.endsWith("_Implementation") && !n.endsWith("_Proxy"));
}

describe("deploy/", function () {
  beforeEach(async function () {
    await deployments.fixture(["core"]);
  });

  it("deploys every core contract behind a UUPS proxy", async function () {
    const names = (await proxies()).map(([n]) => n).sort();
    expect(names).to.include.members([
      "CLAIGovernor",
      "CLAITimelock",
      "CLAIToken",
      "VerifierRegistry",
      "Reputation",
      "Staking",
      "TaskMarket",
      "PriceFeed_CPU",
      "PriceFeed_GPU",
    ]);
    for (const [name, dep] of await proxies()) {
      expect(dep.implementation, name).to.be.a("string");
      const impl = await upgrades.erc1967.getImplementationAddress(dep.address);
      expect(impl, name).to.equal(dep.implementation);
    }
  });

  it("leaves the deployer holding no role on any contract, and the timelock holding every admin role", async function () {
    const { deployer } = await getNamedAccounts();
    const timelock = await deployments.get("CLAITimelock");
    let checked = 0;
    for (const [name, dep] of await proxies()) {
      const roles = roleNamesOf(dep.abi);
      const c = new ethers.Contract(dep.address, dep.abi, ethers.provider);
      for (const roleName of roles) {
        const role = (await c.getFunction(roleName).staticCall()) as string;
        expect(
          await c.getFunction("hasRole")(role, deployer),
          `${name}.${roleName} held by deployer`,
        ).to.equal(false);
        checked++;
      }
      if (name === "CLAITimelock") continue;
      if (roles.includes("DEFAULT_ADMIN_ROLE")) {
        const admin = (await c.getFunction("DEFAULT_ADMIN_ROLE").staticCall()) as string;
        expect(await c.getFunction("hasRole")(admin, timelock.address), `${name} admin`).to.equal(true);
      }
      if (roles.includes("UPGRADER_ROLE")) {
        const up = (await c.getFunction("UPGRADER_ROLE").staticCall()) as string;
        expect(await c.getFunction("hasRole")(up, timelock.address), `${name} upgrader`).to.equal(true);
      }
    }
    expect(checked).to.be.greaterThan(0);
  });

  it("makes the governor the timelock's only proposer and canceller, lets anyone execute, and self-administers the timelock", async function () {
    const { deployer } = await getNamedAccounts();
    const timelock = await ethers.getContractAt(
      "CLAITimelock",
      (await deployments.get("CLAITimelock")).address,
    );
    const governor = await ethers.getContractAt(
      "CLAIGovernor",
      (await deployments.get("CLAIGovernor")).address,
    );
    const token = await deployments.get("CLAIToken");
    const tl = await timelock.getAddress();
    const gov = await governor.getAddress();
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), gov)).to.equal(true);
    expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), gov)).to.equal(true);
    expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(true);
    expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), tl)).to.equal(true);
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), deployer)).to.equal(false);
    expect(await governor.timelock()).to.equal(tl);
    expect(await governor.token()).to.equal(token.address);
    const cfg = deployConfig("hardhat");
    expect(await timelock.getMinDelay()).to.equal(BigInt(cfg.timelockDelay));
    expect(cfg.timelockDelay).to.be.greaterThan(taskLifetime(cfg));
  });

  it("wires the market: staking and reputation writable only by the market, fees to the timelock, one configured feed per class", async function () {
    const { deployer } = await getNamedAccounts();
    const cfg = deployConfig("hardhat");
    const get = async (n: string) => (await deployments.get(n)).address;
    const market = await ethers.getContractAt("TaskMarket", await get("TaskMarket"));
    const staking = await ethers.getContractAt("Staking", await get("Staking"));
    const reputation = await ethers.getContractAt("Reputation", await get("Reputation"));
    const timelock = await get("CLAITimelock");
    const marketAddr = await market.getAddress();
    expect(await staking.hasRole(await staking.MARKET_ROLE(), marketAddr)).to.equal(true);
    expect(await reputation.hasRole(await reputation.WRITER_ROLE(), marketAddr)).to.equal(true);
    expect(await market.hasRole(await market.ARBITER_ROLE(), timelock)).to.equal(true);
    expect(await market.hasRole(await market.MATCHER_ROLE(), deployer)).to.equal(false);
    const mc = await market.config();
    expect(mc.treasury).to.equal(timelock);
    expect(mc.maxTaskDuration).to.equal(BigInt(cfg.maxTaskDuration));
    expect(await staking.unbondingDelay()).to.be.greaterThan(BigInt(taskLifetime(cfg)));
    for (const rc of cfg.resourceClasses) {
      const feedAddr = await get(`PriceFeed_${rc.name}`);
      expect(await market.priceFeed(rc.id)).to.equal(feedAddr);
      const feed = await ethers.getContractAt("PriceFeed", feedAddr);
      expect(await feed.signers()).to.deep.equal(cfg.oracle.signers);
      expect(await feed.decimals()).to.equal(18n);
      const [min, max] = await feed.bounds();
      expect([min, max]).to.deep.equal([rc.minPrice, rc.maxPrice]);
    }
  });

  it("is idempotent: a second run sends no transaction", async function () {
    const before = await ethers.provider.getBlockNumber();
    await deployments.run(["core"], {
      resetMemory: false,
      deletePreviousDeployments: false,
      writeDeploymentsToFiles: false,
    });
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });

  it("exports addresses, ABIs and start blocks for off-chain readers", async function () {
    const file = await writeDeploymentExport(hre);
    const exp = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentExport;
    expect(exp.chainId).to.equal(31337);
    for (const [name, dep] of await proxies()) {
      expect(exp.contracts[name].address).to.equal(dep.address);
      expect(exp.contracts[name].abi).to.deep.equal(dep.abi);
      expect(exp.contracts[name].startBlock).to.be.greaterThan(0);
    }
  });
});

describe("upgrade safety", function () {
  it("validates every upgradeable implementation in contracts/ (mocks excluded)", async function () {
    const names = (await hre.artifacts.getAllFullyQualifiedNames()).filter(
      (fq) => fq.startsWith("contracts/") && !fq.startsWith("contracts/mocks/"),
    );
    let validated = 0;
    for (const fq of names) {
      const artifact = await hre.artifacts.readArtifact(fq);
      const isUUPS = (artifact.abi as { name?: string }[]).some((i) => i.name === "proxiableUUID");
      if (!isUUPS || artifact.bytecode === "0x") continue;
      await upgrades.validateImplementation(await ethers.getContractFactory(fq), { kind: "uups" });
      validated++;
    }
    expect(validated).to.be.greaterThanOrEqual(8);
  });
});
