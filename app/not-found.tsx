// The 404 page.
import Link from "next/link";

export default function NotFound() {
  return (
    <div data-testid="not-found" className="mx-auto max-w-md space-y-3 py-16 text-center">
      <h1 className="text-2xl font-semibold">404 · Not found</h1>
      <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">Home</Link>
    </div>
  );
}
