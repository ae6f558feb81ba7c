import type { DeployFunction } from "hardhat-deploy/types";
import { CLAIGovernor__factory, CLAIToken__factory, VerifierRegistry__factory } from "../typechain-types";
import { passProposal, type Proposal } from "../scripts/lib/governance";
import { WEIGHTED_SUM_PUBLIC_INPUTS, registryCircuitId } from "../sdk/zk/registry";

/** Circuits whose generated verifier ships in contracts/verifiers/generated (INSECURE dev setups). */
const DEV_CIRCUITS = [{ circuit: "weighted_sum_ci_k2", contract: "WeightedSumCiK2Verifier" }];

/**
 * Registers the encrypted-computation verifiers in the VerifierRegistry the only way the protocol allows
 * after the hand-over: a governance proposal. On the in-process chain and a local node the deployer
 * (holder of the initial supply) delegates to itself, proposes, votes, and the script moves time through
 * the voting period and the timelock delay. The dev verifiers come from a public, deterministic setup —
 * anyone can forge their proofs — so they are never registered on any other network.
 */
const func: DeployFunction = async (hre) => {
  if (hre.network.name !== "hardhat" && hre.network.name !== "localhost") {
    console.log(
      `skipping INSECURE dev circuits on ${hre.network.name}: register production verifiers by proposal`,
    );
    return;
  }
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const registry = VerifierRegistry__factory.connect(
    (await hre.deployments.get("VerifierRegistry")).address,
    signer,
  );
  const pending: { id: string; verifier: string }[] = [];
  for (const c of DEV_CIRCUITS) {
    const dep = await hre.deployments.deploy(c.contract, { from: deployer, log: false });
    const id = registryCircuitId(c.circuit);
    if ((await registry.circuit(id)).verifier !== dep.address) pending.push({ id, verifier: dep.address });
  }
  if (pending.length === 0) return;

  const token = CLAIToken__factory.connect((await hre.deployments.get("CLAIToken")).address, signer);
  const governor = CLAIGovernor__factory.connect((await hre.deployments.get("CLAIGovernor")).address, signer);
  if ((await token.delegates(deployer)) !== deployer) await (await token.delegate(deployer)).wait();
  const registryAddr = await registry.getAddress();
  const proposal: Proposal = {
    targets: pending.map(() => registryAddr),
    values: pending.map(() => 0n),
    calldatas: pending.map((p) =>
      registry.interface.encodeFunctionData("registerCircuit", [
        p.id,
        p.verifier,
        WEIGHTED_SUM_PUBLIC_INPUTS,
      ]),
    ),
    description: `Register INSECURE dev verifiers: ${pending.map((p) => p.id).join(", ")}`,
  };
  await passProposal(governor, signer, [signer], proposal);
};
func.id = "cloudai_zk_circuits";
func.tags = ["ZkCircuits", "core"];
func.dependencies = ["handover"];
export default func;
