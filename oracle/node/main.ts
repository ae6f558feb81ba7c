/**
 * `npm run oracle`: one oracle node as a process (see oracle/README.md, "Operation").
 *
 * Key: `ORACLE_PRIVATE_KEY`, or `ORACLE_KEYSTORE` + `ORACLE_KEYSTORE_PASSWORD` (an encrypted JSON keystore);
 * on a local chain `ORACLE_DEV_INDEX=i` uses the deployment's local oracle signer i instead. Everything
 * else: oracle/node/config.ts. Logs are JSON lines on stderr; SIGINT/SIGTERM stop it cleanly (exit 0);
 * a fatal error (bad config, unreachable RPC after retries, too many failed ticks) exits 1.
 */
import path from "node:path";
import type { BaseWallet } from "ethers";
import { exportPath, readDeploymentExport } from "../../sdk/deployment";
import { HARDHAT_CHAIN_ID, hardhatTestWallet } from "../../sdk/devAccounts";
import { DirOfferBoard } from "../../sdk/offers";
import { connectCheckedRpc, createLogger, keySource, loadWallet, runService } from "../../sdk/service";
import { DEV_BASE_PORT, loadProcessConfig } from "./config";
import { OracleConfigError } from "./errors";
import { startOracleNode, type OracleNodeHandle } from "./node";
import { HttpTransport } from "./transport";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Hardhat account index of local oracle signer i (scripts/lib/deploy-config.ts: accounts 10–13). */
const DEV_ORACLE_ACCOUNT = (i: number) => 10 + i;

async function start(): Promise<OracleNodeHandle> {
  const logger = createLogger("oracle");
  const cfg = loadProcessConfig(process.env, process.cwd());
  const deployment = readDeploymentExport(cfg.deploymentFile ?? exportPath(REPO_ROOT, cfg.network));
  const provider = await connectCheckedRpc(cfg.rpcUrl, deployment.chainId, "the deployment", logger);
  const chainId = deployment.chainId;
  let signer: BaseWallet;
  let peers = cfg.peers;
  if (cfg.devIndex !== undefined) {
    if (chainId !== HARDHAT_CHAIN_ID)
      throw new OracleConfigError("ORACLE_DEV_INDEX works on the local chain (31337) only");
    signer = hardhatTestWallet(DEV_ORACLE_ACCOUNT(cfg.devIndex), provider);
    if (Object.keys(peers).length === 0) {
      peers = {};
      for (let i = 0; i < 4; i++) {
        if (i === cfg.devIndex) continue;
        peers[hardhatTestWallet(DEV_ORACLE_ACCOUNT(i)).address] = `http://127.0.0.1:${DEV_BASE_PORT + i}`;
      }
    }
  } else {
    signer = await loadWallet(keySource("ORACLE"), provider);
  }
  const offersDir = cfg.offersDir ?? path.join(process.cwd(), ".cloudai", "offers", String(chainId));
  const market = deployment.contracts.TaskMarket?.address;
  const transport = new HttpTransport({ listen: cfg.listen, peers });
  const node = await startOracleNode({
    signer,
    deployment,
    transport,
    offers: market ? new DirOfferBoard(offersDir, chainId, market) : undefined,
    logger,
    stateFile:
      cfg.stateFile ??
      path.join(process.cwd(), ".cloudai", "oracle", `${cfg.network}-${signer.address.toLowerCase()}.json`),
    ...cfg.node,
  });
  logger.info("serving peers", { listen: transport.address(), peers: Object.keys(peers).length });
  return node;
}

void runService(createLogger("oracle"), start);
