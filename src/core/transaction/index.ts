/** The transaction core: every change the tool makes to a repository goes through it. */
export * from './change';
export * from './containment';
export * from './journal';
export * from './lock';
