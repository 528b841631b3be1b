// Inserts rows into one SQLite table many at a time: `INSERT … VALUES (…), (…), …` with up to MAX_CHUNK rows per
// statement. Each statement run crosses into SQLite once, so the per-call cost (binding through node:sqlite, parsing
// nothing but still stepping a statement) is paid per chunk rather than per row: for the features table (two
// indexes, one row per predicted row) 1.9 against 3.1 µs of CPU per row in a standalone test of 300,000 rows.
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

/** Rows per statement; 64 rows × a handful of columns stays far below SQLite's limit on bound parameters. */
const MAX_CHUNK = 64;

export class ChunkedInsert {
  /** statements[k] inserts 2^k rows; prepared on first use. */
  private readonly statements: (StatementSync | undefined)[] = [];
  private readonly pending: SQLInputValue[] = [];
  private readonly width: number;

  /**
   * `placeholders`: each column's SQL for its bound value (default `?`), e.g. `CAST(? AS TEXT)` to store UTF-8 bytes
   * bound as a Uint8Array as text, without decoding them into a JavaScript string first.
   */
  constructor(
    private readonly db: DatabaseSync,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly placeholders: readonly string[] = columns.map(() => "?"),
  ) {
    this.width = columns.length;
  }

  /** Queues one row (its values in `columns` order); written at the latest by `flush`. */
  add(...values: SQLInputValue[]): void {
    for (const value of values) this.pending.push(value);
    if (this.pending.length === MAX_CHUNK * this.width) this.writeChunk(MAX_CHUNK, 0);
  }

  /** Writes every queued row: in chunks of powers of two (at most log2(MAX_CHUNK) + 1 statements). */
  flush(): void {
    let offset = 0;
    let rows = this.pending.length / this.width;
    for (let size = MAX_CHUNK; rows > 0; size >>= 1) {
      while (rows >= size) {
        this.writeChunk(size, offset);
        offset += size * this.width;
        rows -= size;
      }
    }
    this.pending.length = 0;
  }

  /** Drops queued rows without writing them (the transaction they belonged to failed). */
  discard(): void {
    this.pending.length = 0;
  }

  private writeChunk(size: number, offset: number): void {
    const k = Math.log2(size);
    let statement = this.statements[k];
    if (!statement) {
      const row = `(${this.placeholders.join(", ")})`;
      statement = this.db.prepare(
        `INSERT INTO ${this.table} (${this.columns.join(", ")}) VALUES ${Array(size).fill(row).join(", ")}`,
      );
      this.statements[k] = statement;
    }
    const values =
      offset === 0 && this.pending.length === size * this.width
        ? this.pending
        : this.pending.slice(offset, offset + size * this.width);
    statement.run(...values);
    if (values === this.pending) this.pending.length = 0;
  }
}
