// A worker thread's message channel without the thread: lets code written for a worker (it talks over a port,
// `postMessage` and `on("message")`, and ends by calling `exit`) run on the event loop instead, behind the same
// `WorkerThread` surface the main side already uses (./worker-thread.ts). Why: every worker thread is a V8 isolate
// of its own (≈ 30–50 MB resident under load), which the prediction log's writer does not need when there is no
// inference thread to share (serve/README.md, memory).
// Messages are delivered in order, each on a later turn of the loop (setImmediate, as a port delivers them
// asynchronously too), and are not copied: what is posted (and "transferred") must not be used by the sender again,
// which is what a transfer promises anyway.
import type { Transferable } from "node:worker_threads";
import type { Attached } from "./thread-host-protocol.js";
import type { WorkerThread } from "./worker-thread.js";

/** What a piece of work sees of its channel: a MessagePort satisfies it, and so does the loop's. */
export interface MessageEndpoint<In = unknown> {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: "message", listener: (message: In) => void): unknown;
}

/** Starts a piece of work: it talks over `port` and calls `exit` when it ends by itself. */
export type StartWork = (port: MessageEndpoint<never>, exit: (code: number) => void) => Attached;

class LoopEnd implements MessageEndpoint {
  peer: LoopEnd | undefined;
  closed = false;
  private readonly listeners: ((message: unknown) => void)[] = [];

  postMessage(message: unknown): void {
    const peer = this.peer;
    if (this.closed || !peer) return;
    setImmediate(() => peer.deliver(message));
  }

  on(_event: "message", listener: (message: never) => void): this {
    this.listeners.push(listener as (message: unknown) => void);
    return this;
  }

  private deliver(message: unknown): void {
    if (this.closed) return;
    for (const listener of this.listeners) listener(message);
  }
}

/** Two connected ends: what one posts, the other receives. */
export function loopChannel(): [
  MessageEndpoint & { closed: boolean },
  MessageEndpoint & { closed: boolean },
] {
  const one = new LoopEnd();
  const two = new LoopEnd();
  one.peer = two;
  two.peer = one;
  return [one, two];
}

class LoopWorker<Reply> implements WorkerThread<Reply> {
  private readonly mine: LoopEnd;
  private readonly theirs: LoopEnd;
  private attached: Attached | undefined;
  private exitCode: number | undefined;
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private readonly exitListeners: ((code: number) => void)[] = [];

  constructor(start: StartWork) {
    const [mine, theirs] = loopChannel() as [LoopEnd, LoopEnd];
    this.mine = mine;
    this.theirs = theirs;
    // Started on the next turn, as a thread would be: the caller attaches its listeners first.
    setImmediate(() => {
      if (this.exitCode !== undefined) return;
      try {
        this.attached = start(theirs, (code) => this.exitLater(code));
      } catch (error) {
        for (const listener of this.errorListeners) listener(error as Error);
        this.exitLater(1);
      }
    });
  }

  on(event: "message", listener: (message: Reply) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  on(event: "message" | "error" | "exit", listener: (value: never) => void): void {
    if (event === "message") this.mine.on("message", listener);
    else if (event === "error") this.errorListeners.push(listener as (error: Error) => void);
    else this.exitListeners.push(listener as (code: number) => void);
  }

  postMessage(message: unknown): void {
    this.mine.postMessage(message);
  }

  /** After the replies already posted (the same order a thread host keeps: ./thread-host.ts). */
  private exitLater(code: number): void {
    setImmediate(() => this.exited(code));
  }

  private exited(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.theirs.closed = true;
    this.mine.closed = true;
    void this.attached?.dispose();
    for (const listener of this.exitListeners) listener(code);
  }

  terminate(): Promise<void> {
    if (this.exitCode !== undefined) return Promise.resolve();
    return new Promise((resolveExit) => {
      this.exitListeners.push(() => resolveExit());
      this.exitLater(0);
    });
  }
}

/** Runs `start`'s work on the event loop, seen from the caller as a worker thread. */
export function startOnLoop<Reply>(start: StartWork): WorkerThread<Reply> {
  return new LoopWorker<Reply>(start);
}
