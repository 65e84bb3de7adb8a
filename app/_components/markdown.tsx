// Untrusted markdown (model outputs, guidelines, annotators' text) rendered sanitized, with GitHub tables and highlighted code blocks.
import type { ComponentProps } from "react";
import ReactMarkdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import "highlight.js/styles/github.css";
import "./markdown.css";

// Sanitize first (the default schema keeps `language-*` on code), then highlight: the spans it adds are its own.
const rehypePlugins = [rehypeSanitize, rehypeHighlight];
// GitHub's tables, strikethrough, task lists and autolinks; what they produce passes through the sanitizer like the rest.
const remarkPlugins = [remarkGfm];

/** An image becomes a link: rendering it would fetch from any host an author names (a tracking pixel on every annotator's screen). */
function ImageAsLink({ src, alt }: ComponentProps<"img">) {
  const label = `[image${alt ? `: ${alt}` : ""}]`;
  if (typeof src !== "string" || !src) return <span>{label}</span>;
  return (
    <a href={src} target="_blank" rel="noopener noreferrer nofollow">
      {label}
    </a>
  );
}

const components = { img: ImageAsLink };

export function Markdown({ children, className = "", testId }: { children: string; className?: string; testId?: string }) {
  return (
    <div className={`md ${className}`} data-testid={testId}>
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
}
