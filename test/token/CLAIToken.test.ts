import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import type { CLAIToken } from "../../typechain-types";
import { CAP, INITIAL_SUPPLY, tokenFixture } from "../fixtures/governance";

const MAX_UINT208 = (1n << 208n) - 1n;

async function signPermit(
  token: CLAIToken,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
  nonce?: bigint,
  claimedOwner?: string,
) {
  const ownerAddr = claimedOwner ?? (await owner.getAddress());
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "CloudAI", version: "1", chainId, verifyingContract: await token.getAddress() };
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const message = {
    owner: ownerAddr,
    spender,
    value,
    nonce: nonce ?? (await token.nonces(ownerAddr)),
    deadline,
  };
  return ethers.Signature.from(await owner.signTypedData(domain, types, message));
}

describe("CLAIToken", function () {
  describe("# initialize", function () {
    it("sets metadata, cap, clock mode, roles and the initial supply", async function () {
      const { token, deployer, admin } = await loadFixture(tokenFixture);
      expect(await token.name()).to.equal("CloudAI");
      expect(await token.symbol()).to.equal("CLAI");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.cap()).to.equal(CAP);
      expect(await token.totalSupply()).to.equal(INITIAL_SUPPLY);
      expect(await token.balanceOf(deployer.address)).to.equal(INITIAL_SUPPLY);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.clock()).to.equal(BigInt(await time.latest()));
      for (const role of [
        await token.DEFAULT_ADMIN_ROLE(),
        await token.MINTER_ROLE(),
        await token.UPGRADER_ROLE(),
      ]) {
        expect(await token.hasRole(role, admin.address)).to.equal(true);
        expect(await token.hasRole(role, deployer.address)).to.equal(false);
      }
    });

    it("cannot be initialized twice", async function () {
      const { token, alice } = await loadFixture(tokenFixture);
      await expect(token.initialize(CAP, alice.address, alice.address, 0n)).to.be.revertedWithCustomError(
        token,
        "InvalidInitialization",
      );
    });

    it("leaves the bare implementation uninitializable", async function () {
      const { alice } = await loadFixture(tokenFixture);
      const impl = await (await ethers.getContractFactory("CLAIToken")).deploy();
      await expect(impl.initialize(CAP, alice.address, alice.address, 0n)).to.be.revertedWithCustomError(
        impl,
        "InvalidInitialization",
      );
    });

    it("rejects a zero admin or recipient with CLAIToken__ZeroAddress", async function () {
      const { alice } = await loadFixture(tokenFixture);
      const factory = await ethers.getContractFactory("CLAIToken");
      await expect(
        upgrades.deployProxy(factory, [CAP, ethers.ZeroAddress, alice.address, 0n], { kind: "uups" }),
      ).to.be.revertedWithCustomError(factory, "CLAIToken__ZeroAddress");
      await expect(
        upgrades.deployProxy(factory, [CAP, alice.address, ethers.ZeroAddress, 0n], { kind: "uups" }),
      ).to.be.revertedWithCustomError(factory, "CLAIToken__ZeroAddress");
    });

    it("rejects a zero cap, a cap below the initial supply and a cap above uint208 with CLAIToken__InvalidCap", async function () {
      const { alice } = await loadFixture(tokenFixture);
      const factory = await ethers.getContractFactory("CLAIToken");
      for (const [cap, supply] of [
        [0n, 0n],
        [10n, 11n],
        [MAX_UINT208 + 1n, 0n],
      ]) {
        await expect(
          upgrades.deployProxy(factory, [cap, alice.address, alice.address, supply], { kind: "uups" }),
        )
          .to.be.revertedWithCustomError(factory, "CLAIToken__InvalidCap")
          .withArgs(cap, supply);
      }
    });

    it("allows a zero initial supply", async function () {
      const { alice } = await loadFixture(tokenFixture);
      const factory = await ethers.getContractFactory("CLAIToken");
      const t = (await upgrades.deployProxy(factory, [CAP, alice.address, alice.address, 0n], {
        kind: "uups",
      })) as unknown as CLAIToken;
      expect(await t.totalSupply()).to.equal(0n);
    });
  });

  describe("# transfer and allowance", function () {
    it("moves balances and emits Transfer", async function () {
      const { token, deployer, alice } = await loadFixture(tokenFixture);
      await expect(token.transfer(alice.address, 1000n))
        .to.emit(token, "Transfer")
        .withArgs(deployer.address, alice.address, 1000n);
      expect(await token.balanceOf(alice.address)).to.equal(1000n);
      expect(await token.balanceOf(deployer.address)).to.equal(INITIAL_SUPPLY - 1000n);
    });

    it("reverts a transfer above the balance", async function () {
      const { token, alice, bob } = await loadFixture(tokenFixture);
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(alice.address, 0n, 1n);
    });

    it("approves, spends allowance with transferFrom and emits Approval", async function () {
      const { token, deployer, alice, bob } = await loadFixture(tokenFixture);
      await expect(token.approve(alice.address, 500n))
        .to.emit(token, "Approval")
        .withArgs(deployer.address, alice.address, 500n);
      await token.connect(alice).transferFrom(deployer.address, bob.address, 200n);
      expect(await token.allowance(deployer.address, alice.address)).to.equal(300n);
      expect(await token.balanceOf(bob.address)).to.equal(200n);
      await expect(token.connect(alice).transferFrom(deployer.address, bob.address, 301n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(alice.address, 300n, 301n);
    });
  });

  describe("# permit", function () {
    it("sets an allowance from a valid signature", async function () {
      const { token, deployer, alice } = await loadFixture(tokenFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, deployer, alice.address, 777n, deadline);
      await expect(
        token.connect(alice).permit(deployer.address, alice.address, 777n, deadline, sig.v, sig.r, sig.s),
      )
        .to.emit(token, "Approval")
        .withArgs(deployer.address, alice.address, 777n);
      expect(await token.allowance(deployer.address, alice.address)).to.equal(777n);
      expect(await token.nonces(deployer.address)).to.equal(1n);
    });

    it("rejects an expired signature", async function () {
      const { token, deployer, alice } = await loadFixture(tokenFixture);
      const deadline = BigInt(await time.latest()) - 1n;
      const sig = await signPermit(token, deployer, alice.address, 1n, deadline);
      await expect(token.permit(deployer.address, alice.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("rejects a replayed signature", async function () {
      const { token, deployer, alice } = await loadFixture(tokenFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, deployer, alice.address, 5n, deadline);
      await token.permit(deployer.address, alice.address, 5n, deadline, sig.v, sig.r, sig.s);
      await expect(
        token.permit(deployer.address, alice.address, 5n, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    });

    it("rejects a signature from the wrong signer", async function () {
      const { token, deployer, alice, bob } = await loadFixture(tokenFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, bob, alice.address, 5n, deadline, 0n, deployer.address);
      await expect(token.permit(deployer.address, alice.address, 5n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(bob.address, deployer.address);
    });
  });

  describe("# votes", function () {
    it("counts votes only after delegation and emits DelegateChanged / DelegateVotesChanged", async function () {
      const { token, deployer, alice } = await loadFixture(tokenFixture);
      await token.transfer(alice.address, 1000n);
      expect(await token.getVotes(alice.address)).to.equal(0n);
      await expect(token.connect(alice).delegate(alice.address))
        .to.emit(token, "DelegateChanged")
        .withArgs(alice.address, ethers.ZeroAddress, alice.address)
        .and.to.emit(token, "DelegateVotesChanged")
        .withArgs(alice.address, 0n, 1000n);
      expect(await token.delegates(alice.address)).to.equal(alice.address);
      expect(await token.getVotes(alice.address)).to.equal(1000n);
      expect(await token.getVotes(deployer.address)).to.equal(0n);
    });

    it("checkpoints voting power by timestamp as tokens move", async function () {
      const { token, alice, bob } = await loadFixture(tokenFixture);
      await token.transfer(alice.address, 1000n);
      await token.connect(alice).delegate(bob.address);
      const t1 = BigInt(await time.latest());
      await time.increase(100);
      await token.connect(alice).transfer(bob.address, 400n);
      const t2 = BigInt(await time.latest());
      await time.increase(100);
      await mine();
      expect(await token.getPastVotes(bob.address, t1)).to.equal(1000n);
      expect(await token.getPastVotes(bob.address, t2)).to.equal(600n);
      expect(await token.getVotes(bob.address)).to.equal(600n);
      expect(await token.getPastTotalSupply(t2)).to.equal(INITIAL_SUPPLY);
      expect(await token.numCheckpoints(bob.address)).to.equal(2n);
      const future = BigInt(await time.latest()) + 10n;
      await expect(token.getPastVotes(bob.address, future))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(future, BigInt(await time.latest()));
    });

    it("delegates by signature", async function () {
      const { token, alice, bob } = await loadFixture(tokenFixture);
      await token.transfer(alice.address, 50n);
      const { chainId } = await ethers.provider.getNetwork();
      const expiry = BigInt(await time.latest()) + 600n;
      const sig = ethers.Signature.from(
        await alice.signTypedData(
          { name: "CloudAI", version: "1", chainId, verifyingContract: await token.getAddress() },
          {
            Delegation: [
              { name: "delegatee", type: "address" },
              { name: "nonce", type: "uint256" },
              { name: "expiry", type: "uint256" },
            ],
          },
          { delegatee: bob.address, nonce: 0n, expiry },
        ),
      );
      await token.connect(bob).delegateBySig(bob.address, 0n, expiry, sig.v, sig.r, sig.s);
      expect(await token.delegates(alice.address)).to.equal(bob.address);
      expect(await token.getVotes(bob.address)).to.equal(50n);
    });
  });

  describe("# mint", function () {
    it("mints within the cap and emits Minted and Transfer", async function () {
      const { token, admin, alice } = await loadFixture(tokenFixture);
      await expect(token.connect(admin).mint(alice.address, 10n))
        .to.emit(token, "Minted")
        .withArgs(admin.address, alice.address, 10n)
        .and.to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, 10n);
      expect(await token.totalSupply()).to.equal(INITIAL_SUPPLY + 10n);
    });

    it("mints exactly up to the cap and no further", async function () {
      const { token, admin, alice } = await loadFixture(tokenFixture);
      const room = CAP - INITIAL_SUPPLY;
      await expect(token.connect(admin).mint(alice.address, room + 1n))
        .to.be.revertedWithCustomError(token, "CLAIToken__CapExceeded")
        .withArgs(room + 1n, room);
      await token.connect(admin).mint(alice.address, room);
      expect(await token.totalSupply()).to.equal(CAP);
      await expect(token.connect(admin).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "CLAIToken__CapExceeded")
        .withArgs(1n, 0n);
    });

    it("rejects minting to the zero address", async function () {
      const { token, admin } = await loadFixture(tokenFixture);
      await expect(token.connect(admin).mint(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(
        token,
        "CLAIToken__ZeroAddress",
      );
    });

    it("rejects callers without MINTER_ROLE", async function () {
      const { token, deployer, alice } = await loadFixture(tokenFixture);
      for (const caller of [deployer, alice]) {
        await expect(token.connect(caller).mint(caller.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await token.MINTER_ROLE());
      }
    });
  });

  describe("# roles", function () {
    it("lets only the admin grant roles", async function () {
      const { token, admin, alice } = await loadFixture(tokenFixture);
      const minter = await token.MINTER_ROLE();
      await expect(token.connect(alice).grantRole(minter, alice.address))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await token.DEFAULT_ADMIN_ROLE());
      await expect(token.connect(admin).grantRole(minter, alice.address))
        .to.emit(token, "RoleGranted")
        .withArgs(minter, alice.address, admin.address);
      await token.connect(alice).mint(alice.address, 1n);
      expect(await token.balanceOf(alice.address)).to.equal(1n);
    });
  });

  describe("# upgrades", function () {
    it("upgrades through UPGRADER_ROLE and keeps state", async function () {
      const { token, admin, deployer } = await loadFixture(tokenFixture);
      const v2 = await ethers.getContractFactory("CLAITokenV2Mock", admin);
      const upgraded = await upgrades.upgradeProxy(await token.getAddress(), v2, { kind: "uups" });
      expect(await upgraded.getFunction("version")()).to.equal("2");
      expect(await upgraded.getFunction("balanceOf")(deployer.address)).to.equal(INITIAL_SUPPLY);
      expect(await upgraded.getFunction("cap")()).to.equal(CAP);
    });

    it("rejects upgrades from accounts without UPGRADER_ROLE", async function () {
      const { token, alice } = await loadFixture(tokenFixture);
      const impl = await (await ethers.getContractFactory("CLAITokenV2Mock")).deploy();
      await expect(token.connect(alice).upgradeToAndCall(await impl.getAddress(), "0x"))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await token.UPGRADER_ROLE());
    });

    it("passes validateUpgrade V1 -> V2 and rejects an unsafe implementation", async function () {
      const v1 = await ethers.getContractFactory("CLAIToken");
      const v2 = await ethers.getContractFactory("CLAITokenV2Mock");
      await upgrades.validateUpgrade(v1, v2, { kind: "uups" });
      const unsafe = await ethers.getContractFactory("UnsafeUpgradeMock");
      const error = await upgrades.validateUpgrade(v1, unsafe, { kind: "uups" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(error)).to.match(/not upgrade safe[\s\S]*delegatecall/i);
    });
  });
});
