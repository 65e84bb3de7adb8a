// The 404 page.
import Link from "next/link";
import { useTranslations } from "next-intl";

export default function NotFound() {
  const t = useTranslations("errors");
  return (
    <div data-testid="not-found" className="mx-auto max-w-md space-y-3 py-16 text-center">
      <h1 className="text-2xl font-semibold">{t("notFound")}</h1>
      <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">
        {t("home")}
      </Link>
    </div>
  );
}
