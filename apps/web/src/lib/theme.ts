/** The theme a person chose with the toggle; "system" follows prefers-color-scheme. Kept in localStorage. */
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_KEY = "headroom-theme";

export const parseTheme = (value: string | null | undefined): Theme => (THEMES as readonly string[]).includes(value ?? "") ? (value as Theme) : "system";

/** The toggle's next choice: system → light → dark → system. */
export const nextTheme = (theme: Theme): Theme => THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!;

/**
 * Runs in <head> before the first paint (no flash of the wrong theme): an explicit choice becomes
 * data-theme on <html>; "system" leaves it off and the CSS media query decides.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;
