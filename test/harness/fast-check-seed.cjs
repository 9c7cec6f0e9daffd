// Property tests run with a fixed seed so a CI run is reproducible; FC_SEED=random explores anew
// (fast-check prints the seed of any failure, so `FC_SEED=<seed>` replays it).
const fc = require('fast-check');
const seed = process.env.FC_SEED === 'random' ? Date.now() ^ (Math.random() * 0x100000000) : Number(process.env.FC_SEED ?? 20261123);
fc.configureGlobal({ seed });
