/**
 * Schema parity between the Ponder indexer (`indexer/ponder.schema.ts`) and the subgraph
 * (`subgraph/schema.graphql`). The Ponder schema is the source of truth; every table must appear in the
 * subgraph as an entity with the same fields under these rules:
 *
 * | Ponder                                   | subgraph                          |
 * |------------------------------------------|-----------------------------------|
 * | `export const fooBar = onchainTable(…)`  | `type FooBar @entity(…)`          |
 * | column key `x`                           | field `x`                         |
 * | `id: t.text().primaryKey()`              | `id: ID!`                         |
 * | `t.text()`                               | `String`                          |
 * | `t.hex()`                                | `Bytes`                           |
 * | `t.bigint()` (uint256-sized)             | `BigInt`                          |
 * | `t.integer()`                            | `Int`                             |
 * | `t.boolean()`                            | `Boolean`                         |
 * | `int8(…)` (drizzle bigint)               | `Int8`                            |
 * | `t.real()`, `t.doublePrecision()`, `numeric` | `BigDecimal`                  |
 * | `onchainEnum("e", …)` column             | `enum E` with the same values     |
 * | `.notNull()`                             | `!`                               |
 * | `.array()`                               | `[T!]`                            |
 *
 * Tables without an `id` primary key, composite keys, views and JSON columns have no subgraph
 * counterpart and are reported as differences. Directives (`@entity(immutable: …)`) and descriptions
 * are free: only entity names, field names and field types are compared.
 *
 * The only entities the subgraph may add are {@link SUBGRAPH_ONLY_ENTITIES}: bookkeeping for the sets the
 * Ponder handlers find with SQL queries over many rows (a mapping can only load an entity by id).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  Kind,
  parse,
  type EnumTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from "graphql";

/** What subgraph/scripts/ponder-tables.ts prints. */
export interface PonderColumnJson {
  key: string;
  sqlName: string;
  columnType: string;
  elementType?: string;
  enumName?: string;
  notNull: boolean;
  primary: boolean;
}
export interface PonderTableJson {
  exportName: string;
  sqlName: string;
  columns: PonderColumnJson[];
  compositePrimaryKeys: string[][];
}
export interface PonderEnumJson {
  exportName: string;
  enumName: string;
  values: string[];
}
export interface PonderSchemaJson {
  tables: PonderTableJson[];
  enums: PonderEnumJson[];
  unsupported: string[];
}

/** Entity name → field name → GraphQL type as printed (`BigInt!`, `[Bytes!]!`); enum name → values. */
export interface EntityShape {
  entities: Record<string, Record<string, string>>;
  enums: Record<string, string[]>;
}

/** Thrown when a schema cannot be read at all (as opposed to differing). */
export class SchemaParityError extends Error {
  override name = "SchemaParityError";
}

const ROOT = path.resolve(__dirname, "..", "..");

/** Subgraph entities without a Ponder table (see the schema's comments). */
export const SUBGRAPH_ONLY_ENTITIES: readonly string[] = ["SubgraphState", "SubgraphAddressState"];

