/**
 * Makes the main bundle's modules available to the lazily loaded features chunk (one copy of each:
 * `instanceof SdlcError`, the per-repository git queue…). Under tsx (tests) plain `require` shares
 * modules already, so this is a no-op; esbuild.mjs replaces it in dist/extension.js with the
 * registration of every module of the main bundle in `globalThis.__sdlcShared[<bundle>]` (a getter
 * each: a module is evaluated when a chunk first uses it, not when the bundle loads).
 */
export function shareModules(): void {}
