/**
 * The `sdlc` executable (dist/cli.js): the CLI bundle (dist/cli-main.js, built from src/cli.ts) and
 * its command chunks, loaded through V8's code cache (see cli/codeCache). Nothing else: what runs
 * before the cache is installed is compiled on every start.
 */
import { installCodeCache } from './cli/codeCache';
import { scavengeOnMainThread } from './cli/compilerTiers';

scavengeOnMainThread(); // (before the cache is checked: it records V8's flags)
installCodeCache(__dirname, require.main);
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('./cli-main.js') as typeof import('./cli')).runCli();
