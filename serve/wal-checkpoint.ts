// The prediction log's own WAL checkpoints and syncs, so that neither runs inside a commit on the writer's path.
// SQLite's defaults would checkpoint inside the commit that takes the WAL past 1,000 pages (copying every page back
// into the database file: milliseconds) and, with `synchronous = NORMAL`, fsync there too (milliseconds more, on a
// busy disk tens): on the event loop that is a stall of every request in flight. The writer therefore runs with
// `wal_autocheckpoint = 0` and `synchronous = OFF` and calls `checkpoint` on a timer, between its writes: the WAL is
// synced (on libuv's pool, off the loop), the checkpoint copies it into the database (PASSIVE: it never waits for a
// reader), then the database file is synced (on the pool again) before any further write may restart the WAL. That
// is the durability of `synchronous = NORMAL` in WAL mode: a commit is not synced, so a power loss (not a crash of
// the server) loses the commits since the last checkpoint, and cannot corrupt the database.
import { type FileHandle, open } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";

export class WalCheckpointer {
  private wal: FileHandle | undefined;
  private database: FileHandle | undefined;

  constructor(
    private readonly db: DatabaseSync,
    private readonly file: string,
  ) {}

  /** Syncs the WAL, copies it into the database, syncs the database. Throws what the file system throws. */
  async checkpoint(): Promise<void> {
    this.wal ??= await open(`${this.file}-wal`, "r");
    this.database ??= await open(this.file, "r");
    await this.wal.sync();
    this.db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    await this.database.sync();
  }

  /** Closes the files it synced (before the database is closed: closing removes the WAL). */
  async close(): Promise<void> {
    const files = [this.wal, this.database];
    this.wal = undefined;
    this.database = undefined;
    await Promise.all(files.map((file) => file?.close()));
  }
}
