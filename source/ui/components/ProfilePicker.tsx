import { Box, Text } from '#ui-vendor';
import { useCommands } from '../hooks/use-commands.js';
import { useTheme } from '../theme-context.js';

/** The profiles/ folder as a list; Enter switches, Escape keeps the current one. */
export function ProfilePicker(props: {
  choices: string[];
  current: string;
  index: number;
  onMove: (delta: number) => void;
  /** Chooses the highlighted profile (the newest, if keys moved it within one chunk). */
  onChoose: () => void;
  onCancel: () => void;
}) {
  const theme = useTheme();
  useCommands(
    'profiles',
    (command) => {
      if (command === 'up') props.onMove(-1);
      else if (command === 'down') props.onMove(1);
      else if (command === 'close') props.onCancel();
      else if (command === 'confirm') props.onChoose();
    },
    true,
  );
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.accent}>
        Switch profile (Enter chooses, Esc cancels)
      </Text>
      {props.choices.length === 0 ? <Text color={theme.muted}>no profiles found</Text> : null}
      {props.choices.map((name, i) => (
        <Text key={name} bold={i === props.index}>
          {i === props.index ? '> ' : '  '}
          {name}
          {name === props.current ? ' (current)' : ''}
        </Text>
      ))}
    </Box>
  );
}
