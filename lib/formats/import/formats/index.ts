// The row formats by name.
import type { FormatName } from "../types";
import { alpacaFormat } from "./alpaca";
import { alpacaEvalJudgmentsFormat, alpacaEvalOutputsFormat } from "./alpaca-eval";
import { openAiChatFormat, trlFormat } from "./chat";
import { dollyFormat } from "./dolly";
import type { RowFormat } from "./fields";
import { hhRlhfFormat } from "./hh-rlhf";
import { oasstFormat } from "./oasst";
import { rankingFormat } from "./ranking";
import { selfInstructFormat } from "./self-instruct";
import { ultraFeedbackFormat } from "./ultrafeedback";

export const rowFormats: Record<FormatName, RowFormat> = {
  alpaca: alpacaFormat,
  dolly: dollyFormat,
  "self-instruct": selfInstructFormat,
  ranking: rankingFormat,
  "hh-rlhf": hhRlhfFormat,
  trl: trlFormat,
  "alpaca-eval-judgments": alpacaEvalJudgmentsFormat,
  "alpaca-eval-outputs": alpacaEvalOutputsFormat,
  "openai-chat": openAiChatFormat,
  oasst: oasstFormat,
  ultrafeedback: ultraFeedbackFormat,
};

export type { RowFormat };
