// "Import a model": an admin names a Hugging Face folder on the server (and optionally a name); errors by the field.
"use client";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import { importModel } from "./actions";

export function ImportModelForm() {
  const router = useRouter();
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => importModel({ path: formText(form, "path"), name: formText(form, "name") }),
    () => router.refresh(),
  );
  return (
    <form className="space-y-3" data-testid="import-model-form" onSubmit={(e) => void onSubmit(e)}>
      <div className="grid gap-4 sm:grid-cols-3">
        <div className="sm:col-span-2">
          <Field label="Folder on the server" name="path" placeholder="/srv/models/SmolLM2-135M-Instruct" error={fieldErrors.path} required />
        </div>
        <Field label="Name (optional: the folder's name)" name="name" placeholder="SmolLM2-135M-Instruct" error={fieldErrors.name} />
      </div>
      <p className="text-xs text-slate-500">
        A Hugging Face model folder downloaded by hand: config.json, model.safetensors (or its shards with the index), tokenizer.json and tokenizer_config.json. GPT-2, Llama, Qwen2 and Mistral
        models import; nothing is fetched from the network.
      </p>
      <FormError message={error} />
      <SubmitButton pending={pending} testId="import-model-submit">
        Import
      </SubmitButton>
    </form>
  );
}
