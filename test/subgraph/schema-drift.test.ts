import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import {
  compareShapes,
  expectedShape,
  loadPonderSchema,
  schemaDrift,
  subgraphShape,
  type PonderSchemaJson,
} from "../../subgraph/scripts/schema-parity";

const ROOT = path.resolve(__dirname, "..", "..");
const PONDER_SCHEMA = path.join(ROOT, "indexer", "ponder.schema.ts");
const SUBGRAPH_SCHEMA = path.join(ROOT, "subgraph", "schema.graphql");

describe("subgraph schema parity with the Ponder schema", function () {
  this.timeout(180_000);
  let ponder: PonderSchemaJson;
  let graphql: string;

  before(function () {
    ponder = loadPonderSchema(PONDER_SCHEMA);
    graphql = fs.readFileSync(SUBGRAPH_SCHEMA, "utf8");
  });

  it("gives every Ponder table an entity with the same fields and mapped types, and nothing else", function () {
    const { shape, problems } = expectedShape(ponder);
    const diffs = [...problems, ...compareShapes(shape, subgraphShape(graphql))];
    expect(
      diffs,
      `schema drift (indexer/ponder.schema.ts vs subgraph/schema.graphql):\n${diffs.join("\n")}`,
    ).to.deep.equal([]);
    expect(Object.keys(shape.entities)).to.have.length.greaterThan(20);
  });

  describe("the comparison", function () {
    const expected = () => expectedShape(ponder).shape;

    it("reports a missing field, a retyped field, a nullability change and an extra field", function () {
      const drifted = graphql
        .replace(/\n\s*"[^"\n]*"\n(\s*)escrowHeld: BigInt!/, "\n$1escrowHeld: BigInt!") // description only: free
        .replace(/(type Task @entity[^{]*\{[\s\S]*?)\n\s*inputCid: String!/, "$1") // Task.inputCid removed
        .replace(/(type Account @entity[^{]*\{[\s\S]*?)balance: BigInt!/, "$1balance: Int!") // retyped
        .replace(/(type Vote @entity[^{]*\{[\s\S]*?)reason: String!/, "$1reason: String") // nullable
        .replace(/(type Circuit @entity[^{]*\{)/, "$1\n  extra: Boolean"); // not in Ponder
      expect(compareShapes(expected(), subgraphShape(drifted))).to.deep.equal([
        "Account.balance: schema.graphql has Int!, Ponder maps to BigInt!",
        "Circuit.extra: not in Ponder's table",
        "Task.inputCid: missing from schema.graphql (Ponder: String!)",
        "Vote.reason: schema.graphql has String, Ponder maps to String!",
      ]);
    });

    it("reports a missing entity and an entity without a Ponder table, but allows the bookkeeping ones", function () {
      const drifted = graphql.replace(/type Dispute @entity/, "type Disputes @entity");
      expect(compareShapes(expected(), subgraphShape(drifted))).to.deep.equal([
        "entity Dispute missing from schema.graphql",
        "entity Disputes: no Ponder table",
      ]);
      expect(subgraphShape(graphql).entities).to.have.property("SubgraphState");
    });

    it("ignores descriptions and @entity arguments", function () {
      const restyled = graphql
        .replace(/"""[\s\S]*?"""\n/g, "")
        .replace(/immutable: true/g, "immutable: false");
      expect(compareShapes(expected(), subgraphShape(restyled))).to.deep.equal([]);
    });

    it("reads a drifted copy of ponder.schema.ts through Ponder's loader and reports every difference", function () {
      // The copy lives in the repository (git-ignored) so that it resolves `ponder` like the original.
      const dir = fs.mkdtempSync(path.join(ROOT, "subgraph", ".drift-"));
      try {
        const source = fs
          .readFileSync(PONDER_SCHEMA, "utf8")
          .replace("claiHolders: t.integer().notNull(),", "claiHolders: t.bigint().notNull(),")
          .replace(
            "metadataURI: t.text().notNull(),",
            "metadataURI: t.text().notNull(),\n    region: t.text(),",
          )
          .concat(
            '\nexport const audit = onchainTable("audit", (t) => ({ id: t.text().primaryKey(), note: t.json() }));\n',
            'export const pair = onchainTable("pair", (t) => ({ a: t.integer().notNull(), b: t.integer().notNull() }), ' +
              "(table) => ({ pk: primaryKey({ columns: [table.a, table.b] }) }));\n",
          )
          .replace(/import \{ ([^}]*) \} from "ponder";/, 'import { $1, primaryKey } from "ponder";');
        const file = path.join(dir, "ponder.schema.ts");
        fs.writeFileSync(file, source);
        expect(schemaDrift(file, SUBGRAPH_SCHEMA)).to.deep.equal([
          "Audit.note: column type PgJson has no subgraph scalar",
          "Pair: composite primary key (use an id column)",
          "Pair: primary key is not a column named id",
          "entity Audit missing from schema.graphql",
          "entity Pair missing from schema.graphql",
          "Protocol.claiHolders: schema.graphql has Int!, Ponder maps to BigInt!",
          "Provider.region: missing from schema.graphql (Ponder: String)",
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
