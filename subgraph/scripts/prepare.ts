/**
 * Renders the subgraph for one deployment: `subgraph/abis/*.json` and `subgraph/src/lib/event-layouts.ts`
 * from the compiled artifacts, and the manifest from `subgraph.template.yaml` plus a deployment export
 * (`deployments/exports/<network>.json`).
 *
 *   npx ts-node subgraph/scripts/prepare.ts --network sepolia     # → subgraph/subgraph.sepolia.yaml
 *   npx ts-node subgraph/scripts/prepare.ts --export <file> [--graph-network <name>] [--out <file>]
 *   npx hardhat run subgraph/scripts/local-manifest.ts            # committed subgraph.yaml (localhost)
 *
 * The template is the manifest without deployment facts: each data source is named after a contract of
 * the export and gets `network`, `source.address` and `source.startBlock` from it; a data source named
 * `PriceFeed_*` is repeated for every `PriceFeed_<class>` contract. Each data source's context holds its
 * deployment name (`contract`) and, for feeds, the class name (`feedName`: `CPU`, `GPU`).
 * Rendering fails when an ABI event has no handler, a handler names an event the ABI lacks, or the
 * deployed ABI's events differ from the compiled ones (the subgraph would mis-decode that deployment).
 */
import fs from "node:fs";
import path from "node:path";
import { parseDocument, YAMLMap, YAMLSeq, type Document } from "yaml";
import * as prettier from "prettier";
import { readDeploymentExport, type DeploymentExport } from "../../sdk/deployment";

/** Repository root and the subgraph folder. */
export const ROOT = path.resolve(__dirname, "..", "..");
export const SUBGRAPH_DIR = path.join(ROOT, "subgraph");

/** Subgraph ABI name → compiled contract whose ABI it carries (every contract is behind a UUPS proxy). */
export const ABI_CONTRACTS: Readonly<Record<string, string>> = {
  CLAIToken: "CLAIToken",
  CLAIGovernor: "CLAIGovernor",
  CLAITimelock: "CLAITimelock",
  VerifierRegistry: "VerifierRegistry",
  Reputation: "Reputation",
  Staking: "Staking",
  TaskMarket: "TaskMarket",
  PriceFeed: "PriceFeed",
};

/** The Graph's network names for the Hardhat networks of `hardhat.config.ts`. */
export const GRAPH_NETWORKS: Readonly<Record<string, string>> = {
  hardhat: "localhost",
  localhost: "localhost",
  sepolia: "sepolia",
  baseSepolia: "base-sepolia",
  arbitrumSepolia: "arbitrum-sepolia",
  optimismSepolia: "optimism-sepolia",
};

/** Thrown when the template, the artifacts or the export cannot produce a consistent manifest. */
export class SubgraphPrepareError extends Error {
  override name = "SubgraphPrepareError";
}

/** The part of a Solidity ABI entry the subgraph tooling reads. */
export interface AbiParam {
  name: string;
  type: string;
  indexed?: boolean;
  components?: AbiParam[];
}
export interface AbiItem {
  type: string;
  name?: string;
  inputs?: AbiParam[];
  [key: string]: unknown;
}

