/**
 * A small stand-in for graph-node's wasm host, enough to run subgraph code compiled by graph-cli's
 * AssemblyScript compiler from mocha: BigInt arithmetic and type conversions (JavaScript BigInt), an
 * in-memory entity store, `ethereum.decode` (ethers' ABI decoder), the data source context and logging.
 * Objects cross the boundary through the AssemblyScript loader (strings, arrays) and builder functions
 * the test entry exports (`subgraph/tests/values.ts`).
 */
import path from "node:path";
import { AbiCoder, ParamType, type Result } from "ethers";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The loader's helpers and the entry's exports (pointers are numbers). */
export type Exports = Record<string, unknown> & {
  _start(): void;
  __getString(ptr: number): string;
  __newString(s: string): number;
  __getUint8Array(ptr: number): Uint8Array;
  __getArray(ptr: number): number[];
  __newArray(id: number, values: ArrayLike<number>): number;
  id_of_type(typeId: number): number;
};

interface Loader {
  instantiateSync(wasm: Buffer, imports: Record<string, Record<string, unknown>>): { exports: Exports };
}

/** The part of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: { new (bytes: Buffer): object; imports(module: object): { module: string; name: string }[] };
}
const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Thrown by `abort` or a critical log inside the wasm module. */
export class WasmAbort extends Error {
  override name = "WasmAbort";
}

// graph-ts `TypeId`s the host allocates (see node_modules/@graphprotocol/graph-ts/global/global.ts).
const TYPE_ID = { Uint8Array: 6 } as const;

/** Little-endian two's complement, minimal (num-bigint's `to_signed_bytes_le`, as graph-node). */
export function toSignedLE(n: bigint): number[] {
  const out: number[] = [];
  let x = n;
  for (;;) {
    const b = Number(x & 0xffn);
    out.push(b);
    x >>= 8n;
    if ((x === 0n && (b & 0x80) === 0) || (x === -1n && (b & 0x80) !== 0)) return out;
  }
}

export function fromSignedLE(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return bytes[bytes.length - 1] & 0x80 ? v - (1n << BigInt(8 * bytes.length)) : v;
}

const hex = (bytes: Uint8Array): string => "0x" + Buffer.from(bytes).toString("hex");
export const leHex = (n: bigint): string => "0x" + Buffer.from(toSignedLE(n)).toString("hex");

export interface HostHooks {
  /** store.get / store.set / store.remove; entities are opaque pointers owned by the module. */
  storeGet?(entity: string, id: string): number;
  storeSet?(entity: string, id: string, data: number): void;
  storeRemove?(entity: string, id: string): void;
  /** dataSource.context() / address() / network() results (pointers). */
  context?(): number;
  address?(): number;
  network?(): string;
}

/** A compiled subgraph wasm module instantiated against the host functions it imports. */
export class WasmHost {
  readonly exports: Exports;
  readonly logs: { level: number; message: string }[] = [];

