/// <reference path="../types/solc.d.ts" />
import { promises as fs } from "node:fs";
import { compile } from "solc";
import { ZkError } from "./errors";

/** ABI + creation bytecode of a compiled verifier. */
export interface CompiledVerifier {
  readonly contractName: string;
  readonly abi: readonly unknown[];
  readonly bytecode: string;
}

/**
 * Compiles a generated verifier with the npm solc-js (0.8.28, optimizer 200 runs, cancun — the project's
 * settings), independently of Hardhat's artifacts, so tests and benchmarks can deploy it in isolation.
 */
export async function compileVerifier(file: string, contractName: string): Promise<CompiledVerifier> {
  const content = await fs.readFile(file, "utf8");
  const input = {
    language: "Solidity",
    sources: { "Verifier.sol": { content } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new ZkError(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const c = output.contracts?.["Verifier.sol"]?.[contractName];
  if (!c) throw new ZkError(`${contractName} not found in ${file}`);
  return { contractName, abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}
