// `npm start` (after the build): VS Code in your browser with SDLC Workbench installed.
//   npm start                  opens the folder you ran npm in (INIT_CWD), else the project
//   npm start -- ~/src/myrepo  opens that folder
//   PORT=8080 npm start        fixed port (default: a free one)
// The browser is yours, so the developmentOptions injection of the tests cannot apply: the project
// folder is linked into the server's extensions dir as `<publisher>.<name>-<version>` instead.
// Settings and extensions persist in .vscode-test/{user-data,extensions,home}. Ctrl-C stops it.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, PROJECT_ROOT, ensureCodeServer, startCodeServer, workbenchUrl } from './codeServer.mjs';

const folder = path.resolve(process.argv[2] ?? process.env.INIT_CWD ?? process.cwd());
if (!existsSync(folder)) {
  console.error(`no such folder: ${folder}`);
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();
const extensionsDir = path.join(CACHE_DIR, 'extensions');
const userDataDir = path.join(CACHE_DIR, 'user-data');
const home = path.join(CACHE_DIR, 'home');

/** Links the project into the extensions dir (replacing links of other versions) and registers it. */
function installDevelopmentExtension() {
  mkdirSync(extensionsDir, { recursive: true });
  const linkName = `${extensionId}-${manifest.version}`;
  for (const entry of readdirSync(extensionsDir)) {
    if (entry.toLowerCase().startsWith(`${extensionId}-`) && entry !== linkName) rmSync(path.join(extensionsDir, entry), { recursive: true, force: true });
  }
  const link = path.join(extensionsDir, linkName);
  let ok = false;
  try { ok = lstatSync(link).isSymbolicLink(); } catch { /* absent */ }
  if (!ok) {
    rmSync(link, { recursive: true, force: true });
    symlinkSync(PROJECT_ROOT, link, 'dir');
  }
  // VS Code lists user extensions in extensions.json; once that file exists, folders missing
  // from it are ignored, so add (or refresh) our entry.
  const listFile = path.join(extensionsDir, 'extensions.json');
  let list = [];
  try { list = JSON.parse(readFileSync(listFile, 'utf8')); } catch { list = []; }
  list = list.filter((e) => e?.identifier?.id?.toLowerCase() !== extensionId);
  list.push({
    identifier: { id: extensionId },
    version: manifest.version,
    location: { $mid: 1, path: link, scheme: 'file' },
    relativeLocation: linkName,
    metadata: { installedTimestamp: Date.now(), source: 'resource' },
  });
  writeFileSync(listFile, JSON.stringify(list));
  return link;
}

await ensureCodeServer();
const link = installDevelopmentExtension();
const server = await startCodeServer({
  folder, extensionsDir, userDataDir, home, port: Number(process.env.PORT ?? 0),
  quiet: !process.env.SDLC_VERBOSE,
  onOutput: (line) => { if (/error/i.test(line) && !/ENOTFOUND open-vsx/.test(line)) process.stderr.write(`[code-server] ${line}\n`); },
});
console.log(`extension: ${path.relative(PROJECT_ROOT, link)} -> ${PROJECT_ROOT} (rebuild with \`npm run build\` or \`npm run watch\`, then reload the window)`);
console.log(`SDLC Workbench running at ${workbenchUrl(server.url, folder)}`);
console.log('Ctrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.process.on('exit', (code) => {
  if (stopping) return;
  console.error(`code-server exited (${code})`);
  process.exit(1);
});
