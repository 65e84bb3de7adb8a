// First-run page: exists only while there are no users.
import { notFound } from "next/navigation";
import { needsSetup } from "@/lib/auth/accounts";
import { Card } from "@/app/_components/form";
import { SetupForm } from "./setup-form";

export default async function SetupPage() {
  if (!(await needsSetup())) notFound();
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Set up Tuneloop</h1>
      <p className="text-slate-600 dark:text-slate-400">Create the first admin account. This page disappears once it exists.</p>
      <Card>
        <SetupForm />
      </Card>
    </div>
  );
}
