/** Types of the release plans the planning service (service.ts) returns. */
export interface PlannedFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  /** null when the file is created. */
  before: string | null;
  after: string;
}

/** The `sdlc bump --json` document: everything a release would do, nothing done yet. */
export interface ReleasePlan {
  package: string;
  packageDir: string;
  current: string;
  next: string;
  releaseType: string;
  reason: string;
  tag: string;
  previousTag: string | null;
  commits: Array<{ sha: string; type: string; scope: string | null; subject: string; breaking: boolean }>;
  changelog: string;
  files: PlannedFile[];
  warnings: string[];
  /* ---- from the planning service (service.ts) ---- */
  /** The ecosystem whose manifest holds the version; null when only tags do. */
  ecosystem?: string | null;
  /** One line for a person: where the version lives (the adapter's description). */
  where?: string;
  /** Where `current` came from: the manifest, the last release tag (none, or a placeholder behind it), or neither. */
  currentSource?: 'manifest' | 'tag' | 'none';
  /** Folders moved to `next` with this package (lerna fixed mode, Cargo members inheriting the workspace version). */
  members?: string[];
}

/**
 * The warnings every one of two or more plans has: about the repository rather than a package (tags
 * of no package, a shallow clone), for showing once rather than under each package.
 */
export function sharedWarnings(plans: ReadonlyArray<Pick<ReleasePlan, 'warnings'>>): string[] {
  return plans.length > 1 ? plans[0].warnings.filter((w) => plans.every((p) => p.warnings.includes(w))) : [];
}
