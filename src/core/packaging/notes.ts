/**
 * Release notes from a CHANGELOG: the section of one version — from its heading (`## 1.2.0`,
 * `## [1.2.0](…) (2025-01-01)`, `# v1.2.0`) to the next heading of the same or a higher level.
 */
export function changelogSection(text: string, version: string): string | null {
  const bare = version.replace(/^v(?=\d)/, '');
  const escaped = bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^(#{1,6})\\s+\\[?v?${escaped}(?![0-9A-Za-z.+-])`);
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let start = -1;
  let level = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = heading.exec(lines[i]);
    if (m) {
      start = i;
      level = m[1].length;
      break;
    }
  }
  if (start < 0) return null;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#{1,6})\s/.exec(lines[i]);
    if (m && m[1].length <= level) {
      end = i;
      break;
    }
  }
  const body = lines.slice(start + 1, end).join('\n').trim();
  return body === '' ? null : body + '\n';
}
