import { expect } from "chai";
import { loadCore } from "../fixtures/core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { deployments, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder, verifyTypedData } from "ethers";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig, localOracleWallet } from "../../scripts/lib/deploy-config";
import {
  connectContracts,
  DeploymentError,
  readDeploymentExport,
  type DeploymentExport,
} from "../../sdk/deployment";
import {
  assembleReport,
  encodeReport,
  OFFER_TYPES,
  offerDomain,
  reportDigest,
  signOffer,
  signPermit,
  signReportDigest,
  type Offer,
} from "../../sdk/signing";

describe("sdk", function () {
  let exp: DeploymentExport;

  beforeEach(async function () {
    await loadCore();
    exp = await buildDeploymentExport(hre);
  });

  describe("# deployment", function () {
    it("connects typed clients for every contract from the export", async function () {
      const c = connectContracts(exp, ethers.provider);
      expect(c.chainId).to.equal(31337);
      expect(await c.token.symbol()).to.equal("CLAI");
      expect(await c.governor.token()).to.equal(await c.token.getAddress());
      expect((await c.market.config()).treasury).to.equal(await c.timelock.getAddress());
      expect(await c.staking.token()).to.equal(await c.token.getAddress());
      expect(Object.keys(c.feeds).sort()).to.deep.equal(["CPU", "GPU"]);
      expect(await c.market.priceFeed(0)).to.equal(await c.feeds.CPU.getAddress());
    });

    it("names the missing contract and rejects missing or malformed export files", async function () {
      const partial: DeploymentExport = { ...exp, contracts: { CLAIToken: exp.contracts.CLAIToken } };
      expect(() => connectContracts(partial, ethers.provider)).to.throw(DeploymentError, /no CLAIGovernor/);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-sdk-"));
      expect(() => readDeploymentExport(path.join(dir, "none.json"))).to.throw(
        DeploymentError,
        /deploy first/,
      );
      fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ hello: 1 }));
      expect(() => readDeploymentExport(path.join(dir, "bad.json"))).to.throw(
        DeploymentError,
        /not a CloudAI/,
      );
      fs.writeFileSync(path.join(dir, "ok.json"), JSON.stringify(exp));
      expect(readDeploymentExport(path.join(dir, "ok.json")).contracts.TaskMarket.address).to.equal(
        exp.contracts.TaskMarket.address,
      );
    });
  });

  describe("# signing", function () {
    it("signs offers whose EIP-712 hash equals the market's and recovers to the provider", async function () {
      const [, provider] = await ethers.getSigners();
      const { market } = connectContracts(exp, ethers.provider);
      const offer: Offer = {
        provider: provider.address,
        resourceClass: 1,
        pricePerUnit: 3n * 10n ** 17n,
        capacity: 40,
        expiry: (await time.latest()) + 3600,
        nonce: 7,
      };
      const marketAddr = await market.getAddress();
      const sig = await signOffer(provider, 31337n, marketAddr, offer);
      expect(await market.hashOffer(offer)).to.equal(
        TypedDataEncoder.hash(offerDomain(31337n, marketAddr), OFFER_TYPES, offer),
      );
      expect(verifyTypedData(offerDomain(31337n, marketAddr), OFFER_TYPES, offer, sig)).to.equal(
        provider.address,
      );
    });

    it("signs permits the token accepts", async function () {
      const [deployer, spender] = await ethers.getSigners();
      const { token } = connectContracts(exp, deployer);
      const deadline = BigInt(await time.latest()) + 600n;
      const s = await signPermit(deployer, 31337n, await token.getAddress(), {
        spender: spender.address,
        value: 42n,
        nonce: await token.nonces(deployer.address),
        deadline,
      });
      await token.permit(deployer.address, spender.address, 42n, deadline, s.v, s.r, s.s);
      expect(await token.allowance(deployer.address, spender.address)).to.equal(42n);
    });

    it("assembles price reports from the deployed oracle signers that the feed accepts", async function () {
      const [deployer] = await ethers.getSigners();
      const { feeds } = connectContracts(exp, deployer);
      const cfg = deployConfig("hardhat");
      const [digest] = await feeds.CPU.latestConfig();
      const observations = [3n, 1n, 2n].map((x) => x * 10n ** 16n);
      const report = encodeReport(observations);
      const d = reportDigest(report, digest, 1);
      const sigs = [];
      for (let i = 0; i <= cfg.oracle.f; i++) sigs.push(await signReportDigest(localOracleWallet(i), d));
      const r = assembleReport(report, digest, 1, sigs);
      await feeds.CPU.transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs);
      const round = await feeds.CPU.latestRoundData();
      expect(round.answer).to.equal(2n * 10n ** 16n);
      expect(round.answeredInRound).to.equal(round.roundId);
    });
  });
});
