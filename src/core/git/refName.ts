import { GitError } from './gitError';

export type RefNameCheck = { ok: true } | { ok: false; reason: string };

/**
 * git's check-ref-format rules for a branch or tag name (as `git check-ref-format --branch` and
 * `git tag` apply them), checked before any git process runs so the message can say exactly why.
 */
export function validateRefName(name: string, kind: 'branch' | 'tag'): RefNameCheck {
  const bad = (reason: string): RefNameCheck => ({ ok: false, reason });
  if (name.length === 0) return bad(`A ${kind} name cannot be empty.`);
  if (name.startsWith('-')) return bad(`A ${kind} name cannot start with "-".`);
  if (name === '@') return bad(`A ${kind} name cannot be "@".`);
  if (kind === 'branch' && name === 'HEAD') return bad('A branch cannot be named "HEAD".');
  const control = /[\x00-\x20\x7f]/.exec(name);
  if (control) return bad(control[0] === ' ' ? 'It cannot contain spaces.' : 'It cannot contain control characters.');
  const special = /[~^:?*[\\]/.exec(name);
  if (special) return bad(`It cannot contain "${special[0]}" (git reserves ~ ^ : ? * [ \\).`);
  if (name.includes('..')) return bad('It cannot contain "..".');
  if (name.includes('@{')) return bad('It cannot contain "@{".');
  if (name.startsWith('/') || name.endsWith('/')) return bad('It cannot start or end with "/".');
  if (name.includes('//')) return bad('It cannot contain "//".');
  if (name.endsWith('.')) return bad('It cannot end with ".".');
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return bad(`No part of it can start with "." ("${component}").`);
    if (component.endsWith('.lock')) return bad(`No part of it can end with ".lock" ("${component}").`);
  }
  return { ok: true };
}

/** Throws GitError InvalidRefName (a usage error) when the name is not a valid ref name. */
export function assertRefName(name: string, kind: 'branch' | 'tag'): void {
  const check = validateRefName(name, kind);
  if (!check.ok) {
    throw new GitError('InvalidRefName', `"${name}" is not a valid ${kind} name: ${check.reason}`, { hint: check.reason });
  }
}

/**
 * A revision argument (start point, ref to log or push) must not be taken for an option by git.
 * Anything else git rejects itself, with a classified error.
 */
export function assertRevision(rev: string, what = 'revision'): void {
  if (rev.length === 0 || rev.startsWith('-') || /[\x00-\x1f\x7f]/.test(rev)) {
    throw new GitError('InvalidRefName', `"${rev}" is not a valid ${what}.`, { hint: 'A revision cannot be empty, start with "-" or contain control characters.' });
  }
}
