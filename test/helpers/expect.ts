import { expect } from "chai";

/** Awaits `p`, asserts it rejects with an instance of `type`, and returns the error for further checks. */
export async function expectRejection<T extends Error>(
  p: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  let result: unknown;
  try {
    result = await p;
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return err as T;
  }
  expect.fail(`expected a ${type.name}, got a result: ${String(result)}`);
}
