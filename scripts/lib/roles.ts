/** Minimal ABI fragment shape, enough to find role getters. */
interface AbiItem {
  type: string;
  name?: string;
  stateMutability?: string;
  inputs?: readonly unknown[];
  outputs?: readonly { type: string }[];
}

/**
 * Names of the role getters in an ABI: parameterless views returning bytes32 named `*_ROLE`
 * (DEFAULT_ADMIN_ROLE included). Returns [] for contracts without AccessControl.
 */
export function roleNamesOf(abi: readonly unknown[]): string[] {
  const items = abi as readonly AbiItem[];
  const hasAccessControl = items.some((i) => i.type === "function" && i.name === "hasRole");
  if (!hasAccessControl) return [];
  return items
    .filter(
      (i) =>
        i.type === "function" &&
        typeof i.name === "string" &&
        i.name.endsWith("_ROLE") &&
        (i.inputs?.length ?? 0) === 0 &&
        i.outputs?.length === 1 &&
        i.outputs[0].type === "bytes32",
    )
    .map((i) => i.name as string)
    .sort();
}
