/**
 * The small subset of YAML that TAP diagnostics use (Node's test runner, node-tap, TAP 14):
 * top-level `key: value` pairs with plain, quoted and block (`|`, `|-`, `>`) scalars. A nested map or
 * list is kept as its dedented source text — it is shown to a person (expected/actual), not walked.
 */
export function parseTapYaml(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const m = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/.exec(line);
    i++;
    if (!m) continue;
    const key = m[1];
    const raw = (m[2] ?? '').trim();
    // Indented lines that follow belong to this key.
    const start = i;
    while (i < lines.length && (lines[i].trim() === '' || /^[ \t]/.test(lines[i]))) i++;
    const nested = lines.slice(start, i);
    while (nested.length > 0 && nested[nested.length - 1].trim() === '') nested.pop();
    const header = /^([|>])([+-]?)\d*$/.exec(raw);
    if (header) {
      const body = dedent(nested);
      let value = header[1] === '>' ? fold(body) : body.join('\n');
      if (header[2] !== '-') value += '\n';
      out[key] = value;
    } else if (raw === '') {
      out[key] = dedent(nested).join('\n');
    } else {
      out[key] = scalar(raw);
    }
  }
  return out;
}

function scalar(raw: string): string {
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      const v: unknown = JSON.parse(raw);
      if (typeof v === 'string') return v;
    } catch {
      // YAML escapes JSON does not know (\x41, \e): keep the text between the quotes.
    }
    return raw.slice(1, -1);
  }
  return raw;
}

function dedent(lines: readonly string[]): string[] {
  let min = Infinity;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const n = l.length - l.trimStart().length;
    if (n < min) min = n;
  }
  if (min === Infinity) return lines.map(() => '');
  return lines.map((l) => l.slice(Math.min(min, l.length - l.trimStart().length)));
}

function fold(lines: readonly string[]): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (i === 0) out = l;
    else if (l === '' || lines[i - 1] === '') out += '\n' + l;
    else out += ' ' + l;
  }
  return out;
}
