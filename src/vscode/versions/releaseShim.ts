// TEMPORARY: stands in for src/core/versioning/release.ts until it lands; deleted then.
import type { AuditActor, AuditLog } from '../../core/audit/auditLog';
import { SdlcError } from '../../core/errors';
import type { Git } from '../../core/git/git';
import type { ReleasePlan } from '../../core/versioning/plan';

export interface ApplyReleaseOptions {
  push?: boolean;
  remote?: string;
  commitMessage?: string;
  audit?: { log: AuditLog; actor: AuditActor };
  signal?: AbortSignal;
}

export async function applyRelease(_git: Git, _plan: ReleasePlan | ReleasePlan[], _options: ApplyReleaseOptions = {}): Promise<{ commit: string; tag: string; pushed: boolean }> {
  throw new SdlcError('NotImplemented', 'applyRelease has not landed yet.');
}
