import { expect } from "chai";
import { webcrypto } from "node:crypto";
import {
  ENVELOPE_MAGIC,
  EnvelopeDecryptionError,
  EnvelopeFormatError,
  KeyFormatError,
  LABEL_LENGTH,
  MIN_RSA_MODULUS_BITS,
  WeakKeyError,
  decryptEnvelope,
  encryptEnvelope,
  envelopeSize,
  exportPrivateKeyPem,
  exportPrivateKeyPkcs8,
  exportPublicKeyPem,
  exportPublicKeySpki,
  generateEnvelopeKeyPair,
  importPrivateKeyPem,
  importPrivateKeyPkcs8,
  importPublicKeyPem,
  importPublicKeySpki,
  inspectEnvelope,
  keyFingerprint,
  spkiFingerprint,
  type CryptoKey,
  type CryptoKeyPair,
  type EnvelopeDecryptionErrorCode,
  type EnvelopeFormatErrorCode,
} from "../../sdk/crypto";
import { expectRejection } from "../helpers/expect";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const W = 384; // wrapped key bytes for a 3072-bit key
const IV_OFFSET = 40 + W;
const LENGTH_OFFSET = IV_OFFSET + 12;
const CIPHERTEXT_OFFSET = LENGTH_OFFSET + 8;

function flip(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[offset] ^= mask;
  return copy;
}

