// The reviewer's pages: the message namespaces their client components use reach the browser, and no others (lib/i18n/client-namespaces).
import { IntlScope } from "@/app/_components/intl-scope";

export default function Layout({ children }: { children: React.ReactNode }) {
  return <IntlScope area="review">{children}</IntlScope>;
}
