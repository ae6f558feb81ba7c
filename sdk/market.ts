/**
 * Names of TaskMarket's enums (ITaskMarket.Status, VerificationMode, SkipReason) in declaration order, for
 * tools that print or parse them. Index = the on-chain uint8 value.
 */
export const TASK_STATUS = [
  "Open",
  "Assigned",
  "Submitted",
  "Disputed",
  "Completed",
  "Failed",
  "Expired",
  "Cancelled",
  "Annulled",
  "Rejected",
] as const;
export type TaskStatusName = (typeof TASK_STATUS)[number];

export const VERIFICATION_MODE = ["OPTIMISTIC", "ZK"] as const;
export type VerificationModeName = (typeof VERIFICATION_MODE)[number];

export const SKIP_REASON = [
  "None",
  "TaskNotOpen",
  "AssignmentClosed",
  "OfferExpired",
  "ResourceClassMismatch",
  "PriceAboveMax",
  "SelfDealing",
  "OfferCancelled",
  "CapacityExceeded",
  "InvalidSignature",
  "ReputationTooLow",
  "NotRegistered",
  "Jailed",
  "ClassNotSupported",
  "BelowMinStake",
  "InsufficientFreeStake",
] as const;

/** Enum names by Solidity internal type (`enum ITaskMarket.Status`), for decoding ABI values. */
export const MARKET_ENUMS: Readonly<Record<string, readonly string[]>> = {
  "enum ITaskMarket.Status": TASK_STATUS,
  "enum ITaskMarket.VerificationMode": VERIFICATION_MODE,
  "enum ITaskMarket.SkipReason": SKIP_REASON,
};

/** The name of enum value `value` of `names`, or `#<value>` when out of range. */
export function enumName(names: readonly string[], value: bigint | number): string {
  return names[Number(value)] ?? `#${value}`;
}
