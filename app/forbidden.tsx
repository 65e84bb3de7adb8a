// The 403 page for signed-in people who lack the role a page needs.
import Link from "next/link";
import { useTranslations } from "next-intl";

export default function Forbidden() {
  const t = useTranslations("errors");
  return (
    <div data-testid="forbidden" className="mx-auto max-w-md space-y-3 py-16 text-center">
      <h1 className="text-2xl font-semibold">{t("forbidden")}</h1>
      <p className="text-slate-600 dark:text-slate-400">{t("forbiddenText")}</p>
      <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">
        {t("backHome")}
      </Link>
    </div>
  );
}
