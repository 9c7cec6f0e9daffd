// Lint step: the command and view ids in src/vscode/ids.ts must match package.json, and every
// command a menu or welcome view refers to must exist, so a rename cannot silently break a menu.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const ids = readFileSync(new URL('../../src/vscode/ids.ts', import.meta.url), 'utf8');
const block = (name) => {
  const m = new RegExp(`export const ${name} = \\{([\\s\\S]*?)\\} as const`).exec(ids);
  if (!m) throw new Error(`ids.ts: ${name} not found`);
  return [...m[1].matchAll(/:\s*'([^']+)'/g)].map((x) => x[1]);
};
const problems = [];
const codeCommands = new Set(block('CommandIds'));
const codeViews = new Set(block('ViewIds'));
const declared = new Set(pkg.contributes.commands.map((c) => c.command));
const views = new Set(Object.values(pkg.contributes.views).flat().map((v) => v.id));
const containers = new Set(Object.values(pkg.contributes.viewsContainers).flat().map((c) => c.id));

for (const id of codeCommands) if (!declared.has(id)) problems.push(`command ${id} is in ids.ts but not in package.json contributes.commands`);
for (const id of declared) if (!codeCommands.has(id)) problems.push(`command ${id} is in package.json but not in ids.ts CommandIds`);
for (const id of codeViews) if (!views.has(id) && !containers.has(id)) problems.push(`view ${id} is in ids.ts but not contributed`);
for (const id of views) if (!codeViews.has(id)) problems.push(`view ${id} is contributed but not in ids.ts ViewIds`);
for (const [menu, items] of Object.entries(pkg.contributes.menus ?? {}))
  for (const item of items) if (item.command && !declared.has(item.command)) problems.push(`menu ${menu} refers to undeclared command ${item.command}`);
for (const w of pkg.contributes.viewsWelcome ?? []) {
  if (!views.has(w.view)) problems.push(`viewsWelcome for unknown view ${w.view}`);
  for (const m of w.contents.matchAll(/\(command:(sdlc\.[\w.]+)/g)) if (!declared.has(m[1])) problems.push(`viewsWelcome refers to undeclared command ${m[1]}`);
}
const events = pkg.activationEvents ?? [];
if (events.includes('*')) problems.push('activationEvents must never contain "*"');
for (const c of pkg.contributes.commands) if (!c.title || !c.category) problems.push(`command ${c.command} needs a title and the SDLC category`);

if (problems.length) {
  console.error(`check-contributions: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-contributions: ${declared.size} commands, ${views.size} views consistent`);
