"use client";
import { useEffect, useState } from "react";
import { nextTheme, parseTheme, THEME_KEY, type Theme } from "@/lib/theme";

const LABEL: Record<Theme, string> = { system: "◐ System", light: "☀ Light", dark: "☾ Dark" };

const apply = (theme: Theme) => {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
};

/** Light, dark or the system's setting; the choice survives reloads (localStorage) and is applied before paint by layout.tsx. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => setTheme(parseTheme(window.localStorage.getItem(THEME_KEY))), []);
  const choose = () => {
    const next = nextTheme(theme);
    setTheme(next);
    apply(next);
    try {
      window.localStorage.setItem(THEME_KEY, next);
    } catch {
      // storage blocked: the choice lasts for this page
    }
  };
  return (
    <button type="button" className="theme-toggle" onClick={choose} data-testid="theme-toggle" title={`Theme: ${theme} (click for ${nextTheme(theme)})`} aria-label={`Theme: ${theme}`}>
      {LABEL[theme]}
    </button>
  );
}
