/**
 * The off-chain offer board: where provider agents publish EIP-712 signed offers and the matcher reads
 * them. Offers are only promises; TaskMarket re-checks every signature, nonce, expiry and capacity at
 * assignment, so a board needs no trust — it only drops entries whose signature does not recover to the
 * offer's provider (anyone could otherwise fill it with junk the matcher would waste a batch slot on).
 *
 * `DirOfferBoard` is the embedded default: one JSON file per (provider, nonce) in a shared directory,
 * written atomically. Publishing the same (provider, nonce) again replaces the entry.
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, verifyTypedData } from "ethers";
import { OFFER_TYPES, offerDomain, type Offer } from "../signing";

/** An offer with its provider's EIP-712 signature. */
export interface SignedOffer {
  offer: Offer;
  signature: string;
}

/** Thrown for offers that are malformed or not signed by their provider. */
export class OfferBoardError extends Error {
  override name = "OfferBoardError";
}

export interface OfferBoard {
  /** Publishes (or replaces) `signed`; throws {@link OfferBoardError} if its signature is not the provider's. */
  publish(signed: SignedOffer): Promise<void>;
  /** Every well-formed, correctly signed offer on the board (expired ones included; filters decide). */
  list(): Promise<SignedOffer[]>;
  /** Removes a provider's offer (no-op when absent). */
  withdraw(provider: string, nonce: number): Promise<void>;
}

/** True when `signed.signature` is the offer provider's signature for the market at `market` on `chainId`. */
export function isOfferSignedByProvider(
  chainId: bigint | number,
  market: string,
  signed: SignedOffer,
): boolean {
  try {
    const signer = verifyTypedData(offerDomain(chainId, market), OFFER_TYPES, signed.offer, signed.signature);
    return getAddress(signer) === getAddress(signed.offer.provider);
  } catch {
    return false;
  }
}

interface OfferJson {
  offer: Omit<Offer, "pricePerUnit"> & { pricePerUnit: string };
  signature: string;
}

export function offerToJson(signed: SignedOffer): string {
  const json: OfferJson = {
    offer: { ...signed.offer, pricePerUnit: signed.offer.pricePerUnit.toString() },
    signature: signed.signature,
  };
  return JSON.stringify(json);
}

export function offerFromJson(text: string): SignedOffer {
  let json: OfferJson;
  try {
    json = JSON.parse(text) as OfferJson;
  } catch {
    throw new OfferBoardError("offer is not JSON");
  }
  const o = json?.offer;
  if (
    !o ||
    typeof json.signature !== "string" ||
    typeof o.provider !== "string" ||
    ![o.resourceClass, o.capacity, o.expiry, o.nonce].every((n) => Number.isSafeInteger(n) && n >= 0) ||
    typeof o.pricePerUnit !== "string" ||
    !/^\d+$/.test(o.pricePerUnit)
  ) {
    throw new OfferBoardError("malformed offer");
  }
  return {
    offer: {
      provider: getAddress(o.provider),
      resourceClass: o.resourceClass,
      pricePerUnit: BigInt(o.pricePerUnit),
      capacity: o.capacity,
      expiry: o.expiry,
      nonce: o.nonce,
    },
    signature: json.signature,
  };
}

/** The embedded offer board: a directory shared by the agents and the matcher on one machine. */
export class DirOfferBoard implements OfferBoard {
  constructor(
    readonly dir: string,
    private readonly chainId: bigint | number,
    private readonly market: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  private file(provider: string, nonce: number): string {
    return path.join(this.dir, `${getAddress(provider).toLowerCase()}-${nonce}.json`);
  }

  async publish(signed: SignedOffer): Promise<void> {
    if (!isOfferSignedByProvider(this.chainId, this.market, signed)) {
      throw new OfferBoardError(`offer ${signed.offer.nonce} is not signed by ${signed.offer.provider}`);
    }
    const file = this.file(signed.offer.provider, signed.offer.nonce);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, offerToJson(signed));
    await fs.promises.rename(tmp, file);
  }

  async list(): Promise<SignedOffer[]> {
    const names = (await fs.promises.readdir(this.dir)).filter((n) => n.endsWith(".json")).sort();
    const out: SignedOffer[] = [];
    for (const name of names) {
      let text: string;
      try {
        text = await fs.promises.readFile(path.join(this.dir, name), "utf8");
      } catch {
        continue; // withdrawn between readdir and read
      }
      try {
        const signed = offerFromJson(text);
        if (isOfferSignedByProvider(this.chainId, this.market, signed)) out.push(signed);
      } catch {
        // malformed entries are skipped: the board is untrusted input
      }
    }
    return out;
  }

  async withdraw(provider: string, nonce: number): Promise<void> {
    await fs.promises.rm(this.file(provider, nonce), { force: true });
  }
}
