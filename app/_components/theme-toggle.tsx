// Light/dark switch; the choice is kept in localStorage.
"use client";
import { useTranslations } from "next-intl";

export function ThemeToggle() {
  const t = useTranslations("nav");
  return (
    <button
      type="button"
      aria-label={t("toggleDark")}

      data-testid="theme-toggle"
      className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
      onClick={() => {
        const dark = document.documentElement.classList.toggle("dark");
        localStorage.setItem("theme", dark ? "dark" : "light");
      }}
    >
      ◐
    </button>
  );
}