function findArtifact(dir: string, contract: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    const candidate = path.join(sub, `${contract}.json`);
    if (entry.name === `${contract}.sol` && fs.existsSync(candidate)) return candidate;
    const nested = findArtifact(sub, contract);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * The ABI a deployment of `contract` exposes, as hardhat-deploy records it for a UUPS proxy: the
 * implementation's ABI followed by the proxy's events it lacks (`AdminChanged`, `BeaconUpgraded`).
 */
export function deployedAbi(contract: string, root: string = ROOT): AbiItem[] {
  const artifactsDir = path.join(root, "artifacts", "contracts");
  const file = fs.existsSync(artifactsDir) ? findArtifact(artifactsDir, contract) : undefined;
  if (!file) throw new SubgraphPrepareError(`no artifact for ${contract}: run \`npx hardhat compile\` first`);
  const abi = (JSON.parse(fs.readFileSync(file, "utf8")) as { abi: AbiItem[] }).abi;
  const proxyFile = path.join(
    root,
    "node_modules",
    "hardhat-deploy",
    "extendedArtifacts",
    "ERC1967Proxy.json",
  );
  const proxyAbi = (JSON.parse(fs.readFileSync(proxyFile, "utf8")) as { abi: AbiItem[] }).abi;
  const have = new Set(abi.filter((i) => i.type === "event").map(eventSignature));
  return [...abi, ...proxyAbi.filter((i) => i.type === "event" && !have.has(eventSignature(i)))];
}

function paramType(p: AbiParam): string {
  if (!p.type.startsWith("tuple")) return p.type;
  return `(${(p.components ?? []).map(paramType).join(",")})${p.type.slice("tuple".length)}`;
}

/** An event as a subgraph manifest names it: `Transfer(indexed address,indexed address,uint256)`. */
export function eventSignature(item: AbiItem): string {
  const params = (item.inputs ?? []).map((p) => `${p.indexed ? "indexed " : ""}${paramType(p)}`);
  return `${item.name}(${params.join(",")})`;
}

/** The ABIs the subgraph ships, by subgraph ABI name. */
export function buildAbis(root: string = ROOT): Record<string, AbiItem[]> {
  return Object.fromEntries(Object.entries(ABI_CONTRACTS).map(([name, c]) => [name, deployedAbi(c, root)]));
}

/** `abis/<name>.json` contents, formatted as committed. */
export function abiFileContents(abis: Record<string, AbiItem[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(abis).map(([name, abi]) => [`${name}.json`, JSON.stringify(abi, null, 2) + "\n"]),
  );
}

function layoutType(p: AbiParam): string {
  if (!p.type.startsWith("tuple")) return p.type;
  const fields = (p.components ?? []).map((c) => `${c.name}:${layoutType(c)}`).join(",");
  return `(${fields})${p.type.slice("tuple".length)}`;
}

/**
 * An event's argument layout for the raw-event JSON (`src/lib/raw-json.ts`): `name@position:type`
 * entries in the key order Ponder's decoder builds `event.args` with (indexed arguments first, then the
 * others, each in ABI order); tuples as `(name:type,…)`, arrays with their `[]` suffix.
 */
export function eventLayout(item: AbiItem): string {
  const inputs = (item.inputs ?? []).map((p, i) => ({ p, i }));
  const ordered = [...inputs.filter((x) => x.p.indexed), ...inputs.filter((x) => !x.p.indexed)];
  return ordered.map(({ p, i }) => `${p.name}@${i}:${layoutType(p)}`).join(",");
}

/**
 * `src/lib/event-layouts.ts`: one constant `<Abi>_<Event>` per event of every subgraph ABI, plus
 * `Common_<Event>` for every event several ABIs share with the same layout (proxy, roles, initializer),
 * which the shared handlers of `src/mappings/common.ts` use.
 */
export async function eventLayoutsModule(abis: Record<string, AbiItem[]>): Promise<string> {
  const lines = [
    "// GENERATED by subgraph/scripts/prepare.ts from subgraph/abis. Do not edit.",
    "// Argument layouts for the raw-event JSON, see eventLayout() in prepare.ts and src/lib/raw-json.ts.",
    "",
  ];
  const byEvent = new Map<string, Set<string>>();
  const byName = (a: AbiItem, b: AbiItem) => String(a.name).localeCompare(String(b.name));
  for (const [abiName, abi] of Object.entries(abis).sort(([a], [b]) => a.localeCompare(b))) {
    for (const ev of abi.filter((i) => i.type === "event").sort(byName)) {
      const layout = eventLayout(ev);
      byEvent.set(String(ev.name), (byEvent.get(String(ev.name)) ?? new Set()).add(layout));
      lines.push(`export const ${abiName}_${ev.name}: string = ${JSON.stringify(layout)};`);
    }
  }
  lines.push("");
  for (const [name, layouts] of [...byEvent].sort(([a], [b]) => a.localeCompare(b))) {
    const users = Object.values(abis).filter((abi) => abi.some((i) => i.type === "event" && i.name === name));
    if (users.length > 1 && layouts.size === 1) {
      lines.push(`export const Common_${name}: string = ${JSON.stringify([...layouts][0])};`);
    }
  }
  const config = (await prettier.resolveConfig(path.join(SUBGRAPH_DIR, "src", "lib", "x.ts"))) ?? {};
  return prettier.format(lines.join("\n") + "\n", { ...config, parser: "typescript" });
}

/** Every file generated from the compiled ABIs, by path relative to subgraph/. */
export async function generatedFiles(abis: Record<string, AbiItem[]>): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [file, text] of Object.entries(abiFileContents(abis))) files[`abis/${file}`] = text;
  files["src/lib/event-layouts.ts"] = await eventLayoutsModule(abis);
  return files;
}

