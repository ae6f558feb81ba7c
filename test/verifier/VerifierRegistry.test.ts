import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { VerifierRegistry } from "../../typechain-types";

describe("VerifierRegistry", function () {
  const ID = ethers.id("circuit");
  const PROOF = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n] as const;
  const SIGNALS = [11n, 12n, 13n];

  async function fixture() {
    const [admin, outsider] = await ethers.getSigners();
    const registry = (await upgrades.deployProxy(
      await ethers.getContractFactory("VerifierRegistry"),
      [admin.address],
      {
        kind: "uups",
      },
    )) as unknown as VerifierRegistry;
    const Mock = await ethers.getContractFactory("MockGroth16Verifier");
    const accept = await Mock.deploy(true);
    const reject = await Mock.deploy(false);
    return { registry, admin, outsider, accept, reject };
  }

  it("registers a circuit with the generic verifyProof selector", async function () {
    const { registry, admin, accept } = await loadFixture(fixture);
    await expect(registry.connect(admin).registerCircuit(ID, await accept.getAddress(), 3))
      .to.emit(registry, "CircuitRegistered")
      .withArgs(ID, await accept.getAddress(), 3)
      .and.to.emit(registry, "CircuitActiveSet")
      .withArgs(ID, true);
    const c = await registry.circuit(ID);
    expect(c.selector).to.equal(
      ethers.id("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[3])").slice(0, 10),
    );
    expect(c.active).to.equal(true);
  });

  it("verifies through the registered verifier (true, false, bound signals)", async function () {
    const { registry, admin, accept, reject } = await loadFixture(fixture);
    await registry.connect(admin).registerCircuit(ID, await accept.getAddress(), 3);
    await registry.connect(admin).registerCircuit(ethers.id("bad"), await reject.getAddress(), 3);
    expect(await registry.verify(ID, [...PROOF], SIGNALS)).to.equal(true);
    expect(await registry.verify(ethers.id("bad"), [...PROOF], SIGNALS)).to.equal(false);
    await accept.setExpectedSignalsHash(
      ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256[3]"], [SIGNALS])),
    );
    expect(await registry.verify(ID, [...PROOF], SIGNALS)).to.equal(true);
    expect(await registry.verify(ID, [...PROOF], [11n, 12n, 14n])).to.equal(false);
    await accept.setRevertMode(true);
    expect(await registry.verify(ID, [...PROOF], SIGNALS)).to.equal(false);
  });

  it("returns false when the verifier has another arity (selector not found)", async function () {
    const { registry, admin, accept } = await loadFixture(fixture);
    await registry.connect(admin).registerCircuit(ID, await accept.getAddress(), 4);
    expect(await registry.verify(ID, [...PROOF], [1n, 2n, 3n, 4n])).to.equal(false);
  });

  it("reverts on bad registrations", async function () {
    const { registry, admin, accept } = await loadFixture(fixture);
    const v = await accept.getAddress();
    await expect(
      registry.connect(admin).registerCircuit(ethers.ZeroHash, v, 3),
    ).to.be.revertedWithCustomError(registry, "VerifierRegistry__ZeroValue");
    await expect(registry.connect(admin).registerCircuit(ID, admin.address, 3))
      .to.be.revertedWithCustomError(registry, "VerifierRegistry__NotAContract")
      .withArgs(admin.address);
    await expect(registry.connect(admin).registerCircuit(ID, v, 0))
      .to.be.revertedWithCustomError(registry, "VerifierRegistry__InvalidNumPublicInputs")
      .withArgs(0, 64);
    await expect(registry.connect(admin).registerCircuit(ID, v, 65)).to.be.revertedWithCustomError(
      registry,
      "VerifierRegistry__InvalidNumPublicInputs",
    );
    await registry.connect(admin).registerCircuit(ID, v, 3);
    await expect(registry.connect(admin).registerCircuit(ID, v, 3))
      .to.be.revertedWithCustomError(registry, "VerifierRegistry__CircuitExists")
      .withArgs(ID);
  });

  it("deactivates, and verify reverts on unknown/inactive circuits and wrong signal counts", async function () {
    const { registry, admin, accept } = await loadFixture(fixture);
    await expect(registry.verify(ID, [...PROOF], SIGNALS))
      .to.be.revertedWithCustomError(registry, "VerifierRegistry__UnknownCircuit")
      .withArgs(ID);
    await expect(registry.connect(admin).setCircuitActive(ID, false)).to.be.revertedWithCustomError(
      registry,
      "VerifierRegistry__UnknownCircuit",
    );
    await registry.connect(admin).registerCircuit(ID, await accept.getAddress(), 3);
    await expect(registry.verify(ID, [...PROOF], [1n]))
      .to.be.revertedWithCustomError(registry, "VerifierRegistry__SignalCountMismatch")
      .withArgs(ID, 1, 3);
    await expect(registry.connect(admin).setCircuitActive(ID, false))
      .to.emit(registry, "CircuitActiveSet")
      .withArgs(ID, false);
    await expect(registry.verify(ID, [...PROOF], SIGNALS))
      .to.be.revertedWithCustomError(registry, "VerifierRegistry__CircuitInactive")
      .withArgs(ID);
  });

  it("rejects unauthorised callers and a zero admin", async function () {
    const { registry, outsider, accept } = await loadFixture(fixture);
    await expect(
      registry.connect(outsider).registerCircuit(ID, await accept.getAddress(), 3),
    ).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount");
    await expect(registry.connect(outsider).setCircuitActive(ID, false)).to.be.revertedWithCustomError(
      registry,
      "AccessControlUnauthorizedAccount",
    );
    await expect(
      upgrades.deployProxy(await ethers.getContractFactory("VerifierRegistry"), [ethers.ZeroAddress], {
        kind: "uups",
      }),
    ).to.be.reverted;
  });
});
