import { expect } from "chai";
import { loadCore } from "../fixtures/core";
import fs from "node:fs";
import hre, { deployments, ethers, getNamedAccounts, upgrades } from "hardhat";
import { roleNamesOf } from "../../scripts/lib/roles";
import { writeDeploymentExport } from "../../scripts/lib/export";
import type { DeploymentExport } from "../../sdk/deployment";
import {
  DeployConfigError,
  checkDeployConfig,
  deployConfig,
  governanceLatency,
  taskLifetime,
  type DeployConfig,
} from "../../scripts/lib/deploy-config";

/** The protocol's upgradeable contracts: each must sit behind a UUPS proxy. */
const UPGRADEABLE = [
  "CLAIGovernor",
  "CLAITimelock",
  "CLAIToken",
  "VerifierRegistry",
  "Reputation",
  "Staking",
  "TaskMarket",
  "PriceFeed_CPU",
  "PriceFeed_GPU",
];

/** Every named deployment (hardhat-deploy also records `_Implementation` and `_Proxy` entries). */
async function deployed() {
  const all = await deployments.all();
  return Object.entries(all).filter(([n]) => !n.endsWith("_Implementation") && !n.endsWith("_Proxy"));
}

/** Deployments behind a proxy (immutable ones, e.g. generated Groth16 verifiers, have no implementation). */
async function proxies() {
  return (await deployed()).filter(([, dep]) => dep.implementation !== undefined);
}

describe("deploy/", function () {
  beforeEach(async function () {
    await loadCore();
  });

  it("deploys every core contract behind a UUPS proxy", async function () {
    const names = (await proxies()).map(([n]) => n).sort();
    expect(names).to.include.members(UPGRADEABLE);
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
    for (const [name, dep] of await deployed()) {
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
    expect(cfg.timelockDelay).to.be.greaterThan(cfg.maxTaskDuration);
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
    expect(mc.arbitrationWindow).to.equal(BigInt(cfg.market.arbitrationWindow));
    expect(mc.rejectWindow).to.equal(BigInt(cfg.market.rejectWindow));
    expect(mc.minReputationPayment).to.equal(cfg.market.minReputationPayment);
    // The arbiter is the timelock: a dispute outlasts a full proposal → vote → timelock round.
    const governor = await ethers.getContractAt("CLAIGovernor", await get("CLAIGovernor"));
    const tl = await ethers.getContractAt("CLAITimelock", timelock);
    const latency =
      (await governor.votingDelay()) + (await governor.votingPeriod()) + (await tl.getMinDelay());
    expect(mc.arbitrationWindow).to.be.greaterThan(latency);
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
    for (const [name, dep] of await deployed()) {
      expect(exp.contracts[name].address).to.equal(dep.address);
      expect(exp.contracts[name].abi).to.deep.equal(dep.abi);
      expect(exp.contracts[name].startBlock).to.be.greaterThan(0);
    }
  });
});

describe("deploy config timing rules", function () {
  const base = deployConfig("hardhat");
  const variant = (o: Partial<DeployConfig>, market: Partial<DeployConfig["market"]> = {}): DeployConfig => ({
    ...base,
    ...o,
    market: { ...base.market, ...market },
  });

  it("accepts the local and public parameter sets", function () {
    for (const cfg of [deployConfig("hardhat"), deployConfig("sepolia")]) {
      expect(() => checkDeployConfig(cfg)).not.to.throw();
      expect(cfg.timelockDelay).to.be.greaterThan(cfg.maxTaskDuration);
      expect(cfg.market.arbitrationWindow).to.be.greaterThan(governanceLatency(cfg));
      expect(cfg.staking.unbondingDelay).to.be.greaterThan(taskLifetime(cfg));
    }
    const pub = deployConfig("sepolia");
    expect([pub.timelockDelay, pub.market.arbitrationWindow, pub.staking.unbondingDelay]).to.deep.equal([
      3 * 86_400,
      10 * 86_400,
      21 * 86_400,
    ]);
  });

  it("rejects a timelock delay not above the longest completion window", function () {
    expect(() => checkDeployConfig(variant({ timelockDelay: base.maxTaskDuration }))).to.throw(
      DeployConfigError,
      /timelock delay .* must exceed the longest completion window/,
    );
  });

  it("rejects an arbitration window governance cannot act within", function () {
    expect(() => checkDeployConfig(variant({}, { arbitrationWindow: governanceLatency(base) }))).to.throw(
      DeployConfigError,
      /arbitration window .* must exceed governance latency/,
    );
  });

  it("rejects an unbonding delay not above the longest task life", function () {
    expect(() =>
      checkDeployConfig(variant({ staking: { ...base.staking, unbondingDelay: taskLifetime(base) } })),
    ).to.throw(DeployConfigError, /unbonding delay .* must exceed the longest task life/);
  });

  it("rejects a reject window of zero or not below maxTaskDuration", function () {
    for (const rejectWindow of [0, base.maxTaskDuration]) {
      expect(() => checkDeployConfig(variant({}, { rejectWindow }))).to.throw(
        DeployConfigError,
        /reject window/,
      );
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