/** drizzle/Ponder column types → subgraph scalar. */
export const SCALARS: Readonly<Record<string, string>> = {
  PgText: "String",
  PgVarchar: "String",
  PgChar: "String",
  PgHex: "Bytes",
  PgEvmBigint: "BigInt",
  PgInteger: "Int",
  PgSmallInt: "Int",
  PgBoolean: "Boolean",
  PgBigInt53: "Int8",
  PgBigInt64: "Int8",
  PgReal: "BigDecimal",
  PgDoublePrecision: "BigDecimal",
  PgNumeric: "BigDecimal",
};

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Loads a Ponder schema file through vite-node (Ponder's own TypeScript loader) in a child process.
 * The file must resolve `ponder` and `drizzle-orm` (i.e. live below a folder whose node_modules has them).
 */
export function loadPonderSchema(schemaFile: string, root: string = ROOT): PonderSchemaJson {
  const viteNode = path.join(root, "node_modules", ".bin", "vite-node");
  if (!fs.existsSync(viteNode)) throw new SchemaParityError(`${viteNode} missing: run npm ci`);
  const script = path.join(root, "subgraph", "scripts", "ponder-tables.ts");
  const run = spawnSync(viteNode, [script, "--", path.resolve(schemaFile)], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0) {
    throw new SchemaParityError(`loading ${schemaFile} failed (${run.status}): ${run.stderr || run.error}`);
  }
  const line = run.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as PonderSchemaJson;
}

/** The subgraph shape a Ponder schema maps to, plus the parts that have no subgraph counterpart. */
export function expectedShape(ponder: PonderSchemaJson): { shape: EntityShape; problems: string[] } {
  const problems = ponder.unsupported.map((u) => `Ponder ${u} has no subgraph counterpart`);
  const enums: Record<string, string[]> = {};
  const enumTypeName: Record<string, string> = {};
  for (const e of ponder.enums) {
    enums[pascal(e.exportName)] = [...e.values];
    enumTypeName[e.enumName] = pascal(e.exportName);
  }
  const entities: Record<string, Record<string, string>> = {};
  for (const t of ponder.tables) {
    const name = pascal(t.exportName);
    const fields: Record<string, string> = {};
    if (t.compositePrimaryKeys.length > 0) problems.push(`${name}: composite primary key (use an id column)`);
    const id = t.columns.find((c) => c.primary);
    if (!id || id.key !== "id") problems.push(`${name}: primary key is not a column named id`);
    for (const c of t.columns) {
      if (c.primary && c.key === "id") {
        if (c.columnType !== "PgText") problems.push(`${name}.id: ${c.columnType} id (use t.text())`);
        fields.id = "ID!";
        continue;
      }
      const scalarOf = (columnType: string): string => {
        if (c.enumName && enumTypeName[c.enumName]) return enumTypeName[c.enumName];
        const s = SCALARS[columnType];
        if (!s) problems.push(`${name}.${c.key}: column type ${columnType} has no subgraph scalar`);
        return s ?? `?${columnType}`;
      };
      const base =
        c.columnType === "PgArray" ? `[${scalarOf(c.elementType ?? "?")}!]` : scalarOf(c.columnType);
      fields[c.key] = c.notNull ? `${base}!` : base;
    }
    entities[name] = fields;
  }
  return { shape: { entities, enums }, problems };
}

function printType(t: TypeNode): string {
  if (t.kind === Kind.NON_NULL_TYPE) return `${printType(t.type)}!`;
  if (t.kind === Kind.LIST_TYPE) return `[${printType(t.type)}]`;
  return t.name.value;
}

/** Entities (`@entity` object types) and enums of a subgraph schema. */
export function subgraphShape(graphql: string): EntityShape {
  const doc = parse(graphql);
  const entities: Record<string, Record<string, string>> = {};
  const enums: Record<string, string[]> = {};
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION) {
      const obj = def as ObjectTypeDefinitionNode;
      if (!obj.directives?.some((d) => d.name.value === "entity")) continue;
      entities[obj.name.value] = Object.fromEntries(
        (obj.fields ?? []).map((f) => [f.name.value, printType(f.type)]),
      );
    } else if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
      const e = def as EnumTypeDefinitionNode;
      enums[e.name.value] = (e.values ?? []).map((v) => v.name.value);
    }
  }
  return { entities, enums };
}

/** Human-readable differences between the expected (Ponder-derived) and actual subgraph shapes. */
export function compareShapes(
  expected: EntityShape,
  actual: EntityShape,
  subgraphOnly: readonly string[] = SUBGRAPH_ONLY_ENTITIES,
): string[] {
  const diffs: string[] = [];
  const names = (o: object): string[] => Object.keys(o).sort();
  for (const e of names(expected.entities)) {
    const want = expected.entities[e];
    const have = actual.entities[e];
    if (!have) {
      diffs.push(`entity ${e} missing from schema.graphql`);
      continue;
    }
    for (const f of names(want)) {
      if (!(f in have)) diffs.push(`${e}.${f}: missing from schema.graphql (Ponder: ${want[f]})`);
      else if (have[f] !== want[f])
        diffs.push(`${e}.${f}: schema.graphql has ${have[f]}, Ponder maps to ${want[f]}`);
    }
    for (const f of names(have)) if (!(f in want)) diffs.push(`${e}.${f}: not in Ponder's table`);
  }
  for (const e of names(actual.entities)) {
    if (!(e in expected.entities) && !subgraphOnly.includes(e)) diffs.push(`entity ${e}: no Ponder table`);
  }
  for (const e of new Set([...names(expected.enums), ...names(actual.enums)])) {
    const want = expected.enums[e]?.join(",");
    const have = actual.enums[e]?.join(",");
    if (want !== have) diffs.push(`enum ${e}: Ponder ${want ?? "-"}, schema.graphql ${have ?? "-"}`);
  }
  return diffs;
}

/** Every difference between a Ponder schema file and a subgraph schema file (empty when in parity). */
export function schemaDrift(ponderSchemaFile: string, subgraphSchemaFile: string): string[] {
  const { shape, problems } = expectedShape(loadPonderSchema(ponderSchemaFile));
  return [...problems, ...compareShapes(shape, subgraphShape(fs.readFileSync(subgraphSchemaFile, "utf8")))];
}

if (require.main === module) {
  const [ponderFile, graphqlFile] = [
    process.argv[2] ?? path.join(ROOT, "indexer", "ponder.schema.ts"),
    process.argv[3] ?? path.join(ROOT, "subgraph", "schema.graphql"),
  ];
  const diffs = schemaDrift(ponderFile, graphqlFile);
  for (const d of diffs) console.log(d);
  console.log(diffs.length === 0 ? "schemas in parity" : `${diffs.length} difference(s)`);
  process.exitCode = diffs.length === 0 ? 0 : 1;
}
