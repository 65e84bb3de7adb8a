// Untrusted markdown (model outputs, guidelines, annotators' text) rendered sanitized, with highlighted code blocks.
import ReactMarkdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeSanitize from "rehype-sanitize";
import "highlight.js/styles/github.css";
import "./markdown.css";

// Sanitize first (the default schema keeps `language-*` on code), then highlight: the spans it adds are its own.
const rehypePlugins = [rehypeSanitize, rehypeHighlight];

export function Markdown({ children, className = "", testId }: { children: string; className?: string; testId?: string }) {
  return (
    <div className={`md ${className}`} data-testid={testId}>
      <ReactMarkdown rehypePlugins={rehypePlugins}>{children}</ReactMarkdown>
    </div>
  );
}
