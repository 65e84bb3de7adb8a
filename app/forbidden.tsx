// The 403 page for signed-in people who lack the role a page needs.
import Link from "next/link";

export default function Forbidden() {
  return (
    <div data-testid="forbidden" className="mx-auto max-w-md space-y-3 py-16 text-center">
      <h1 className="text-2xl font-semibold">403 · Not allowed</h1>
      <p className="text-slate-600 dark:text-slate-400">Your role does not give access to this page.</p>
      <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">Back to your home page</Link>
    </div>
  );
}
