import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'sdlc-workbench.sdlc-workbench';

export interface Item {
  label: string;
  description?: string;
  icon?: string;
  contextValue?: string;
  children?: Item[];
}

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  await ext.activate();
}

/** What the Repositories view shows, as plain data (labels, descriptions, icons, children). */
export function inspect(): Promise<{ state: string; items: Item[] }> {
  return vscode.commands.executeCommand('sdlc.repositories._inspect') as Promise<{ state: string; items: Item[] }>;
}

/** The item at a label path, e.g. find(items, 'app', 'Branches', 'main'); labels match exactly or by prefix + ' '. */
export function find(items: Item[] | undefined, ...labels: string[]): Item | undefined {
  let level = items;
  let found: Item | undefined;
  for (const label of labels) {
    found = level?.find((i) => i.label === label || i.label.startsWith(`${label} `));
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

/** Polls `check` until it returns something truthy (or throws the last assertion error at the deadline). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false | null>, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100)); // polling interval of a condition with a deadline
  }
}

/** Waits until the view shows the item at `labels` and `check(item)` holds. */
export function waitForItem(what: string, labels: string[], check: (item: Item) => boolean = () => true, timeoutMs?: number): Promise<Item> {
  return waitFor(what, async () => {
    const item = find((await inspect()).items, ...labels);
    return item && check(item) ? item : undefined;
  }, timeoutMs);
}

export type CommandResult<T> = T & { error?: { code: string; message: string } };

export async function run<T = Record<string, unknown>>(command: string, args?: unknown): Promise<CommandResult<T>> {
  return ((await vscode.commands.executeCommand(command, args)) ?? {}) as CommandResult<T>;
}

export function labels(item: Item | undefined): string[] {
  return (item?.children ?? []).map((c) => c.label);
}
