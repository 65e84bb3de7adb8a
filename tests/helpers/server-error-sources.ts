// The English messages a source file can put in front of a person: string and template literals in message positions
// (an AppError's message and field errors, zod's message/error options and check messages, addIssue messages, the
// labels handed to the files' message helpers and, where asked, returned literals), each ${…} turned into a hole.
import fs from "node:fs";
import ts from "typescript";

/** A message as written: literal text with `hole` where the source interpolates. */
export type SourceMessage = { file: string; line: number; text: string };

export const HOLE = "\u{E000}";

/** zod checks whose last argument is the message when it is a string. */
const checkMethods = new Set(["min", "max", "gt", "gte", "lt", "lte", "int", "positive", "nonnegative", "negative", "regex", "refine", "length", "uuid", "email", "url", "nonempty"]);
/** Helpers in the covered files whose first argument is a field label that appears inside a message. */
const labelHelpers = new Set(["intRange", "fraction", "numberField", "flagInput", "name", "choices", "turnText", "tooLongMessage", "num", "int", "bad", "n"]);

function spanTexts(node: ts.Expression): string[] {
  if (ts.isParenthesizedExpression(node)) return spanTexts(node.expression);
  if (ts.isConditionalExpression(node)) return [...spanTexts(node.whenTrue), ...spanTexts(node.whenFalse)];
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) ? literalTexts(node)! : [HOLE];
}

function literalTexts(node: ts.Node): string[] | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  // A span that picks between literals (`${ready ? "x" : "y"}`) gives one message each; any other span is a hole.
  if (ts.isTemplateExpression(node))
    return node.templateSpans.reduce((heads, s) => heads.flatMap((h) => spanTexts(s.expression).map((t) => h + t + s.literal.text)), [node.head.text]);
  if (ts.isConditionalExpression(node)) {
    const a = literalTexts(node.whenTrue);
    const b = literalTexts(node.whenFalse);
    return a || b ? [...(a ?? []), ...(b ?? [])] : null;
  }
  if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression);
  return null;
}

/**
 * `returns`: also literals a function returns (a checker that answers with its problem, as lib/questions/check.ts does).
 * `variables`: also literals assigned to these names (a message built first and thrown after, as lib/runs/run-checks.ts does).
 */
export function sourceMessages(file: string, opts: { returns?: boolean; variables?: string[] } = {}): SourceMessage[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: SourceMessage[] = [];
  const add = (node: ts.Node | undefined) => {
    if (!node) return;
    const texts = literalTexts(node);
    // Text without a letter ("[", "{…}") is JSON or syntax being built, never a message.
    for (const text of (texts ?? []).filter((t) => /[A-Za-z]/.test(t))) out.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
  };
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "AppError") {
      add(node.arguments?.[1]);
      const fields = node.arguments?.[2];
      if (fields && ts.isObjectLiteralExpression(fields))
        for (const p of fields.properties) if (ts.isPropertyAssignment(p) && ts.isArrayLiteralExpression(p.initializer)) p.initializer.elements.forEach(add);
    }
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && ["message", "error"].includes(node.name.text)) add(node.initializer);
    if (opts.returns && ts.isReturnStatement(node) && node.expression) add(node.expression);
    if (opts.variables && ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && opts.variables.includes(node.name.text)) add(node.initializer);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && checkMethods.has(callee.name.text) && node.arguments.length) add(node.arguments[node.arguments.length - 1]);
      if (ts.isIdentifier(callee) && labelHelpers.has(callee.text)) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}
