import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { expectRejection } from "../helpers/expect";
import { signOffer, type Offer } from "../../sdk/signing";
import {
  DirOfferBoard,
  OfferBoardError,
  offerFromJson,
  offerToJson,
  type SignedOffer,
} from "../../sdk/offers";

const CHAIN = 31337;
const MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("sdk/offers", function () {
  let dir: string;
  let board: DirOfferBoard;
  const alice = Wallet.createRandom();
  const mallory = Wallet.createRandom();
  const offer = (o: Partial<Offer> = {}): Offer => ({
    provider: alice.address,
    resourceClass: 0,
    pricePerUnit: 10n ** 18n,
    capacity: 100,
    expiry: 2_000_000_000,
    nonce: 1,
    ...o,
  });
  const signed = async (o: Offer, by = alice, market = MARKET): Promise<SignedOffer> => ({
    offer: o,
    signature: await signOffer(by, CHAIN, market, o),
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-offers-"));
    board = new DirOfferBoard(dir, CHAIN, MARKET);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("publishes, lists, replaces by nonce and withdraws signed offers", async function () {
    await board.publish(await signed(offer()));
    await board.publish(await signed(offer({ nonce: 2, pricePerUnit: 5n })));
    await board.publish(await signed(offer({ nonce: 2, pricePerUnit: 7n })));
    const listed = await board.list();
    expect(listed.map((s) => [s.offer.nonce, s.offer.pricePerUnit])).to.deep.equal([
      [1, 10n ** 18n],
      [2, 7n],
    ]);
    await board.withdraw(alice.address, 1);
    await board.withdraw(alice.address, 99);
    expect((await board.list()).map((s) => s.offer.nonce)).to.deep.equal([2]);
  });

  it("rejects offers not signed by their provider, or signed for another market", async function () {
    const forged = await signed(offer(), mallory);
    const err = await expectRejection(board.publish(forged), OfferBoardError);
    expect(err.message).to.match(/not signed by/);
    const otherMarket = await signed(offer(), alice, "0x0000000000000000000000000000000000000001");
    await expectRejection(board.publish(otherMarket), OfferBoardError);
    expect(await board.list()).to.deep.equal([]);
  });

  it("skips junk and tampered files written to the directory by others", async function () {
    await board.publish(await signed(offer()));
    fs.writeFileSync(path.join(dir, "junk.json"), "{");
    const tampered = JSON.parse(offerToJson(await signed(offer({ nonce: 3 })))) as {
      offer: { capacity: number };
    };
    tampered.offer.capacity = 1_000_000;
    fs.writeFileSync(path.join(dir, "tampered.json"), JSON.stringify(tampered));
    expect((await board.list()).map((s) => s.offer.nonce)).to.deep.equal([1]);
  });

  it("round-trips offers through JSON and refuses malformed ones", async function () {
    const s = await signed(offer({ pricePerUnit: 2n ** 90n }));
    expect(offerFromJson(offerToJson(s))).to.deep.equal(s);
    for (const bad of ["nope", "{}", '{"offer":{"provider":"0x1"},"signature":"0x"}']) {
      expect(() => offerFromJson(bad)).to.throw(OfferBoardError);
    }
    const negative = JSON.parse(offerToJson(s)) as { offer: { nonce: number } };
    negative.offer.nonce = -1;
    expect(() => offerFromJson(JSON.stringify(negative))).to.throw(OfferBoardError, /malformed/);
  });
});