export interface RenderOptions {
  /** The Graph network name written into every data source. */
  graphNetwork: string;
}

function eventsOf(abi: AbiItem[]): Set<string> {
  return new Set(abi.filter((i) => i.type === "event").map(eventSignature));
}

function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((x) => !b.has(x)).sort();
}

/**
 * Fills the template's data sources from `exp` and checks every data source's handlers against its ABI.
 * Returns the manifest text (prettier-formatted YAML with a "generated" header).
 */
export async function renderManifest(
  template: string,
  exp: DeploymentExport,
  abis: Record<string, AbiItem[]>,
  opts: RenderOptions,
): Promise<string> {
  const doc: Document = parseDocument(template);
  if (doc.errors.length > 0) throw new SubgraphPrepareError(`template: ${doc.errors[0].message}`);
  const sources = doc.get("dataSources");
  if (!(sources instanceof YAMLSeq)) throw new SubgraphPrepareError("template: no dataSources list");

  const rendered: YAMLMap[] = [];
  const used = new Set<string>();
  for (const node of sources.items) {
    if (!(node instanceof YAMLMap)) throw new SubgraphPrepareError("template: a data source is not a map");
    const pattern = String(node.get("name"));
    const names = pattern.endsWith("*")
      ? Object.keys(exp.contracts)
          .filter((n) => n.startsWith(pattern.slice(0, -1)))
          .sort()
      : [pattern];
    if (names.length === 0) throw new SubgraphPrepareError(`export has no contract matching ${pattern}`);
    for (const name of names) {
      const contract = exp.contracts[name];
      if (!contract) throw new SubgraphPrepareError(`export (chain ${exp.chainId}) has no ${name}`);
      used.add(name);
      const ds = node.clone() as YAMLMap;
      ds.set("name", name);
      const abiName = String(ds.getIn(["source", "abi"]));
      const abi = abis[abiName];
      if (!abi) throw new SubgraphPrepareError(`${name}: no ABI named ${abiName}`);

      const deployed = eventsOf(contract.abi as AbiItem[]);
      const compiled = eventsOf(abi);
      const onlyDeployed = difference(deployed, compiled);
      const onlyCompiled = difference(compiled, deployed);
      if (onlyDeployed.length + onlyCompiled.length > 0) {
        throw new SubgraphPrepareError(
          `${name}: the deployed ABI's events differ from the compiled ${abiName} ` +
            `(only deployed: ${onlyDeployed.join(", ") || "-"}; only compiled: ${onlyCompiled.join(", ") || "-"})`,
        );
      }
      const handlers = ds.getIn(["mapping", "eventHandlers"]);
      const handled = new Set<string>();
      if (handlers instanceof YAMLSeq) {
        for (const h of handlers.items) handled.add(String((h as YAMLMap).get("event")));
      }
      const unhandled = difference(compiled, handled);
      const unknown = difference(handled, compiled);
      if (unhandled.length > 0)
        throw new SubgraphPrepareError(`${name}: no handler for ${unhandled.join(", ")}`);
      if (unknown.length > 0)
        throw new SubgraphPrepareError(`${name}: ${unknown.join(", ")} not in ${abiName}`);

      // Key order as graph-cli scaffolds it: kind, name, network, source, context, mapping. The context
      // carries the deployment name (graph-ts cannot read a data source's name) and a feed's class name.
      const out = new YAMLMap();
      out.set("kind", ds.get("kind"));
      out.set("name", name);
      out.set("network", opts.graphNetwork);
      out.set(
        "source",
        doc.createNode({ address: contract.address, abi: abiName, startBlock: contract.startBlock }),
      );
      const context: Record<string, { type: string; data: string }> = {
        contract: { type: "String", data: name },
      };
      if (pattern.endsWith("*")) context.feedName = { type: "String", data: name.slice(pattern.length - 1) };
      out.set("context", doc.createNode(context));
      out.set("mapping", ds.get("mapping"));
      rendered.push(out);
    }
  }
  sources.items = rendered;
  // The template's own explanation (on the document or its first key) gives way to the header below.
  doc.commentBefore = null;
  if (doc.contents instanceof YAMLMap) doc.contents.commentBefore = null;

  const header =
    `# GENERATED by subgraph/scripts/prepare.ts from subgraph.template.yaml and the deployment export of\n` +
    `# ${opts.graphNetwork} (chain ${exp.chainId}). Do not edit: edit the template and re-render.\n`;
  const body = doc.toString({ lineWidth: 0 });
  const config = (await prettier.resolveConfig(path.join(SUBGRAPH_DIR, "subgraph.yaml"))) ?? {};
  return prettier.format(header + body, { ...config, parser: "yaml" });
}