describe("sdk/crypto envelope encryption", function () {
  let alice: CryptoKeyPair;
  let bob: CryptoKeyPair;
  let weak: CryptoKeyPair;
  let envelope: Uint8Array;
  const message = utf8("encrypted task input: 42");

  before(async function () {
    [alice, bob] = await Promise.all([generateEnvelopeKeyPair(), generateEnvelopeKeyPair()]);
    weak = await webcrypto.subtle.generateKey(
      { name: "RSA-OAEP", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
    );
    envelope = await encryptEnvelope(message, alice.publicKey);
  });

  async function expectFormatError(bytes: Uint8Array, code: EnvelopeFormatErrorCode): Promise<void> {
    const err = await expectRejection(decryptEnvelope(bytes, alice.privateKey), EnvelopeFormatError);
    expect(err.code).to.equal(code);
  }

  async function expectDecryptionError(
    bytes: Uint8Array,
    code: EnvelopeDecryptionErrorCode,
    key: CryptoKey = alice.privateKey,
  ): Promise<void> {
    const err = await expectRejection(decryptEnvelope(bytes, key), EnvelopeDecryptionError);
    expect(err.code).to.equal(code);
  }

  describe("# round trip", function () {
    it("decrypts a small payload", async function () {
      expect(Buffer.from(await decryptEnvelope(envelope, alice.privateKey)).toString()).to.equal(
        "encrypted task input: 42",
      );
    });

    it("decrypts an empty payload", async function () {
      const sealed = await encryptEnvelope(new Uint8Array(0), alice.publicKey);
      expect(sealed.length).to.equal(envelopeSize(0, 3072));
      expect(await decryptEnvelope(sealed, alice.privateKey)).to.have.length(0);
    });

    it("decrypts a 5 MiB payload", async function () {
      const payload = new Uint8Array(5 * 1024 * 1024);
      for (let off = 0; off < payload.length; off += 65536) {
        webcrypto.getRandomValues(payload.subarray(off, off + 65536));
      }
      const sealed = await encryptEnvelope(payload, alice.publicKey);
      expect(sealed.length).to.equal(envelopeSize(payload.length, 3072));
      const opened = await decryptEnvelope(sealed, alice.privateKey);
      expect(Buffer.compare(Buffer.from(opened), Buffer.from(payload))).to.equal(0);
    });

    it("uses a fresh key and IV each time", async function () {
      const again = await encryptEnvelope(message, alice.publicKey);
      expect(Buffer.compare(Buffer.from(again), Buffer.from(envelope))).to.not.equal(0);
      expect(Buffer.from(again.subarray(IV_OFFSET, IV_OFFSET + 12))).to.not.deep.equal(
        Buffer.from(envelope.subarray(IV_OFFSET, IV_OFFSET + 12)),
      );
    });

    it("has a self-describing header readable without a key", async function () {
      expect(Buffer.from(envelope.subarray(0, 4))).to.deep.equal(Buffer.from(ENVELOPE_MAGIC));
      expect(envelope.length).to.equal(envelopeSize(message.length, 3072));
      const header = inspectEnvelope(envelope);
      expect(header).to.include({ version: 1, suite: 1, plaintextLength: message.length });
      const spki = await exportPublicKeySpki(alice.publicKey);
      expect(Buffer.from(header.recipientFingerprint)).to.deep.equal(
        Buffer.from(await spkiFingerprint(spki)),
      );
      expect(Buffer.from((await keyFingerprint(alice.privateKey))!)).to.deep.equal(
        Buffer.from(header.recipientFingerprint),
      );
    });

    it("supports larger (4096-bit) recipient keys", async function () {
      const big = await generateEnvelopeKeyPair(4096);
      const sealed = await encryptEnvelope(message, big.publicKey);
      expect(sealed.length).to.equal(envelopeSize(message.length, 4096));
      expect(Buffer.from(await decryptEnvelope(sealed, big.privateKey))).to.deep.equal(Buffer.from(message));
    });
  });

  describe("# tampering", function () {
    it("fails on a flipped ciphertext bit", async function () {
      await expectDecryptionError(flip(envelope, CIPHERTEXT_OFFSET), "AUTHENTICATION_FAILED");
      await expectDecryptionError(flip(envelope, CIPHERTEXT_OFFSET + 5, 0x80), "AUTHENTICATION_FAILED");
    });

    it("fails on a flipped GCM tag bit", async function () {
      await expectDecryptionError(flip(envelope, envelope.length - 1), "AUTHENTICATION_FAILED");
    });

    it("fails on a flipped IV bit", async function () {
      await expectDecryptionError(flip(envelope, IV_OFFSET), "AUTHENTICATION_FAILED");
      await expectDecryptionError(flip(envelope, IV_OFFSET + 11, 0x40), "AUTHENTICATION_FAILED");
    });

    it("fails on a flipped wrapped-key bit", async function () {
      await expectDecryptionError(flip(envelope, 40), "KEY_UNWRAP_FAILED");
      await expectDecryptionError(flip(envelope, 40 + W - 1), "KEY_UNWRAP_FAILED");
    });

    it("fails on a modified recipient fingerprint (header bound by the OAEP label and GCM AAD)", async function () {
      // An extractable key notices the mismatch before any RSA work …
      await expectDecryptionError(flip(envelope, 6), "WRONG_RECIPIENT");
      // … a non-extractable one fails to unwrap because the fingerprint is part of the OAEP label.
      const sealed = await importPrivateKeyPkcs8(await exportPrivateKeyPkcs8(alice.privateKey), false);
      await expectDecryptionError(flip(envelope, 6 + 31), "KEY_UNWRAP_FAILED", sealed);
    });

    it("fails on a modified magic, version or suite", async function () {
      await expectFormatError(flip(envelope, 0), "BAD_MAGIC");
      await expectFormatError(flip(envelope, 4, 0x02), "UNSUPPORTED_VERSION");
      await expectFormatError(flip(envelope, 5, 0x02), "UNSUPPORTED_SUITE");
    });

    it("fails on a modified wrapped-key length or ciphertext length", async function () {
      await expectFormatError(flip(envelope, 38, 0x80), "BAD_WRAPPED_KEY_LENGTH");
      // W = 400: the ciphertext length is then read from random IV/ciphertext bytes (a huge number)
      await expectFormatError(flip(envelope, 39, 0x10), "TRUNCATED");
      // the payload is 24 bytes, so the declared ciphertext length is 40 = 0x28
      await expectFormatError(flip(envelope, LENGTH_OFFSET + 7, 0x01), "TRUNCATED");
      await expectFormatError(flip(envelope, LENGTH_OFFSET + 7, 0x08), "TRAILING_BYTES");
      const zero = Uint8Array.from(envelope);
      zero.fill(0, LENGTH_OFFSET, LENGTH_OFFSET + 8);
      await expectFormatError(zero, "BAD_CIPHERTEXT_LENGTH");
    });

    it("fails on truncation anywhere", async function () {
      for (const length of [
        0,
        3,
        5,
        20,
        39,
        40,
        200,
        CIPHERTEXT_OFFSET - 1,
        CIPHERTEXT_OFFSET,
        envelope.length - 1,
      ]) {
        await expectFormatError(envelope.subarray(0, length), "TRUNCATED");
      }
    });

    it("fails on appended bytes", async function () {
      const longer = new Uint8Array(envelope.length + 1);
      longer.set(envelope);
      await expectFormatError(longer, "TRAILING_BYTES");
    });

    it("fails when a header is spliced onto another envelope's ciphertext", async function () {
      const other = await encryptEnvelope(utf8("encrypted task input: 43"), alice.publicKey);
      const spliced = Uint8Array.from(other);
      spliced.set(envelope.subarray(0, CIPHERTEXT_OFFSET));
      await expectDecryptionError(spliced, "AUTHENTICATION_FAILED");
    });

    it("fails on any single-bit flip of a small envelope, never returning plaintext", async function () {
      const small = await encryptEnvelope(utf8("x"), alice.publicKey);
      const sealed = await importPrivateKeyPkcs8(await exportPrivateKeyPkcs8(alice.privateKey), false);
      for (let offset = 0; offset < small.length; offset += 7) {
        const tampered = flip(small, offset, 1 << (offset % 8));
        await decryptEnvelope(tampered, sealed).then(
          () => expect.fail(`flip at byte ${offset} was not detected`),
          (err: unknown) => {
            expect(err, `offset ${offset}`).to.satisfy(
              (e: unknown) => e instanceof EnvelopeFormatError || e instanceof EnvelopeDecryptionError,
            );
          },
        );
      }
    });
  });

  describe("# keys", function () {
    it("refuses to decrypt with another recipient's key", async function () {
      await expectDecryptionError(envelope, "WRONG_RECIPIENT", bob.privateKey);
      const bobSealed = await importPrivateKeyPkcs8(await exportPrivateKeyPkcs8(bob.privateKey), false);
      await expectDecryptionError(envelope, "KEY_UNWRAP_FAILED", bobSealed);
    });

    it("rejects keys below 3072 bits with WeakKeyError", async function () {
      expect(MIN_RSA_MODULUS_BITS).to.equal(3072);
      const gen = await expectRejection(generateEnvelopeKeyPair(2048), WeakKeyError);
      expect(gen).to.include({ modulusBits: 2048, minimumBits: 3072 });
      await expectRejection(encryptEnvelope(message, weak.publicKey), WeakKeyError);
      await expectRejection(decryptEnvelope(envelope, weak.privateKey), WeakKeyError);
      const weakSpki = new Uint8Array(await webcrypto.subtle.exportKey("spki", weak.publicKey));
      await expectRejection(importPublicKeySpki(weakSpki), WeakKeyError);
      const weakPkcs8 = new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", weak.privateKey));
      await expectRejection(importPrivateKeyPkcs8(weakPkcs8), WeakKeyError);
    });

    it("round-trips public keys through SPKI DER and PEM", async function () {
      const spki = await exportPublicKeySpki(alice.publicKey);
      expect(spki[0]).to.equal(0x30); // DER SEQUENCE
      const imported = await importPublicKeySpki(spki);
      expect(Buffer.from(await exportPublicKeySpki(imported))).to.deep.equal(Buffer.from(spki));
      const sealed = await encryptEnvelope(message, imported);
      expect(Buffer.from(await decryptEnvelope(sealed, alice.privateKey))).to.deep.equal(
        Buffer.from(message),
      );

      const pem = await exportPublicKeyPem(alice.publicKey);
      expect(pem).to.match(
        /^-----BEGIN PUBLIC KEY-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END PUBLIC KEY-----\n$/,
      );
      const fromPem = await importPublicKeyPem(pem);
      expect(Buffer.from(await exportPublicKeySpki(fromPem))).to.deep.equal(Buffer.from(spki));
    });

    it("round-trips private keys through PKCS#8 DER and PEM", async function () {
      const pkcs8 = await exportPrivateKeyPkcs8(alice.privateKey);
      const imported = await importPrivateKeyPkcs8(pkcs8);
      expect(Buffer.from(await decryptEnvelope(envelope, imported))).to.deep.equal(Buffer.from(message));
      const fromPem = await importPrivateKeyPem(await exportPrivateKeyPem(alice.privateKey));
      expect(Buffer.from(await decryptEnvelope(envelope, fromPem))).to.deep.equal(Buffer.from(message));
    });

    it("rejects unusable key material with KeyFormatError", async function () {
      await expectRejection(importPublicKeySpki(utf8("garbage")), KeyFormatError);
      await expectRejection(
        importPublicKeyPem("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----"),
        KeyFormatError,
      );
      await expectRejection(importPublicKeyPem("no pem here"), KeyFormatError);
      const ec = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
      const ecSpki = new Uint8Array(await webcrypto.subtle.exportKey("spki", ec.publicKey));
      await expectRejection(importPublicKeySpki(ecSpki), KeyFormatError);
      // a private key where a public key belongs, and vice versa
      await expectRejection(encryptEnvelope(message, alice.privateKey), KeyFormatError);
      await expectRejection(decryptEnvelope(envelope, alice.publicKey), KeyFormatError);
      // an RSA-OAEP key with SHA-1
      const sha1 = await webcrypto.subtle.importKey(
        "spki",
        await exportPublicKeySpki(alice.publicKey),
        { name: "RSA-OAEP", hash: "SHA-1" },
        true,
        ["wrapKey"],
      );
      await expectRejection(encryptEnvelope(message, sha1), KeyFormatError);
    });

    it("uses the first 38 header bytes as the RSA-OAEP label", function () {
      expect(LABEL_LENGTH).to.equal(38);
    });
  });
});
