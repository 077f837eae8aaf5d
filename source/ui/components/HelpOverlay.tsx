import { Box, Text } from '#ui-vendor';
import { type Binding, KEYMAP, keysLabel } from '../keymap.js';
import { useTheme } from '../theme-context.js';

/** Drawn from the keymap itself, so every command is listed with its keys. */
export function HelpOverlay({ keymap = KEYMAP }: { keymap?: readonly Binding[] }) {
  const theme = useTheme();
  const categories = [...new Set(keymap.map((binding) => binding.category))];
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold color={theme.accent}>
        Keys (Esc closes)
      </Text>
      {categories.map((category) => (
        <Box key={category} flexDirection="column">
          <Text bold>{category}</Text>
          {keymap
            .filter((binding) => binding.category === category)
            .map((binding) => (
              <Text key={binding.command} wrap="truncate">
                {'  '}
                {keysLabel(binding).padEnd(10)} {binding.description}
              </Text>
            ))}
        </Box>
      ))}
    </Box>
  );
}
