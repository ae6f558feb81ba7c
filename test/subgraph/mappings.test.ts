/**
 * The subgraph's handlers against the Ponder indexer's, on the same history (replay/scenario.ts):
 * - Ponder side: the indexer's own handler files (indexer/src/*.ts) run under vite-node with Ponder's
 *   virtual modules stubbed and `context.db` on PGlite (subgraph/tests/ponder/);
 * - subgraph side: every mapping compiled by graph-cli's AssemblyScript compiler into one wasm module
 *   with a generated dispatch table, run against a JavaScript stand-in for graph-node
 *   (wasm/host.ts): an entity store with graph-node's merge-on-set, immutability and required-field
 *   checks, `ethereum.decode` and the data source context.
 * Every table must hold the same rows with the same values in both.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Interface } from "ethers";
import { eventSignature, type AbiItem } from "../../subgraph/scripts/prepare";
import { SUBGRAPH_ONLY_ENTITIES, subgraphShape } from "../../subgraph/scripts/schema-parity";
import { codegenCopy, ROOT, SUBGRAPH } from "./copy";
import {
  abiOf,
  manifestSources,
  scenario,
  scenarioExport,
  type ManifestSource,
  type ReplayLog,
} from "./replay/scenario";
import { compileAssemblyScript } from "./wasm/asc";
import { leHex, WasmHost } from "./wasm/host";

type Row = Record<string, unknown>;
type Tables = Record<string, Row[]>;

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const fileKey = (file: string): string => path.basename(file, ".ts");
const ident = (file: string): string => fileKey(file).replace(/-/g, "_");

/** Runs the scenario through the Ponder indexer's handlers. */
function replayPonder(
  logs: ReplayLog[],
  dir: string,
): { handled: number; handlers: string[]; tables: Tables } {
  const exportFile = path.join(dir, "export.json");
  const logsFile = path.join(dir, "logs.json");
  const outFile = path.join(dir, "ponder.json");
  fs.writeFileSync(exportFile, JSON.stringify(scenarioExport()));
  fs.writeFileSync(logsFile, JSON.stringify(logs));
  // Ponder's virtual modules: the indexer's schema and a registry stub. (The config lives outside
  // subgraph/, whose AssemblyScript tsconfig vite's config bundler would otherwise pick up.)
  const configFile = path.join(dir, "vite.config.mjs");
  const alias = {
    "ponder:schema": path.join(ROOT, "indexer", "ponder.schema.ts"),
    "ponder:registry": path.join(SUBGRAPH, "tests", "ponder", "registry.ts"),
  };
  const config = { root: ROOT, resolve: { alias }, server: { watch: null }, logLevel: "error" };
  fs.writeFileSync(configFile, `export default ${JSON.stringify(config)};\n`);
  const r = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "vite-node"),
    ["-c", configFile, "subgraph/tests/ponder/replay.ts", "--", logsFile, outFile],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CLOUDAI_DEPLOYMENT: exportFile },
      timeout: 300_000,
    },
  );
  if (r.status !== 0) throw new Error(`Ponder replay failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(fs.readFileSync(outFile, "utf8")) as {
    handled: number;
    handlers: string[];
    tables: Tables;
  };
}

/** `tests/replay.generated.ts`: the harness plus a dispatch from (mapping file, handler) to the handler. */
function dispatchModule(sources: ManifestSource[], subgraphDir: string): string {
  const files = new Map<string, ManifestSource>();
  for (const s of sources) if (!files.has(s.file)) files.set(s.file, s);
  const lines = [
    'import { ethereum } from "@graphprotocol/graph-ts";',
    'export * from "./harness";',
    'export * from "./values";',
  ];
  const body: string[] = [];
  for (const [file, s] of files) {
    const src = fs.readFileSync(path.join(subgraphDir, file), "utf8");
    const m = ident(file);
    lines.push(`import * as ${m} from "../src/mappings/${fileKey(file)}";`);
    lines.push(`import * as ${m}_events from "../generated/${s.name}/${s.abi}";`);
    body.push(`  if (file == "${fileKey(file)}") {`);
    for (const h of s.handlers) {
      const plain =
        new RegExp(`export function ${h.handler}\\(\\w+: ethereum\\.Event\\)`).test(src) ||
        !src.includes(`function ${h.handler}(`);
      const type = plain ? "ethereum.Event" : `${m}_events.${h.event.slice(0, h.event.indexOf("("))}`;
      body.push(`    if (handler == "${h.handler}") { ${m}.${h.handler}(changetype<${type}>(e)); return; }`);
    }
    body.push("  }");
  }
  return [
    ...lines,
    "export function dispatch(file: string, handler: string, e: ethereum.Event): void {",
    ...body,
    '  throw new Error("no handler " + handler + " in " + file);',
    "}",
    "",
  ].join("\n");
}

interface SubgraphRun {
  entities: Record<string, Record<string, Row>>;
  violations: string[];
  logs: { level: number; message: string }[];
  handled: number;
}

/** Runs the scenario through the subgraph's handlers (one wasm module, JavaScript graph-node stand-in). */
async function replaySubgraph(logs: ReplayLog[], tmp: string): Promise<SubgraphRun> {
  const { dir } = await codegenCopy();
  const sources = manifestSources();
  fs.writeFileSync(path.join(dir, "tests", "replay.generated.ts"), dispatchModule(sources, dir));
  const wasm = await compileAssemblyScript(
    path.join(dir, "tests", "replay.generated.ts"),
    path.join(tmp, "replay.wasm"),
    dir,
  );

  const shape = subgraphShape(fs.readFileSync(path.join(SUBGRAPH, "schema.graphql"), "utf8"));
  const immutable = new Set(
    [
      ...fs
        .readFileSync(path.join(SUBGRAPH, "schema.graphql"), "utf8")
        .matchAll(/type (\w+) @entity\(immutable: true\)/g),
    ].map((m) => m[1]),
  );
  const store = new Map<string, Map<string, number>>();
  const violations: string[] = [];
  let context = 0;
  let address = 0;
  // eslint-disable-next-line prefer-const
  let host: WasmHost;
  const json = (ptr: number): Row => JSON.parse(host.callStr("entityJson", ptr)) as Row;
  host = new WasmHost(wasm, {
    storeGet: (entity, id) => {
      const ptr = store.get(entity)?.get(id);
      return ptr ? host.call("cloneEntity", ptr) : 0;
    },
    storeSet: (entity, id, data) => {
      const rows = store.get(entity) ?? new Map<string, number>();
      store.set(entity, rows);
      const old = rows.get(id);
      if (old && immutable.has(entity)) violations.push(`${entity} ${id}: immutable entity written twice`);
      const merged = old ? host.call("mergeEntity", old, data) : host.call("cloneEntity", data);
      const fields = json(merged);
      for (const [f, t] of Object.entries(shape.entities[entity] ?? {})) {
        if (t.endsWith("!") && (fields[f] === undefined || fields[f] === null)) {
          violations.push(`${entity} ${id}: required field ${f} not set`);
        }
      }
      if (fields.id !== id) violations.push(`${entity} ${id}: saved with id ${String(fields.id)}`);
      rows.set(id, merged);
    },
    storeRemove: (entity, id) => void store.get(entity)?.delete(id),
    context: () => context,
    address: () => address,
    network: () => "localhost",
  });

  const ifaces = new Map<string, Interface>();
  const contexts = new Map<string, [number, number]>();
  let handled = 0;
  for (const log of logs) {
    const s = sources.find((x) => x.address === log.address);
    if (!s) throw new Error(`no data source at ${log.address}`);
    const abi = abiOf(s.abi) as AbiItem[];
    const iface = ifaces.get(s.abi) ?? new Interface(abi as never);
    ifaces.set(s.abi, iface);
    const parsed = iface.parseLog({ topics: log.topics, data: log.data });
    if (!parsed) throw new Error(`${s.name}: undecodable log`);
    const item = abi.find((i) => i.type === "event" && i.name === parsed.name) as AbiItem;
    const handler = s.handlers.find((h) => h.event === eventSignature(item));
    if (!handler) throw new Error(`${s.name} has no handler for ${eventSignature(item)}`);
    const params = host.call("newParams");
    parsed.fragment.inputs.forEach((p, i) =>
      host.call("pushParam", params, p.name, host.value(p, parsed.args[i])),
    );
    const event = host.call(
      "newEvent",
      log.address,
      leHex(BigInt(log.logIndex)),
      leHex(BigInt(log.blockNumber)),
      leHex(BigInt(log.timestamp)),
      log.txHash,
      log.txTo,
      log.txInput,
      params,
    );
    if (!contexts.has(s.name)) {
      const feed = s.name.startsWith("PriceFeed_") ? s.name.slice("PriceFeed_".length) : null;
      contexts.set(s.name, [host.call("newContext", s.name, feed), host.call("addressOf", s.address)]);
    }
    [context, address] = contexts.get(s.name) as [number, number];
    host.call("dispatch", fileKey(s.file), handler.handler, event);
    handled++;
  }

  const entities: Record<string, Record<string, Row>> = {};
  for (const [entity, rows] of store) {
    entities[entity] = Object.fromEntries([...rows].map(([id, ptr]) => [id, json(ptr)]));
  }
  return { entities, violations, logs: host.logs, handled };
}

describe("subgraph handlers compute the Ponder indexer's state", function () {
  this.timeout(900_000);
  const logs = scenario();
  let tmp: string;
  let ponder: { handled: number; handlers: string[]; tables: Tables };
  let subgraph: SubgraphRun;

  before(async function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-replay-"));
    ponder = replayPonder(logs, tmp);
    subgraph = await replaySubgraph(logs, tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("replays every event of every contract through both (the scenario covers them all)", function () {
    const seen = new Set(logs.map((l) => `${l.contract}.${l.event}`));
    const missing: string[] = [];
    for (const s of manifestSources()) {
      for (const h of s.handlers) {
        const name = h.event.slice(0, h.event.indexOf("("));
        if (!seen.has(`${s.name}.${name}`)) missing.push(`${s.name}.${name}`);
      }
    }
    expect(missing, "events the scenario never emits").to.deep.equal([]);
    expect(ponder.handled).to.equal(logs.length);
    expect(subgraph.handled).to.equal(logs.length);
  });

  it("saves no immutable entity twice and no entity without its required fields", function () {
    expect(subgraph.violations).to.deep.equal([]);
    expect(
      subgraph.logs.filter((l) => l.level <= 1).map((l) => l.message),
      "errors logged by the mappings",
    ).to.deep.equal([]);
  });

  it("ends with the same rows, field by field, in every table", function () {
    const diffs: string[] = [];
    for (const [table, rows] of Object.entries(ponder.tables)) {
      const entity = pascal(table);
      const mine = subgraph.entities[entity] ?? {};
      const ids = new Set([...rows.map((r) => String(r.id)), ...Object.keys(mine)]);
      for (const id of [...ids].sort()) {
        const want = rows.find((r) => String(r.id) === id);
        const have = mine[id];
        if (!want) diffs.push(`${entity} ${id}: only in the subgraph`);
        else if (!have) diffs.push(`${entity} ${id}: only in Ponder`);
        else {
          for (const [field, value] of Object.entries(want)) {
            const got = have[field] ?? null;
            if (JSON.stringify(got) !== JSON.stringify(value)) {
              diffs.push(
                `${entity} ${id}.${field}: subgraph ${JSON.stringify(got)}, Ponder ${JSON.stringify(value)}`,
              );
            }
          }
        }
      }
    }
    const extra = Object.keys(subgraph.entities).filter(
      (e) => !SUBGRAPH_ONLY_ENTITIES.includes(e) && !Object.keys(ponder.tables).map(pascal).includes(e),
    );
    expect(extra, "subgraph entities without a Ponder table").to.deep.equal([]);
    expect(diffs, `${diffs.length} difference(s):\n${diffs.slice(0, 40).join("\n")}`).to.deep.equal([]);
  });

  it("exercises the interesting paths (a sanity check on the scenario, read from the shared result)", function () {
    const t = ponder.tables;
    const byId = (table: string, id: string) => t[table].find((r) => r.id === id) as Row;
    expect(t.task).to.have.length(11);
    expect(new Set(t.task.map((r) => r.status))).to.deep.equal(
      new Set(["Completed", "Failed", "Cancelled", "Expired", "Rejected", "Annulled", "Assigned"]),
    );
    expect(t.marketStatHour.length).to.be.greaterThan(3);
    expect(new Set(t.marketStatDay.map((r) => r.periodStart)).size).to.equal(2);
    expect(t.offer.filter((r) => r.cancelled === true)).to.have.length(3);
    expect(byId("task", "2").offerNonce).to.equal("7");
    expect(t.provider.map((r) => r.reputation).sort()).to.deep.equal([4200, 4200, 6000, 7000]);
    expect(t.priceFeed.map((r) => r.resourceClass).sort()).to.deep.equal([0, 1]);
    expect(byId("timelockOperation", t.timelockOperation[0].id as string).status).to.be.a("string");
    expect(t.rawEvent).to.have.length(logs.length);
  });
});
