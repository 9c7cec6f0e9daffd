import { promises as fs } from 'node:fs';

/** Whether `p` is a folder (a link to one counts); false when it does not exist or cannot be read. */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
