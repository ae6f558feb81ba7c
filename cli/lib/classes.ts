/**
 * Resource classes for CLI arguments: a class is given by name (its price feed's export name, `CPU`) or by
 * id (0–63). The name ↔ id link comes from the market (sdk/resourceClasses).
 */
import { UsageError, type CliContext } from "../context";
import { MAX_RESOURCE_CLASSES, listResourceClasses, type ResourceClassInfo } from "../../sdk/resourceClasses";

export type ResourceClass = ResourceClassInfo;

const cache = new WeakMap<CliContext, Promise<ResourceClass[]>>();

/** Every class with a price feed in the market, by id (read once per command). */
export function resourceClasses(ctx: CliContext): Promise<ResourceClass[]> {
  let pending = cache.get(ctx);
  if (!pending) {
    pending = ctx.rpc("priceFeed", () => listResourceClasses(ctx.contracts));
    cache.set(ctx, pending);
  }
  return pending;
}

/** A class by name (case-insensitive) or numeric id; ids without a feed are allowed (fixed-price tasks). */
export async function resolveClass(ctx: CliContext, value: string): Promise<ResourceClass> {
  const classes = await resourceClasses(ctx);
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const id = Number(v);
    if (id >= MAX_RESOURCE_CLASSES) {
      throw new UsageError(`resource class ${id} is out of range (0–${MAX_RESOURCE_CLASSES - 1})`);
    }
    return classes.find((c) => c.id === id) ?? { id, name: `class${id}` };
  }
  const found = classes.find((c) => c.name.toLowerCase() === v.toLowerCase());
  if (!found) {
    throw new UsageError(
      `unknown resource class ${JSON.stringify(value)} (known: ${classes.map((c) => `${c.name}=${c.id}`).join(", ") || "none"})`,
    );
  }
  return found;
}
