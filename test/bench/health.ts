/**
 * (issue 13) 50 environments × 3 health checks (HTTP with a per-environment answer delay of
 * 100–300 ms, like a remote endpoint; TCP connect; TLS certificate expiry) against real loopback
 * servers running in a child process (so their TLS handshakes do not run on the prober's event
 * loop), probed in one concurrent round: the wall time of the round against the slowest single
 * probe measured alone.
 * Target: ≤ 1.5×. Correctness: every probe healthy (else BenchCorrectnessError).
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probe, probeAll, type HealthCheckSpec } from '../../src/core/deploy/health';
import { selfSignedCertificate, type Certificate } from '../integration/deploy/endpoints';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, fmtMs, fmtRatio, median, mulberry32 } from './context';

const ENVIRONMENTS = 50;

export const healthBench: BenchModule = {
  name: 'health: 50 environments × 3 checks',
  async run(ctx: BenchContext): Promise<Row[]> {
    const cert = await selfSignedCertificate(30);
    const servers = await startServers(cert);
    const port = (kind: 'http' | 'https' | 'tcp') => servers.ports[kind];
    try {
      const random = mulberry32(13);
      const specs: HealthCheckSpec[] = [];
      for (let i = 0; i < ENVIRONMENTS; i++) {
        const delay = 100 + Math.floor(random() * 201);
        specs.push(
          { type: 'http', url: `http://127.0.0.1:${port('http')}/healthz?env=${i}&delay=${delay}`, bodyContains: 'ok' },
          { type: 'tcp', host: '127.0.0.1', port: port('tcp') },
          { type: 'tls', host: '127.0.0.1', port: port('https'), ca: cert.cert, warnDays: 7 },
        );
      }
      // The slowest probe alone (each probe by itself, sequentially; also the warm-up).
      const solo: number[] = [];
      for (const spec of specs) {
        const t = performance.now();
        const r = await probe(spec);
        solo.push(performance.now() - t);
        if (r.state !== 'healthy') throw new BenchCorrectnessError(`${r.name}: ${r.state} (${r.message})`);
      }
      const slowest = Math.max(...solo);
      const sequential = solo.reduce((a, b) => a + b, 0);
      const rounds: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < ctx.repeats; i++) {
        const t = performance.now();
        const c = process.cpuUsage();
        const results = await probeAll(specs);
        rounds.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpu.push((used.user + used.system) / 1000);
        const bad = results.find((r) => r.state !== 'healthy');
        if (bad) throw new BenchCorrectnessError(`${bad.name}: ${bad.state} (${bad.message})`);
      }
      const round = median(rounds);
      const ratio = round / slowest;
      ctx.log(`${specs.length} probes (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs); slowest alone ${fmtMs(slowest)}, all sequentially ${fmtMs(sequential)}, concurrent rounds ${rounds.map((r) => fmtMs(r)).join(', ')} using ${cpu.map((c) => fmtMs(c)).join(', ')} of CPU`);
      return [
        {
          measurement: `health round: ${ENVIRONMENTS} envs × 3 checks (http/tcp/tls)`,
          ours: fmtMs(round),
          baseline: `${fmtMs(slowest)} slowest probe`,
          ratio: fmtRatio(ratio),
          target: '≤1.5×',
          status: ratio <= 1.5 ? 'PASS' : 'MISS',
          note: `sequential ${fmtMs(sequential)}; round CPU ${fmtMs(median(cpu))}; load ${os.loadavg()[0].toFixed(1)}/${os.cpus().length} CPUs`,
        },
      ];
    } finally {
      servers.stop();
    }
  },
};

async function startServers(cert: Certificate): Promise<{ ports: { http: number; https: number; tcp: number }; stop(): void }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'healthServers.mjs')], {
    env: { ...process.env, BENCH_KEY: cert.key, BENCH_CERT: cert.cert },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`health bench servers exited with ${code}`)));
  });
  return { ports: JSON.parse(line) as { http: number; https: number; tcp: number }, stop: () => child.stdin.end() };
}
