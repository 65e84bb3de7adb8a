// GET /api/openai/v1/models: every ready model version as `<project>/<label>`, plus `<project>/active` (OpenAI's list shape).
import { listServedModels } from "@/lib/openai/serve";
import { defineOpenAIRoute } from "@/lib/openai/route";

export const GET = defineOpenAIRoute({ role: "reviewer" }, async ({ actor }) => ({ object: "list", data: await listServedModels(actor) }));
