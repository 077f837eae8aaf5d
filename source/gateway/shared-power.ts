/**
 * The gateway's one power source, shared by every reader (GET /power streams and experiments):
 * started when the first reader comes, stopped when the last goes, so an experiment never
 * stops the readings a console is watching, and nothing polls when nobody reads.
 */
import type { PowerSource } from '../power/source.js';
import type { PowerDescription } from '../protocol/gateway.js';

export class SharedPower {
  private readers = 0;

  constructor(readonly source: PowerSource) {}

  describe(): PowerDescription {
    const { label, kind, simulated, expectedPeriodMs } = this.source;
    return { label, kind, simulated, expectedPeriodMs };
  }

  /** Starts the source for one more reader; the returned function lets go (once). */
  acquire(): () => void {
    this.readers++;
    if (this.readers === 1) {
      // A source that cannot start says so on its status; readers see it there.
      this.source.start().catch(() => undefined);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.readers--;
      if (this.readers === 0) void this.source.stop().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.readers = 0;
    await this.source.stop().catch(() => undefined);
  }
}
