/**
 * ink-testing-library's render, for the tests. `npm run build` bundles this file with its
 * `ink` import pointed at the console's vendor bundle (scripts/bundle-ui.mjs): the tests then
 * render with the same Ink and React as the components they test, as hooks and contexts need.
 */
export { render } from 'ink-testing-library';
