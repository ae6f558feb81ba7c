/**
 * The real `bin/clai.js` process: exit codes and error output as a shell sees them, and `clai node`
 * starting a Hardhat JSON-RPC node on a free port and stopping it (with its child) on SIGINT.
 * (`clai node` without --no-deploy rewrites the shared deployments/localhost, so it is exercised by hand,
 * not here.)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { freePort } from "../../scripts/lib/local-chain";

const BIN = path.resolve(__dirname, "..", "..", "bin", "clai.js");

function clai(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function rpcAnswers(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return ((await res.json()) as { result?: string }).result;
  } catch {
    return undefined;
  }
}

describe("clai · the bin/clai.js process", function () {
  this.timeout(120_000);

  it("exits 2 on a usage error and 1 on a user error without a stack trace", function () {
    const usage = clai(["task", "frobnicate"]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/^error: unknown command 'frobnicate'/);

    const user = clai(["--network", "no-such-network", "task", "status", "1"]);
    expect(user.code).to.equal(1);
    expect(user.stderr).to.match(/^error: unknown network "no-such-network"/);
    expect(user.stderr).to.not.match(/\n\s+at /);
  });

  describe("clai node --no-deploy", function () {
    let child: ChildProcess | undefined;

    after(function () {
      if (child && child.exitCode === null) child.kill("SIGKILL");
    });

    it("serves JSON-RPC on the chosen port and stops the node on SIGINT", async function () {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, [BIN, "node", "--no-deploy", "--port", String(port), "--json"], {
        env: { PATH: process.env.PATH },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child!.on("exit", (code) => resolve(code)));
      const deadline = Date.now() + 90_000;
      while (!stdout.includes("}") && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 250));
      }
      const info = JSON.parse(stdout) as {
        rpc: string;
        chainId: number;
        accounts: string[];
        contracts: object;
      };
      expect(info).to.include({ rpc: url, chainId: 31337 });
      expect(info.accounts[0]).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
      expect(info.contracts).to.deep.equal({});
      expect(await rpcAnswers(url)).to.equal("0x7a69");

      child.kill("SIGINT");
      expect(await exited).to.equal(0);
      expect(await rpcAnswers(url)).to.equal(undefined); // the hardhat child is gone too
    });
  });
});
