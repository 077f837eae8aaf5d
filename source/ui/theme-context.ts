import { createContext, useContext } from '#ui-vendor';
import { type Theme, themeFor } from './theme.js';

export const ThemeContext = createContext<Theme>(themeFor());

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