/** Manifest file for a network: the committed `subgraph.yaml` for localhost, else `subgraph.<network>.yaml`. */
export function manifestFileFor(graphNetwork: string): string {
  return graphNetwork === "localhost" ? "subgraph.yaml" : `subgraph.${graphNetwork}.yaml`;
}

export interface PrepareResult {
  manifestFile: string;
  manifest: string;
  /** ABIs and the event-layout module, by path relative to subgraph/. */
  files: Record<string, string>;
}

/** Renders ABIs and manifest for `exp` without writing anything. */
export async function prepare(
  exp: DeploymentExport,
  opts: { graphNetwork?: string; root?: string } = {},
): Promise<PrepareResult> {
  const root = opts.root ?? ROOT;
  const graphNetwork = opts.graphNetwork ?? GRAPH_NETWORKS[exp.network] ?? exp.network;
  const abis = buildAbis(root);
  const template = fs.readFileSync(path.join(root, "subgraph", "subgraph.template.yaml"), "utf8");
  const manifest = await renderManifest(template, exp, abis, { graphNetwork });
  return { manifestFile: manifestFileFor(graphNetwork), manifest, files: await generatedFiles(abis) };
}

/** Writes a {@link PrepareResult} into `dir` (default: subgraph/); returns the manifest path. */
export function writePrepared(
  result: PrepareResult,
  dir: string = SUBGRAPH_DIR,
  manifestFile?: string,
): string {
  for (const [file, text] of Object.entries(result.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const out = path.resolve(dir, manifestFile ?? result.manifestFile);
  fs.writeFileSync(out, result.manifest);
  return out;
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) throw new SubgraphPrepareError(`${flag} needs a value`);
  return v;
}

async function main(args: string[]): Promise<void> {
  const network = argValue(args, "--network") ?? "localhost";
  const exportFile = path.resolve(
    argValue(args, "--export") ?? path.join(ROOT, "deployments", "exports", `${network}.json`),
  );
  const exp = readDeploymentExport(exportFile);
  const result = await prepare(exp, { graphNetwork: argValue(args, "--graph-network") });
  const out = writePrepared(result, SUBGRAPH_DIR, argValue(args, "--out"));
  console.log(
    `wrote ${path.relative(process.cwd(), out)}, subgraph/abis/ and subgraph/src/lib/event-layouts.ts`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
