/**
 * The subgraph's pure mapping logic (`subgraph/src/lib`), compiled by graph-cli's AssemblyScript
 * compiler with `graph build`'s flags and run as wasm against a JavaScript stand-in for graph-node's
 * host functions (test/subgraph/wasm/host.ts). Matchstick cannot run here; the full handlers are
 * compared with the Ponder handlers in mappings.test.ts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { EventFragment, Interface, ParamType } from "ethers";
import { eventLayout, type AbiItem } from "../../subgraph/scripts/prepare";
import { compileAssemblyScript } from "./wasm/asc";
import { WasmHost } from "./wasm/host";

const ROOT = path.resolve(__dirname, "..", "..");
const SUBGRAPH = path.join(ROOT, "subgraph");

/** Ponder's event decoder (what `event.args` is in every Ponder handler). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { decodeEventLog } = require(
  path.join(ROOT, "node_modules", "ponder", "dist", "esm", "utils", "decodeEventLog.js"),
) as {
  decodeEventLog(a: {
    abiItem: unknown;
    topics: string[];
    data: string;
  }): Record<string, unknown> | undefined;
};
/** `rawEvent.args` as indexer/src/lib.ts writes it. */
const ponderArgsJson = (args: unknown): string =>
  JSON.stringify(args ?? {}, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/** Random values of an ABI type, edge values included. */
function arbitraryOf(p: ParamType): fc.Arbitrary<unknown> {
  if (p.isTuple()) return fc.tuple(...p.components.map(arbitraryOf));
  if (p.isArray()) {
    const child = arbitraryOf(p.arrayChildren);
    return p.arrayLength === -1
      ? fc.array(child, { maxLength: 3 })
      : fc.array(child, { minLength: p.arrayLength, maxLength: p.arrayLength });
  }
  const t = p.baseType;
  const hexOf = (n: number) =>
    fc.uint8Array({ minLength: n, maxLength: n }).map((b) => "0x" + Buffer.from(b).toString("hex"));
  if (t === "address") return hexOf(20);
  if (t === "bool") return fc.boolean();
  if (t === "string") {
    const tricky = fc.constantFrom(
      '"',
      "\\",
      "\n",
      "\r\t",
      "\u0000",
      "\u001f",
      "\u007f",
      "é",
      "€",
      "😀",
      "\u2028",
      "</script>",
    );
    return fc.array(fc.oneof(fc.string({ unit: "binary" }), tricky), { maxLength: 4 }).map((a) => a.join(""));
  }
  if (t === "bytes")
    return fc.uint8Array({ maxLength: 40 }).map((b) => "0x" + Buffer.from(b).toString("hex"));
  if (t.startsWith("bytes")) return hexOf(Number(t.slice(5)));
  const bits = BigInt(t.replace(/^u?int/, "") || "256");
  if (t.startsWith("uint")) {
    const max = (1n << bits) - 1n;
    return fc.oneof(
      fc.constantFrom(0n, 1n, max, (1n << 48n) - 1n < max ? (1n << 48n) - 1n : max),
      fc.bigInt(0n, max),
    );
  }
  const min = -(1n << (bits - 1n));
  const max = (1n << (bits - 1n)) - 1n;
  return fc.oneof(fc.constantFrom(0n, -1n, min, max), fc.bigInt(min, max));
}

function solidityEnum(file: string, name: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, "contracts", "interfaces", file), "utf8");
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(src);
  if (!body) throw new Error(`enum ${name} not found in ${file}`);
  return body[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

describe("subgraph mapping logic (AssemblyScript → wasm)", function () {
  this.timeout(300_000);
  let host: WasmHost;
  let dir: string;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-subgraph-wasm-"));
    const wasm = await compileAssemblyScript(
      path.join(SUBGRAPH, "tests", "pure.ts"),
      path.join(dir, "pure.wasm"),
      SUBGRAPH,
    );
    host = new WasmHost(wasm);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("rawEvent.args", function () {
    const abis = Object.fromEntries(
      fs
        .readdirSync(path.join(SUBGRAPH, "abis"))
        .map((f) => [
          f.replace(/\.json$/, ""),
          JSON.parse(fs.readFileSync(path.join(SUBGRAPH, "abis", f), "utf8")) as AbiItem[],
        ]),
    );

    for (const [abiName, abi] of Object.entries(abis)) {
      it(`equals Ponder's JSON for random arguments of every ${abiName} event`, function () {
        const iface = new Interface(abi as never);
        for (const item of abi.filter((i) => i.type === "event")) {
          const fragment = iface.getEvent(String(item.name)) as EventFragment;
          const layout = eventLayout(item);
          fc.assert(
            fc.property(fc.tuple(...fragment.inputs.map(arbitraryOf)), (args) => {
              const log = iface.encodeEventLog(fragment, args);
              const expected = ponderArgsJson(
                decodeEventLog({ abiItem: item, topics: log.topics, data: log.data }),
              );
              // graph-node hands mappings the log decoded in ABI order; ethers plays that part here.
              const decoded = iface.decodeEventLog(fragment, log.data, log.topics);
              const actual = host.callStr("argsJson", host.values(fragment.inputs, decoded), layout);
              expect(actual, `${abiName}.${item.name}`).to.equal(expected);
            }),
            { numRuns: 20, seed: 42 },
          );
        }
      });
    }

    it("writes JSON strings exactly as JSON.stringify, lone surrogates included", function () {
      const utf16 = fc
        .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 })
        .map((c) => String.fromCharCode(...c));
      fc.assert(
        fc.property(fc.oneof(utf16, fc.string({ unit: "binary" })), (s) => {
          expect(host.callStr("jsonString", s)).to.equal(JSON.stringify(s));
        }),
        { numRuns: 500, seed: 7 },
      );
    });
  });

  describe("market statistics", function () {
    it("buckets block times into hours and UTC days, ids `<class>-<periodStart>`", function () {
      for (const ts of [
        0n,
        1n,
        3599n,
        3600n,
        86_399n,
        86_400n,
        1_732_406_399n,
        1_732_406_400n,
        4_102_444_800n,
      ]) {
        const hour = host.call<bigint>("periodStart", ts, 3600n);
        const day = host.call<bigint>("periodStart", ts, 86_400n);
        expect(hour).to.equal(ts - (ts % 3600n));
        expect(day).to.equal(ts - (ts % 86_400n));
        expect(host.callStr("statId", 1, day)).to.equal(`1-${ts - (ts % 86_400n)}`);
      }
    });

    it("averages the agreed price by volume, rounding down, 0 without assignments", function () {
      const vectors: [bigint, bigint][] = [
        [0n, 0n],
        [10n, 0n],
        [10n, 3n],
        [7n * 10n ** 18n, 7n],
        [(1n << 128n) - 1n, 3n],
        [123_456_789_000_000_000_000n, 1_000n],
      ];
      for (const [value, units] of vectors) {
        const want = units === 0n ? 0n : value / units;
        expect(host.callStr("averagePriceOf", String(value), String(units))).to.equal(String(want));
      }
    });

    it("computes utilisation in basis points of the cohort's requested units", function () {
      fc.assert(
        fc.property(fc.bigInt(0n, 1n << 40n), fc.bigInt(0n, 1n << 40n), (a, b) => {
          const [filled, requested] = a <= b ? [a, b] : [b, a];
          const want = requested === 0n ? 0 : Number((filled * 10_000n) / requested);
          expect(host.call<number>("utilisationBpsOf", String(filled), String(requested))).to.equal(want);
        }),
        { numRuns: 200, seed: 3 },
      );
    });

    it("folds prices into min/max, starting from none", function () {
      expect(host.callStr("minOfStr", null, "5")).to.equal("5");
      expect(host.callStr("maxOfStr", null, "5")).to.equal("5");
      expect(host.callStr("minOfStr", "5", "3")).to.equal("3");
      expect(host.callStr("minOfStr", "3", "5")).to.equal("3");
      expect(host.callStr("maxOfStr", "5", "3")).to.equal("5");
      expect(host.callStr("maxOfStr", "3", String(10n ** 30n))).to.equal(String(10n ** 30n));
    });
  });

  describe("task statuses and enum names", function () {
    it("names Status, SkipReason and VerificationMode as the Solidity enums do, out of range as decimals", function () {
      const cases: [string, string[]][] = [
        ["taskStatusName", solidityEnum("ITaskMarket.sol", "Status")],
        ["skipReasonName", solidityEnum("ITaskMarket.sol", "SkipReason")],
        ["verificationModeName", solidityEnum("ITaskMarket.sol", "VerificationMode")],
      ];
      for (const [fn, names] of cases) {
        names.forEach((n, i) => expect(host.callStr(fn, i)).to.equal(n));
        expect(host.callStr(fn, names.length)).to.equal(String(names.length));
      }
    });

    it("counts Open, Assigned, Submitted and Disputed as active, every other status as terminal", function () {
      const statuses = solidityEnum("ITaskMarket.sol", "Status");
      const active = ["Open", "Assigned", "Submitted", "Disputed"];
      for (const from of statuses) {
        expect(host.call<number>("isActiveStatus", from), from).to.equal(active.includes(from) ? 1 : 0);
        for (const to of statuses) {
          const want = (active.includes(to) ? 1 : 0) - (active.includes(from) ? 1 : 0);
          expect(host.call<number>("activeTaskDelta", from, to), `${from}→${to}`).to.equal(want);
        }
      }
    });

    it("removes one entry from a bookkeeping list", function () {
      expect(host.callStr("withoutOf", "a,b,a", "a")).to.equal("b,a");
      expect(host.callStr("withoutOf", "a,b", "c")).to.equal("a,b");
      expect(host.callStr("withoutOf", "", "c")).to.equal("");
    });
  });
});
