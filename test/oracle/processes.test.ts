/**
 * Oracle nodes as real processes (`oracle/node/main.ts`, what `npm run oracle` starts) talking over loopback
 * HTTP, against the in-process chain served on a local JSON-RPC port.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet, encryptKeystoreJsonSync } from "ethers";
import { loadCore } from "../fixtures/core";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { localOracleWallet } from "../../scripts/lib/deploy-config";
import { connectContracts } from "../../sdk/deployment";

const ROOT = path.resolve(__dirname, "..", "..");

interface JsonRpcServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One `npm run oracle` process (ts-node without type-checking, as a deployment would run compiled JS). */
function startProcess(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  stderr: string[];
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "oracle/node/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stderr, exit };
}

describe("oracle/node as processes", function () {
  this.timeout(180_000);
  let server: JsonRpcServer | undefined;
  const children: ChildProcess[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-oracle-proc-"));
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("four nodes (env key and encrypted keystore) publish a round over HTTP; SIGTERM exits 0, a bad key exits 1", async function () {
    await loadCore();
    const exp = await buildDeploymentExport(hre);
    const exportFile = path.join(dir, "deployment.json");
    fs.writeFileSync(exportFile, JSON.stringify(exp));
    server = (await hre.run(TASK_NODE_CREATE_SERVER, {
      hostname: "127.0.0.1",
      port: 0,
      provider: hre.network.provider,
    })) as JsonRpcServer;
    const { port: rpcPort } = await server.listen();

    const wallets = [0, 1, 2, 3].map((i) => localOracleWallet(i));
    const ports = await Promise.all(wallets.map(() => freePort()));
    const keystore = path.join(dir, "oracle-3.json");
    fs.writeFileSync(
      keystore,
      encryptKeystoreJsonSync({ address: wallets[3].address, privateKey: wallets[3].privateKey }, "pw", {
        scrypt: { N: 1 << 10 },
      }),
    );
    const common = {
      CLOUDAI_RPC_URL: `http://127.0.0.1:${rpcPort}`,
      CLOUDAI_DEPLOYMENT: exportFile,
      CLOUDAI_OFFERS: path.join(dir, "offers"),
      ORACLE_FEEDS: "CPU",
      ORACLE_POLL_MS: "300",
    };
    const procs = wallets.map((w, i) =>
      startProcess({
        ...common,
        ...(i === 3
          ? { ORACLE_KEYSTORE: keystore, ORACLE_KEYSTORE_PASSWORD: "pw" }
          : { ORACLE_PRIVATE_KEY: w.privateKey }),
        ORACLE_LISTEN: `127.0.0.1:${ports[i]}`,
        ORACLE_PEERS: wallets
          .map((p, j) => (j === i ? "" : `${p.address}@http://127.0.0.1:${ports[j]}`))
          .filter(Boolean)
          .join(","),
        ORACLE_STATE: path.join(dir, `state-${i}.json`),
      }),
    );
    children.push(...procs.map((p) => p.child));
    // a key that is no feed's signer: a fatal configuration error, exit code 1
    const stranger = startProcess({ ...common, ORACLE_PRIVATE_KEY: Wallet.createRandom().privateKey });
    children.push(stranger.child);

    const feed = connectContracts(exp, ethers.provider).feeds.CPU;
    const deadline = Date.now() + 90_000;
    let roundId = 0n;
    while (Date.now() < deadline) {
      try {
        roundId = (await feed.latestRoundData()).roundId;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const waited = Date.now() - (deadline - 90_000);
    expect(roundId, procs.map((p) => p.stderr.join("")).join("\n")).to.equal(1n);

    for (const p of procs) p.child.kill("SIGTERM");
    expect(await Promise.all(procs.map((p) => p.exit))).to.deep.equal([0, 0, 0, 0]);
    const logs = procs.map((p) => p.stderr.join(""));
    expect(logs.filter((l) => l.includes('"msg":"report transmitted"'))).to.have.length(1);
    expect(logs.every((l) => l.includes('"msg":"stopped"'))).to.equal(true);
    console.log(`      (first round after ${waited} ms, including process start-up)`);

    expect(await stranger.exit).to.equal(1);
    expect(stranger.stderr.join("")).to.match(/not a registered signer of any served feed/);
  });
});
