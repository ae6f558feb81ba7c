import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadCore } from "../fixtures/core";
import { cliHarness, type CliHarness } from "./harness";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig, localOracleWallet } from "../../scripts/lib/deploy-config";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import { assembleReport, encodeReport, reportDigest, signReportDigest } from "../../sdk/signing";

const E18 = 10n ** 18n;
const CFG = deployConfig("hardhat");

interface Feeds {
  maxPriceAgeSeconds: number;
  feeds: {
    class: string;
    classId: number;
    answer: string | null;
    roundId: string | null;
    ageSeconds: number | null;
    stale: boolean;
  }[];
}

describe("clai price", function () {
  let cli: CliHarness;
  let c: CloudAIContracts;

  before(async function () {
    await loadCore();
    cli = await cliHarness();
    c = connectContracts(await buildDeploymentExport(hre), (await hre.ethers.getSigners())[0]!);
  });

  after(() => cli.cleanup());

  it("lists every class's feed, with no data before the first report", async function () {
    const r = await cli.run(["price", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const j = r.json<Feeds>();
    expect(j.maxPriceAgeSeconds).to.equal(CFG.market.maxPriceAge);
    expect(j.feeds.map((f) => [f.class, f.classId])).to.deep.equal(
      CFG.resourceClasses.map((rc) => [rc.name, rc.id]),
    );
    expect(j.feeds[0]).to.include({ answer: null, roundId: null, stale: true });
    expect((await cli.run(["price"])).stdout).to.match(/CPU\s+0\s+-\s+-\s+-\s+no data/);
  });

  it("shows the median of a signed report as fresh, then stale after maxPriceAge", async function () {
    const feed = c.feeds.CPU!;
    const [digest] = await feed.latestConfig();
    const report = encodeReport([95n, 100n, 104n, 110n].map((x) => (x * E18) / 100n));
    const d = reportDigest(report, digest, 1);
    const sigs = [];
    for (let i = 0; i <= CFG.oracle.f; i++) sigs.push(await signReportDigest(localOracleWallet(i), d));
    const rep = assembleReport(report, digest, 1, sigs);
    await feed.transmit(rep.configDigest, rep.epochAndRound, rep.report, rep.rs, rep.ss, rep.rawVs);

    const fresh = (await cli.run(["price", "cpu", "--json"])).json<Feeds>();
    expect(fresh.feeds).to.have.length(1);
    expect(fresh.feeds[0]).to.include({
      class: "CPU",
      answer: ((104n * E18) / 100n).toString(),
      roundId: "1",
      stale: false,
    });
    expect((await cli.run(["price", "0"])).stdout).to.match(/CPU\s+0\s+1\.04 CLAI\s+1\s+\S+\s+fresh/);

    await time.increase(CFG.market.maxPriceAge + 1);
    const stale = (await cli.run(["price", "CPU", "--json"])).json<Feeds>();
    expect(stale.feeds[0]!.stale).to.equal(true);
    expect(stale.feeds[0]!.ageSeconds).to.be.greaterThan(CFG.market.maxPriceAge);
  });

  it("rejects an unknown class as a usage error", async function () {
    const r = await cli.run(["price", "TPU"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('error: unknown resource class "TPU" (known: CPU=0, GPU=1)\n');
  });
});

describe("clai · network checks", function () {
  let local: CliHarness;
  let remote: CliHarness;

  before(async function () {
    await loadCore();
    local = await cliHarness();
    remote = await cliHarness({ fakeChainId: 11155111 });
  });

  after(() => {
    local.cleanup();
    remote.cleanup();
  });

  it("refuses a deployment export of another chain than the RPC's", async function () {
    const r = await local.run(["--network", "othernet", "price"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(
      /^error: network "othernet" is deployed on chain 5, but .* is chain 31337: pass the matching --network or --rpc\n$/,
    );
  });

  it("says so when the RPC endpoint cannot be reached", async function () {
    const offline = await cliHarness({ noProvider: true });
    try {
      const r = await offline.run(["--rpc", "http://127.0.0.1:9", "price"]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(
        /^error: cannot reach the JSON-RPC endpoint http:\/\/127\.0\.0\.1:9 \(eth_chainId\): /,
      );
    } finally {
      offline.cleanup();
    }
  });

  it("refuses Hardhat's test accounts off the local chain, and asks for a key", async function () {
    const r = await remote.run(["--account", "0", "token", "balance"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(
      "--account uses Hardhat's public test keys and works only on a local chain (31337), not chain 11155111",
    );
    const noKey = await remote.run(["token", "balance"]);
    expect(noKey.code).to.equal(1);
    expect(noKey.stderr).to.equal(
      "error: no key: set CLAI_PRIVATE_KEY or CLAI_KEYSTORE + CLAI_KEYSTORE_PASSWORD\n",
    );
    const readOnly = await remote.run(["price", "--json"]);
    expect(readOnly.code, readOnly.stderr).to.equal(0);
  });
});
