/**
 * Every third-party module the console's UI uses, in one place. `npm run build` replaces the
 * compiled form of this file with a single esbuild bundle of them (scripts/bundle-ui.mjs):
 * Node then loads one file instead of Ink's hundreds of small modules, which took most of the
 * start-up. The UI imports these through "#ui-vendor" (package.json "imports"), and so does
 * its JSX (tsconfig jsxImportSource), so the app and the tests share one React and one Ink.
 */
export { Table } from '@alcalzone/ink-table';
export { default as asciichart } from 'asciichart';
export type { Key } from 'ink';
export { Box, render, Text, useApp, useInput, useStdin, useStdout } from 'ink';
export type { PropsWithChildren, ReactNode } from 'react';
export {
  createContext,
  createElement,
  Fragment,
  memo,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
export type { JSX } from 'react/jsx-runtime';
export { jsx, jsxs } from 'react/jsx-runtime';
// The same measure of a line's cells that Ink lays out with (screen.ts fits lines by it).
export { default as sliceAnsi } from 'slice-ansi';
export { default as stringWidth } from 'string-width';
