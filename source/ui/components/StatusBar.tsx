import { basename } from 'node:path';
import { Box, memo, Text } from '#ui-vendor';
import type { ConsoleState, ServiceStatus, TargetView } from '../../console/state.js';
import { bytes } from '../format.js';
import { useTheme } from '../theme-context.js';

function Service({ name, status }: { name: string; status: ServiceStatus }) {
  const theme = useTheme();
  const color =
    status.state === 'up'
      ? theme.ok
      : status.state === 'down' || status.state === 'stale'
        ? theme.error
        : theme.muted;
  const state = status.state === 'none' ? '-' : status.state;
  return (
    <Text wrap="truncate-middle">
      {name} <Text color={color}>{state}</Text>
      {status.address && status.state !== 'none' ? ` ${status.address}` : ''}
    </Text>
  );
}

/** Which machine the functions run on; a gateway's with its address and whether it answers. */
function Target({ target }: { target: TargetView }) {
  const theme = useTheme();
  const host = target.host ?? '?';
  if (target.kind === 'local') return <Text wrap="truncate-end">on {host}</Text>;
  const color =
    target.state === 'up' ? theme.ok : target.state === 'down' ? theme.error : theme.muted;
  const state =
    target.state === 'up' ? 'reachable' : target.state === 'down' ? 'UNREACHABLE' : 'checking';
  const address = (target.url ?? '').replace(/^https?:\/\//, '');
  return (
    <Text wrap="truncate-middle">
      on {host} via {address} <Text color={color}>{state}</Text>
    </Text>
  );
}

type StatusProps = Pick<
  ConsoleState,
  'emulated' | 'target' | 'docker' | 'broker' | 'logPath' | 'runCost'
> & {
  profile: string;
  /** experimentEta's text: the bar is drawn again only when it changes. */
  eta: string | null;
};

/** While an experiment runs: the time it has left, once there is something to go by. */
export function experimentEta(experiment: ConsoleState['experiment']): string | null {
  const running = experiment?.phase === 'running' || experiment?.phase === 'baseline';
  return running ? (experiment.eta ?? null) : null;
}

/**
 * Profile, machine, Docker engine (this machine's), broker, a running experiment's ETA and
 * the session log (with its size and the console's resident memory while an experiment
 * runs) on one line; drawn again only when one of them changes.
 */
export const StatusBar = memo(function StatusBar(state: StatusProps) {
  const theme = useTheme();
  return (
    <Box width="100%" gap={1}>
      <Box flexShrink={0}>
        <Text bold color={theme.accent}>
          nebula
        </Text>
        <Text> {state.profile}</Text>
        {state.emulated ? (
          <Text bold color={theme.warn}>
            {' '}
            EMULATED
          </Text>
        ) : null}
      </Box>
      <Box flexShrink={1} flexGrow={1} gap={1} overflow="hidden">
        <Box flexShrink={state.target.kind === 'local' ? 0 : 1}>
          <Target target={state.target} />
        </Box>
        {state.target.kind === 'local' ? (
          <Box flexShrink={1}>
            <Service name="docker" status={state.docker} />
          </Box>
        ) : null}
        <Box flexShrink={0}>
          {/* A Modbus meter is polled directly: there is no broker, only the meter. */}
          <Service
            name={state.broker.address?.startsWith('modbus://') ? 'meter' : 'broker'}
            status={state.broker}
          />
        </Box>
        {state.eta ? (
          <Box flexShrink={0}>
            <Text color={theme.accent}>ETA {state.eta}</Text>
          </Box>
        ) : null}
        <Box flexShrink={2}>
          <Text wrap="truncate-start" color={theme.muted}>
            log {state.logPath ? basename(state.logPath) : '-'}
            {/* During a run: what it costs, kept at the end so it is the last to be cut. */}
            {state.runCost
              ? ` ${bytes(state.runCost.logBytes)} rss ${bytes(state.runCost.rssBytes)}`
              : ''}
          </Text>
        </Box>
      </Box>
    </Box>
  );
});
