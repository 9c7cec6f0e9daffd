/**
 * XML with positions (htmlparser2 in XML mode gives the offsets of every tag): elements are found by
 * their path from the root and only the characters of an element's text are replaced, so comments,
 * attributes, indentation and line endings stay byte for byte. No regular expression runs over a file.
 */
import { Parser } from 'htmlparser2';
import { badInput, locate, splice } from './text';
import type { SourceLocation } from './types';

export interface XmlElement {
  /** Element names from the root, e.g. `['project', 'parent', 'version']` (prefixes kept as written). */
  path: string[];
  /** Offsets of `<` of the start tag, and of the text between the tags (empty for `<x/>`). */
  open: number;
  contentStart: number;
  contentEnd: number;
}

/** Every element of a document, in document order; unclosed elements → usage error at file:line:column. */
export function xmlElements(text: string, file: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: { el: XmlElement; selfClosing: boolean }[] = [];
  let problem: { offset: number; message: string } | null = null;
  const parser: Parser = new Parser(
    {
      onopentag(name) {
        const el: XmlElement = { path: [...(stack.at(-1)?.el.path ?? []), name], open: parser.startIndex, contentStart: parser.endIndex + 1, contentEnd: parser.endIndex + 1 };
        out.push(el);
        stack.push({ el, selfClosing: text[parser.endIndex - 1] === '/' });
      },
      onclosetag(name, implied) {
        const top = stack.pop();
        if (!top) return;
        if (implied && !top.selfClosing) problem ??= { offset: top.el.open, message: `<${name}> is never closed` };
        if (!implied) top.el.contentEnd = parser.startIndex;
      },
    },
    { xmlMode: true },
  );
  parser.write(text);
  parser.end();
  if (problem !== null) {
    const p: { offset: number; message: string } = problem;
    throw badInput('InvalidXml', locate(file, text, p.offset), `not well-formed XML (${p.message}). Fix the file and try again.`);
  }
  if (out.length === 0) throw badInput('InvalidXml', locate(file, text, 0), 'no XML element found.');
  return out;
}

/** The first element at exactly this path. */
export function xmlFind(elements: readonly XmlElement[], path: readonly string[]): XmlElement | undefined {
  return elements.find((e) => e.path.length === path.length && e.path.every((n, i) => n === path[i]));
}

/** An element's text, trimmed, with its offsets; null when it holds markup, entities or CDATA. */
export function xmlText(text: string, el: XmlElement): { value: string; start: number; end: number } | null {
  const raw = text.slice(el.contentStart, el.contentEnd);
  if (raw.includes('<') || raw.includes('&')) return null;
  let start = el.contentStart;
  let end = el.contentEnd;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { value: text.slice(start, end), start, end };
}

export function xmlLocation(file: string, text: string, el: XmlElement): SourceLocation {
  return locate(file, text, el.contentStart);
}

/** `text` with the element's text replaced (whitespace around it kept). */
export function xmlSetText(text: string, file: string, el: XmlElement, value: string): string {
  const t = xmlText(text, el);
  if (t === null || t.value === '') throw badInput('InvalidVersion', locate(file, text, el.open), 'expected a plain version text in this element.');
  return splice(text, t.start, t.end, value);
}
