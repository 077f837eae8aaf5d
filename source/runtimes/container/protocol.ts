/** The frames spoken with nebula-watchdog (watchdog/watchdog.c has the layout). */

export const READY = Buffer.from('NBW2');
const REQUEST_MAGIC = 'NBQ2';
const RESPONSE_MAGIC = 'NBR1';
const RESPONSE_HEAD = 24;

export const RESPONSE_KINDS = [
  'exited',
  'signaled',
  'timeout',
  'spawn-failed',
  'output-limit',
] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

export interface WatchdogResponse {
  kind: ResponseKind;
  /** Exit status, signal number, or errno, depending on kind. */
  code: number;
  /** Processes the kernel's OOM killer ended in the container during the request. */
  oomKills: number;
  stdout: Buffer;
  stderr: Buffer;
}

const u32 = (value: number) => Math.max(0, Math.min(Math.round(value), 0xffffffff));

/** The watchdog kills the function once stdout and stderr together pass outputLimit bytes. */
export function encodeRequest(input: Buffer, timeoutMs: number, outputLimit: number): Buffer {
  const head = Buffer.alloc(16);
  head.write(REQUEST_MAGIC, 0, 'latin1');
  head.writeUInt32BE(Math.max(1, u32(timeoutMs)), 4);
  head.writeUInt32BE(u32(outputLimit), 8);
  head.writeUInt32BE(input.length, 12);
  return Buffer.concat([head, input]);
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** A response announced more output than the invocation may keep (its outputLimitBytes). */
export class OutputOverLimitError extends ProtocolError {
  override name = 'OutputOverLimitError';
}

/**
 * Collects the watchdog's stdout and cuts it into the ready mark and responses. A response
 * whose head announces more than `outputLimit` bytes of output is refused before its body
 * is buffered.
 */
export class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ready = false;

  constructor(private readonly outputLimit = Number.POSITIVE_INFINITY) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
  }

  /** True once the watchdog said it is ready (consumes the mark). */
  takeReady(): boolean {
    if (this.ready) return true;
    if (this.buffer.length < READY.length) return false;
    if (!this.buffer.subarray(0, READY.length).equals(READY)) {
      throw new ProtocolError(
        `the watchdog did not start as expected (got ${JSON.stringify(this.buffer.subarray(0, 32).toString('latin1'))})`,
      );
    }
    this.buffer = this.buffer.subarray(READY.length);
    this.ready = true;
    return true;
  }

  /** The next complete response, or null until more bytes arrive. */
  take(): WatchdogResponse | null {
    if (this.buffer.length < RESPONSE_HEAD) return null;
    if (this.buffer.toString('latin1', 0, 4) !== RESPONSE_MAGIC) {
      throw new ProtocolError('the watchdog sent a malformed response');
    }
    const kindIndex = this.buffer.readUInt32BE(4);
    const outLen = this.buffer.readUInt32BE(16);
    const errLen = this.buffer.readUInt32BE(20);
    if (outLen + errLen > this.outputLimit) {
      throw new OutputOverLimitError(
        `the function wrote ${outLen + errLen} bytes, over its limit of ${this.outputLimit}`,
      );
    }
    const total = RESPONSE_HEAD + outLen + errLen;
    if (this.buffer.length < total) return null;
    const kind = RESPONSE_KINDS[kindIndex];
    if (!kind) throw new ProtocolError(`the watchdog sent an unknown response kind ${kindIndex}`);
    const response: WatchdogResponse = {
      kind,
      code: this.buffer.readInt32BE(8),
      oomKills: this.buffer.readUInt32BE(12),
      stdout: Buffer.from(this.buffer.subarray(RESPONSE_HEAD, RESPONSE_HEAD + outLen)),
      stderr: Buffer.from(this.buffer.subarray(RESPONSE_HEAD + outLen, total)),
    };
    this.buffer = this.buffer.subarray(total);
    return response;
  }
}
