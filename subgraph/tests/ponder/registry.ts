/** Stand-in for Ponder's `ponder:registry`: collects the indexing functions the handler files register. */
export type Handler = (args: { event: unknown; context: unknown }) => Promise<void>;

export const handlers = new Map<string, Handler>();

export const ponder = {
  on(name: string, fn: Handler): void {
    if (handlers.has(name)) throw new Error(`two handlers for ${name}`);
    handlers.set(name, fn);
  },
};
