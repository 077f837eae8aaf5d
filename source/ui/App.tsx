import { Box, Text, useApp, useCallback, useMemo } from '#ui-vendor';
import type { ConsoleController } from '../console/controller.js';
import { panesView } from '../console/panes.js';
import { currentInput, selectedFunction } from '../console/state.js';
import { mainCommand, overlayCommand } from './commands.js';
import { Footer } from './components/Footer.js';
import { FunctionTable } from './components/FunctionTable.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { InputEditor } from './components/InputEditor.js';
import { LogOverlay } from './components/LogOverlay.js';
import { PowerPanel } from './components/PowerPanel.js';
import { ProfilePicker } from './components/ProfilePicker.js';
import { RuntimePane } from './components/RuntimePane.js';
import { StatusBar } from './components/StatusBar.js';
import { useCommands } from './hooks/use-commands.js';
import { useConsoleState } from './hooks/use-console.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { layoutFor } from './layout.js';

/** The console: a thin shell that reads the store and routes keys to the controller. */
export function App({ controller }: { controller: ConsoleController }) {
  const state = useConsoleState(controller.store);
  const { exit } = useApp();
  const size = useTerminalSize();
  const layout = layoutFor(size, state.functions.length);
  const quit = useCallback(() => {
    void controller.close().then(() => exit());
  }, [controller, exit]);
  const open = state.overlay;
  useCommands('main', (c) => mainCommand(controller, c, quit), open === 'none' && !state.quitting);
  useCommands('help', (c) => overlayCommand(controller, c, quit), open === 'help');
  useCommands('log', (c) => overlayCommand(controller, c, quit), open === 'log');

  const { series, selected, mode, inputs, functions } = state;
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed only when its inputs change
  const panes = useMemo(
    () => panesView(state, layout.bins),
    [series, selected, mode, inputs, functions, layout.bins],
  );
  const fn = selectedFunction(state);
  const input = currentInput(state);

  let body: React.ReactNode;
  if (state.quitting) {
    body = <Text>quitting: stopping warm containers and the power source, closing the log...</Text>;
  } else if (open === 'help') {
    body = <HelpOverlay />;
  } else if (open === 'log') {
    body = <LogOverlay state={state} rows={size.rows - 8} />;
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
        onChoose={(name) => {
          controller.store.dispatch({ type: 'close' });
          void controller.switchProfile(name);
        }}
        onCancel={() => controller.store.dispatch({ type: 'close' })}
      />
    );
  } else {
    body = (
      <>
        <FunctionTable
          functions={state.functions}
          selected={state.selected}
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
              title={`${pane.runtime === 'wasm' ? 'wasm (component)' : 'container'}  ${fn?.name ?? ''} ${mode} ${JSON.stringify(input)}`}
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
