/**
 * Which machine drives a measurement session (docs/GATEWAY.md): `target`, the machine that
 * runs the functions (this one, or a gateway's, which then runs the whole experiment);
 * `client`, this machine driving a gateway's, each invocation one HTTP request while the
 * target reads its power.
 */
export const DRIVERS = ['target', 'client'] as const;
export type Driver = (typeof DRIVERS)[number];

/** Where each driver's timings are taken, as the experiment record says it. */
export const DRIVER_TIMING: Record<Driver, string> = {
  target:
    'all on the machine that runs the functions: phases by its runtimes; windows and readings on its monotonic clock; no network in any',
  client:
    "phases by the target's runtimes; block and idle windows and clientRoundTripMs on the driving machine's clock, so they include each invocation's HTTP round trip; readings taken on the target (targetAt), placed on the driver's clock by the offset in the clock-sync records",
};
