import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import {
  buildAbis,
  generatedFiles,
  eventSignature,
  renderManifest,
  SubgraphPrepareError,
  type AbiItem,
} from "../../subgraph/scripts/prepare";
import type { DeploymentExport } from "../../sdk/deployment";
import { codegenCopy, graph, ROOT, SUBGRAPH } from "./copy";

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true", ...env },
    timeout: 300_000,
  });
}

function expectSuccess(r: SpawnSyncReturns<string>, what: string): void {
  expect(r.status, `${what} failed:\n${r.stdout}\n${r.stderr}`).to.equal(0);
}

describe("subgraph build", function () {
  this.timeout(600_000);
  const temps: string[] = [];
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("commits ABIs and event layouts generated from the compiled artifacts (plus the proxy's events)", async function () {
    const want = await generatedFiles(buildAbis());
    for (const [file, text] of Object.entries(want)) {
      const have = fs.readFileSync(path.join(SUBGRAPH, file), "utf8");
      expect(
        have,
        `subgraph/${file} is stale: run npx hardhat run subgraph/scripts/local-manifest.ts`,
      ).to.equal(text);
    }
    const abis = fs.readdirSync(path.join(SUBGRAPH, "abis")).map((f) => `abis/${f}`);
    expect(abis.sort()).to.deep.equal(
      Object.keys(want)
        .filter((f) => f.startsWith("abis/"))
        .sort(),
    );
  });

  it("commits the localhost manifest a fresh deployment renders (addresses, start blocks, handlers)", function () {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-manifest-"));
    temps.push(out);
    const r = run(
      process.execPath,
      [
        path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "cli.js"),
        "run",
        "subgraph/scripts/local-manifest.ts",
      ],
      ROOT,
      { SUBGRAPH_OUT_DIR: out, HARDHAT_NETWORK: "hardhat" },
    );
    expectSuccess(r, "local-manifest.ts");
    const committed = fs.readFileSync(path.join(SUBGRAPH, "subgraph.yaml"), "utf8");
    expect(
      fs.readFileSync(path.join(out, "subgraph.yaml"), "utf8"),
      "subgraph/subgraph.yaml is stale",
    ).to.equal(committed);
  });

  it("handles every event of every indexed contract", function () {
    const manifest = parse(fs.readFileSync(path.join(SUBGRAPH, "subgraph.yaml"), "utf8")) as {
      dataSources: {
        name: string;
        source: { abi: string };
        mapping: { eventHandlers: { event: string }[] };
      }[];
    };
    const names = manifest.dataSources.map((d) => d.name).sort();
    expect(names).to.deep.equal([
      "CLAIGovernor",
      "CLAITimelock",
      "CLAIToken",
      "PriceFeed_CPU",
      "PriceFeed_GPU",
      "Reputation",
      "Staking",
      "TaskMarket",
      "VerifierRegistry",
    ]);
    for (const ds of manifest.dataSources) {
      const abi = JSON.parse(
        fs.readFileSync(path.join(SUBGRAPH, "abis", `${ds.source.abi}.json`), "utf8"),
      ) as AbiItem[];
      const events = abi
        .filter((i) => i.type === "event")
        .map(eventSignature)
        .sort();
      expect(ds.mapping.eventHandlers.map((h) => h.event).sort(), ds.name).to.deep.equal(events);
    }
  });

  it("refuses to render a manifest that misses a handler or a deployment whose ABI differs", async function () {
    const template = fs.readFileSync(path.join(SUBGRAPH, "subgraph.template.yaml"), "utf8");
    const abis = buildAbis();
    const contracts: DeploymentExport["contracts"] = {};
    for (const [i, name] of Object.keys(abis).entries()) {
      const address = `0x${(i + 1).toString(16).padStart(40, "0")}`;
      contracts[name === "PriceFeed" ? "PriceFeed_CPU" : name] = {
        address,
        abi: abis[name],
        startBlock: 100 + i,
      };
    }
    const exp: DeploymentExport = { network: "sepolia", chainId: 11155111, contracts };
    const ok = await renderManifest(template, exp, abis, { graphNetwork: "sepolia" });
    expect(ok).to.contain("network: sepolia").and.to.contain("name: PriceFeed_CPU");

    const missing = template.replace(/\n {8}- event: Minted\([^)]*\)\n {10}handler: handleMinted/, "");
    expect(missing).to.not.equal(template);
    const e1 = await renderManifest(missing, exp, abis, { graphNetwork: "sepolia" }).catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(SubgraphPrepareError).and.have.property("message").that.contains("Minted");

    const drifted = structuredClone(exp);
    drifted.contracts.Staking.abi = (abis.Staking as AbiItem[]).filter((i) => i.name !== "Jailed");
    const e2 = await renderManifest(template, drifted, abis, { graphNetwork: "sepolia" }).catch(
      (e: unknown) => e,
    );
    expect(e2).to.be.instanceOf(SubgraphPrepareError).and.have.property("message").that.contains("Jailed");
  });

  it("runs graph codegen and graph build on a copy of the committed sources", async function () {
    const { dir, codegenMs } = await codegenCopy();
    const t0 = Date.now();
    expectSuccess(graph(["build"], dir), "graph build");
    if (process.env.CI !== "true") console.log(`      codegen ${codegenMs} ms, build ${Date.now() - t0} ms`);
    // Data sources sharing a mapping file share the first one's wasm.
    for (const ds of ["CLAIToken", "CLAIGovernor", "TaskMarket", "PriceFeed_CPU"]) {
      expect(fs.existsSync(path.join(dir, "build", ds, `${ds}.wasm`)), `${ds}.wasm`).to.equal(true);
    }
  });
});
