/**
 * Colours in one place. With NO_COLOR set (https://no-color.org) every colour is dropped;
 * nothing on screen depends on colour alone (markers, words and symbols carry the meaning).
 */
export interface Theme {
  accent: string | undefined;
  ok: string | undefined;
  error: string | undefined;
  warn: string | undefined;
  muted: string | undefined;
  wasm: string | undefined;
  container: string | undefined;
}

const COLORS: Theme = {
  accent: 'cyan',
  ok: 'green',
  error: 'red',
  warn: 'yellow',
  muted: 'gray',
  wasm: 'magenta',
  container: 'blue',
};

const NONE: Theme = {
  accent: undefined,
  ok: undefined,
  error: undefined,
  warn: undefined,
  muted: undefined,
  wasm: undefined,
  container: undefined,
};

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? NONE : COLORS;
}
