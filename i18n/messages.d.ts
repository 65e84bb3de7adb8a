// next-intl's message keys are typed from the English catalog: a t("key") that en.json lacks is a tsc error.
import type en from "../messages/en.json";

declare module "next-intl" {
  interface AppConfig {
    Messages: typeof en;
  }
}
