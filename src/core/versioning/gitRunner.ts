import type { Git } from '../git/git';

/** The part of the Git seam versioning needs: raw calls. Any `Git` is one; tests pass a tiny runner. */
export type GitRunner = Pick<Git, 'run'>;
