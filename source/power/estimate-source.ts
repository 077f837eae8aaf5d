import { CpuMeter, modelWatts } from './cpu.js';
import { PowerSource } from './source.js';

export interface EstimateOptions {
  idleWatts: number;
  fullWatts: number;
  periodMs?: number;
  /** For tests: the text of /proc/stat. */
  readProcStat?: () => string;
}

/** Not a measurement: power modelled from CPU utilisation, labelled "estimate" everywhere. */
export class EstimatePowerSource extends PowerSource {
  readonly kind = 'estimate';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EstimateOptions) {
    super('estimate', options.periodMs ?? 1000);
  }

  protected async open(): Promise<void> {
    const meter = new CpuMeter(this.options.readProcStat);
    this.setState('up');
    this.timer = setInterval(() => {
      try {
        this.accept(modelWatts(meter.next(), this.options), null);
      } catch (error) {
        this.reject(`cannot read CPU utilisation: ${(error as Error).message}`);
      }
    }, this.expectedPeriodMs);
  }

  protected async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
