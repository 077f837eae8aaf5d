import { Box, Text, useApp, useCallback, useMemo } from '#ui-vendor';
import type { ConsoleController } from '../console/controller.js';
import { laneName, paneSubject, panesView } from '../console/panes.js';
import { currentInput, selectedFunction, shownFunctions } from '../console/state.js';
import { mainCommand, overlayCommand, plansCommand } from './commands.js';
import { Footer } from './components/Footer.js';
import { FunctionTable } from './components/FunctionTable.js';
import { HelpOverlay, helpLines } from './components/HelpOverlay.js';
import { InputEditor } from './components/InputEditor.js';
import { LogOverlay } from './components/LogOverlay.js';
import { PlanPicker } from './components/PlanPicker.js';
import { PowerPanel } from './components/PowerPanel.js';
import { ProfilePicker } from './components/ProfilePicker.js';
import { ResultsOverlay, resultsLines } from './components/ResultsOverlay.js';
import { RuntimePane } from './components/RuntimePane.js';
import { scrollWindow, wrapLines } from './components/ScrollText.js';
import { experimentEta, StatusBar } from './components/StatusBar.js';
import { useCommands } from './hooks/use-commands.js';
import { useConsoleState } from './hooks/use-console.js';
import { useFilterKeys } from './hooks/use-filter-keys.js';
import { useRawModeHeld } from './hooks/use-raw-mode-held.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { layoutFor } from './layout.js';

/** The console: a thin shell that reads the store and routes keys to the controller. */
export function App({
  controller,
  repaint = () => undefined,
}: {
  controller: ConsoleController;
  /** Clears the terminal and writes every row again (Ctrl+L). */
  repaint?: () => void;
}) {
  // First, so its effect runs before any other key hook's and outlives them all.
  useRawModeHeld();
  const state = useConsoleState(controller.store);
  const { exit } = useApp();
  const size = useTerminalSize();
  const layout = layoutFor(size, state.functions.length);
  const quit = useCallback(() => {
    void controller.close().then(() => exit());
  }, [controller, exit]);
  const open = state.overlay;
  // The rows between the status bar and the footer: what an overlay has.
  const bodyHeight = Math.max(1, size.rows - 3);
  const scrollMax =
    open === 'help'
      ? scrollWindow(wrapLines(helpLines(), size.columns), 0, bodyHeight - 1).max
      : open === 'results'
        ? scrollWindow(wrapLines(resultsLines(state.results), size.columns), 0, bodyHeight - 1).max
        : 0;
  const actions = {
    quit,
    repaint,
    scroll: (delta: number) => controller.store.dispatch({ type: 'scroll', delta, max: scrollMax }),
  };
  useCommands(
    'main',
    (c) => mainCommand(controller, c, actions),
    open === 'none' && !state.quitting,
  );
  useCommands('help', (c) => overlayCommand(controller, c, actions), open === 'help');
  useCommands('log', (c) => overlayCommand(controller, c, actions), open === 'log');
  useCommands('results', (c) => overlayCommand(controller, c, actions), open === 'results');
  useCommands('plans', (c) => plansCommand(controller, c, actions), open === 'plans');
  useFilterKeys(controller.store, open === 'filter');

  const { series, selected, mode, inputs, functions, wasmRuntime, experiment } = state;
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed only when its inputs change
  const panes = useMemo(
    () => panesView(state, layout.bins),
    [series, selected, mode, inputs, functions, wasmRuntime, experiment, layout.bins],
  );
  // The selection, or the cell a plan file runs.
  const subject = paneSubject(state);
  const fn = selectedFunction(state);
  const { functions: allFunctions, filter } = state;
  const shown = useMemo(
    () => shownFunctions({ functions: allFunctions, filter }),
    [allFunctions, filter],
  );
  const input = currentInput(state);

  let body: React.ReactNode;
  if (state.quitting) {
    body = <Text>quitting: stopping warm containers and the power source, closing the log...</Text>;
  } else if (open === 'help') {
    body = <HelpOverlay height={bodyHeight} width={size.columns} offset={state.scroll} />;
  } else if (open === 'results') {
    body = (
      <ResultsOverlay
        results={state.results}
        height={bodyHeight}
        width={size.columns}
        offset={state.scroll}
      />
    );
  } else if (open === 'plans') {
    body = <PlanPicker picker={state.plans} height={bodyHeight} width={size.columns} />;
  } else if (open === 'log') {
    body = <LogOverlay state={state} height={bodyHeight} columns={size.columns} />;
  } else if (open === 'input') {
    body = (
      <InputEditor
        functionName={fn?.name ?? '-'}
        format={fn?.inputFormat ?? ''}
        draft={state.draft}
        onAppend={(text) => controller.store.dispatch({ type: 'draft-append', text })}
        onDelete={(count) => controller.store.dispatch({ type: 'draft-delete', count })}
        onApply={() => controller.applyInput()}
        onCancel={() => controller.store.dispatch({ type: 'close' })}
      />
    );
  } else if (open === 'profiles') {
    body = (
      <ProfilePicker
        choices={state.profile.choices}
        current={state.profile.name}
        index={state.pickerIndex}
        onMove={(delta) => controller.store.dispatch({ type: 'picker-move', delta })}
        onChoose={() => {
          // The store's newest state: "j" and Enter may come in one chunk, before a redraw.
          const { choices } = controller.state.profile;
          const name = choices[controller.state.pickerIndex];
          controller.store.dispatch({ type: 'close' });
          if (name) void controller.switchProfile(name);
        }}
        onCancel={() => controller.store.dispatch({ type: 'close' })}
      />
    );
  } else {
    body = (
      <>
        <FunctionTable
          functions={state.functions}
          shown={shown}
          filter={state.filter}
          filtering={open === 'filter'}
          selected={state.selected}
          wasmRuntime={state.wasmRuntime}
          columns={size.columns}
          visibleRows={layout.tableRows}
        />
        <Box gap={layout.gap}>
          {panes.panes.map((pane) => (
            <RuntimePane
              key={pane.runtime}
              pane={pane}
              bins={panes.bins}
              maxCount={panes.maxCount}
              width={layout.paneWidth}
              histogramHeight={layout.histogramHeight}
              title={`${laneName(subject.lanes[pane.runtime])}  ${subject.function ?? ''} ${subject.mode} ${JSON.stringify(subject.input)}`}
            />
          ))}
        </Box>
        <PowerPanel power={state.power} columns={size.columns} height={layout.powerHeight} />
      </>
    );
  }
  return (
    <Box flexDirection="column" width={size.columns}>
      <StatusBar
        profile={state.profile.name}
        emulated={state.emulated}
        target={state.target}
        docker={state.docker}
        broker={state.broker}
        logPath={state.logPath}
        runCost={state.runCost}
        eta={experimentEta(state.experiment)}
      />
      {body}
      <Footer
        mode={state.mode}
        input={input}
        experiment={state.experiment}
        busy={state.busy}
        message={state.message}
      />
    </Box>
  );
}