  constructor(wasm: Buffer, hooks: HostHooks = {}) {
    const imports = wasmApi().Module.imports(new (wasmApi().Module)(wasm));
    const impl = this.implementations(hooks);
    const table: Record<string, Record<string, unknown>> = {};
    for (const i of imports) {
      // Imports the code never calls at run time (graph-ts links many) fail only if called.
      const missing = () => {
        throw new WasmAbort(`the test host does not implement ${i.module}.${i.name}`);
      };
      (table[i.module] ??= {})[i.name] = impl[i.name] ?? missing;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loader = require(
      require.resolve("assemblyscript/lib/loader", {
        paths: [path.join(ROOT, "node_modules", "@graphprotocol", "graph-cli")],
      }),
    ) as Loader;
    this.exports = loader.instantiateSync(wasm, table).exports;
    this.exports._start();
  }

  // ───────────── marshalling ─────────────

  str(s: string): number {
    return this.exports.__newString(s);
  }
  getStr(ptr: number): string {
    return this.exports.__getString(ptr);
  }
  bytes(data: ArrayLike<number>): number {
    return this.exports.__newArray(this.exports.id_of_type(TYPE_ID.Uint8Array), data);
  }
  getBytes(ptr: number): Uint8Array {
    return this.exports.__getUint8Array(ptr);
  }
  bigInt(n: bigint): number {
    return this.bytes(toSignedLE(n));
  }
  getBigInt(ptr: number): bigint {
    return fromSignedLE(this.getBytes(ptr));
  }
  /** Calls an exported function with JavaScript strings/numbers turned into pointers as declared. */
  call<T = number>(name: string, ...args: unknown[]): T {
    const fn = this.exports[name] as ((...a: unknown[]) => T) | undefined;
    if (typeof fn !== "function") throw new Error(`wasm module exports no ${name}`);
    return fn(...args.map((a) => (typeof a === "string" ? this.str(a) : a === null ? 0 : a)));
  }
  callStr(name: string, ...args: unknown[]): string {
    return this.getStr(this.call<number>(name, ...args));
  }

  // ───────────── ethereum.Value trees (builders from subgraph/tests/values.ts) ─────────────

  /** An `ethereum.Value` of ABI type `param` holding `value` as ethers decodes/encodes it. */
  value(param: ParamType, value: unknown): number {
    if (param.isTuple()) {
      const arr = this.call("newValues");
      const items = value as unknown[];
      param.components.forEach((c, i) => this.call("pushValue", arr, this.value(c, items[i])));
      return this.call("vTuple", arr);
    }
    if (param.isArray()) {
      const arr = this.call("newValues");
      for (const item of value as unknown[])
        this.call("pushValue", arr, this.value(param.arrayChildren, item));
      return this.call(param.arrayLength === -1 ? "vArray" : "vFixedArray", arr);
    }
    const t = param.baseType;
    if (t === "address") return this.call("vAddress", String(value).toLowerCase());
    if (t === "bool") return this.call("vBool", value ? 1 : 0);
    if (t === "string") return this.call("vString", String(value));
    if (t === "bytes") return this.call("vBytes", String(value));
    if (t.startsWith("bytes")) return this.call("vFixedBytes", String(value));
    if (t.startsWith("uint")) return this.call("vUint", leHex(BigInt(value as bigint)));
    if (t.startsWith("int")) return this.call("vInt", leHex(BigInt(value as bigint)));
    throw new Error(`no builder for ABI type ${t}`);
  }

  /** `Array<ethereum.Value>` for decoded arguments in ABI order. */
  values(params: readonly ParamType[], values: Result | unknown[]): number {
    const arr = this.call("newValues");
    params.forEach((p, i) => this.call("pushValue", arr, this.value(p, values[i])));
    return arr;
  }

  // ───────────── host functions ─────────────

  private implementations(hooks: HostHooks): Record<string, (...args: number[]) => unknown> {
    const big = (p: number) => this.getBigInt(p);
    const bigOp = (f: (a: bigint, b: bigint) => bigint) => (a: number, b: number) =>
      this.bigInt(f(big(a), big(b)));
    const need = <T>(hook: T | undefined, name: string): T => {
      if (!hook) throw new Error(`test host: ${name} is not available in this test`);
      return hook;
    };
    return {
      abort: (msg: number, file: number, line: number, col: number) => {
        const m = msg ? this.getStr(msg) : "abort";
        throw new WasmAbort(`${m} (${file ? this.getStr(file) : "?"}:${line}:${col})`);
      },
      "bigInt.plus": bigOp((a, b) => a + b),
      "bigInt.minus": bigOp((a, b) => a - b),
      "bigInt.times": bigOp((a, b) => a * b),
      // num-bigint (graph-node) and JavaScript both truncate toward zero.
      "bigInt.dividedBy": bigOp((a, b) => {
        if (b === 0n) throw new WasmAbort("BigInt division by zero");
        return a / b;
      }),
      "bigInt.mod": bigOp((a, b) => a % b),
      "bigInt.bitOr": bigOp((a, b) => a | b),
      "bigInt.bitAnd": bigOp((a, b) => a & b),
      "bigInt.pow": (a: number, e: number) => this.bigInt(big(a) ** BigInt(e)),
      "bigInt.leftShift": (a: number, s: number) => this.bigInt(big(a) << BigInt(s)),
      "bigInt.rightShift": (a: number, s: number) => this.bigInt(big(a) >> BigInt(s)),
      "bigInt.fromString": (s: number) => this.bigInt(BigInt(this.getStr(s))),
      "typeConversion.bigIntToString": (p: number) => this.str(big(p).toString()),
      "typeConversion.bigIntToHex": (p: number) => {
        const n = big(p);
        return this.str(n < 0n ? "-0x" + (-n).toString(16) : "0x" + n.toString(16));
      },
      "typeConversion.bytesToHex": (p: number) => this.str(hex(this.getBytes(p))),
      "typeConversion.bytesToString": (p: number) =>
        this.str(
          Buffer.from(this.getBytes(p))
            .toString("utf8")
            .replace(/\u0000/g, ""),
        ),
      "typeConversion.stringToH160": (s: number) =>
        this.bytes(Buffer.from(this.getStr(s).replace(/^0x/, ""), "hex")),
      "log.log": (level: number, msg: number) => {
        const message = this.getStr(msg);
        this.logs.push({ level, message });
        if (level === 0) throw new WasmAbort(`critical: ${message}`);
      },
      "store.get": (entity: number, id: number) =>
        need(hooks.storeGet, "store.get")(this.getStr(entity), this.getStr(id)),
      "store.get_in_block": (entity: number, id: number) =>
        need(hooks.storeGet, "store.get")(this.getStr(entity), this.getStr(id)),
      "store.set": (entity: number, id: number, data: number) =>
        need(hooks.storeSet, "store.set")(this.getStr(entity), this.getStr(id), data),
      "store.remove": (entity: number, id: number) =>
        need(hooks.storeRemove, "store.remove")(this.getStr(entity), this.getStr(id)),
      "dataSource.context": () => need(hooks.context, "dataSource.context")(),
      "dataSource.address": () => need(hooks.address, "dataSource.address")(),
      "dataSource.network": () => this.str(need(hooks.network, "dataSource.network")()),
      "ethereum.decode": (types: number, data: number) => {
        try {
          const param = ParamType.from(this.getStr(types));
          const [decoded] = AbiCoder.defaultAbiCoder().decode([param], this.getBytes(data));
          return this.value(param, decoded);
        } catch {
          return 0; // graph-node returns null when the data does not decode
        }
      },
    };
  }
}
