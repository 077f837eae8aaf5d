/** A power source that is up and reads only what the test sends it. */
import { PowerSource } from '../../source/power/source.js';

export class ScriptedSource extends PowerSource {
  readonly kind = 'estimate';

  /**
   * `firstWatts`: a reading as the source comes up, as a real one gives. The period is long:
   * the source must not go stale during a test.
   */
  constructor(private readonly firstWatts: number | null = null) {
    super('scripted', 3_600_000);
  }

  send(watts: number): void {
    this.accept(watts, null);
  }

  protected async open(): Promise<void> {
    this.setState('up');
    if (this.firstWatts !== null) this.accept(this.firstWatts, null);
  }

  protected async close(): Promise<void> {}
}
