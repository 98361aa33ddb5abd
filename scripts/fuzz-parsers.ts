// Property-based fuzzing of every parser that reads image bytes: generated inputs near each real format
// plus raw bytes, a fixed seed, a time budget per parser. A parser may fail only with its documented
// error type, and no input may take longer than the per-input limit (a watchdog thread catches one
// that never returns).
//   node --import tsx scripts/fuzz-parsers.ts [--seed S] [--runs N] [--budget SECONDS] [--input-ms MS] [--only tar,dpkg]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { fuzzTargets, type FuzzTarget } from './fuzz-targets.js';

interface Job {
  target: string;
  seed: number;
  runs: number;
  budgetMs: number;
  inputMs: number;
  /** Inputs finished so far, for the watchdog. */
  progress: SharedArrayBuffer;
}

interface Outcome {
  target: string;
  runs: number;
  seconds: number;
  failure?: string;
}

/** Runs one target in this (worker) thread. */
async function fuzz(job: Job, target: FuzzTarget): Promise<Outcome> {
  const counter = new Int32Array(job.progress);
  const started = performance.now();
  let runs = 0;
  const check = async (input: unknown): Promise<void> => {
    const t = performance.now();
    try {
      await target.run(input);
    } catch (err) {
      if (!target.allowed(err)) throw err;
    } finally {
      runs++;
      Atomics.store(counter, 0, runs);
    }
    const ms = performance.now() - t;
    if (ms > job.inputMs) throw new Error(`one input took ${ms.toFixed(0)} ms (limit ${job.inputMs} ms)`);
  };
  const result = await fc.check(fc.asyncProperty(target.input, check), {
    seed: job.seed,
    numRuns: job.runs,
    interruptAfterTimeLimit: job.budgetMs,
    markInterruptAsFailure: false,
    endOnFailure: true,
  });
  const seconds = (performance.now() - started) / 1000;
  if (!result.failed) return { target: job.target, runs, seconds };
  const example = JSON.stringify(result.counterexample?.[0], (_, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v))?.slice(0, 400);
  return {
    target: job.target,
    runs,
    seconds,
    failure: `${String(result.errorInstance).split('\n')[0]} on ${example} (seed ${job.seed}, path ${result.counterexamplePath ?? '?'})`,
  };
}

/** Runs one target in a worker, killing it when no input finishes within the per-input limit. */
function inWorker(job: Omit<Job, 'progress'>): Promise<Outcome> {
  const progress = new SharedArrayBuffer(4);
  const counter = new Int32Array(progress);
  // Workers do not inherit tsx's loader: the worker registers it, then loads this file.
  const boot = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register(); await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(boot, { eval: true, workerData: { ...job, progress } });
  return new Promise((resolve) => {
    let seen = -1;
    const started = performance.now();
    const watchdog = setInterval(() => {
      const now = Atomics.load(counter, 0);
      if (now !== seen) {
        seen = now;
        return;
      }
      clearInterval(watchdog);
      void worker.terminate();
      resolve({
        target: job.target,
        runs: now,
        seconds: (performance.now() - started) / 1000,
        failure: `input ${now + 1} did not return within ${job.inputMs * 2} ms (a hang; seed ${job.seed})`,
      });
    }, job.inputMs * 2);
    worker.once('message', (outcome: Outcome) => {
      clearInterval(watchdog);
      resolve(outcome);
    });
    worker.once('error', (err) => {
      clearInterval(watchdog);
      resolve({ target: job.target, runs: Atomics.load(counter, 0), seconds: (performance.now() - started) / 1000, failure: `worker crashed: ${String(err)}` });
    });
  });
}

if (isMainThread) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '20241206' },
      runs: { type: 'string', default: '100000' },
      budget: { type: 'string', default: '25' },
      'input-ms': { type: 'string', default: '1000' },
      only: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const runs = Number(values.runs);
  const budgetMs = Number(values.budget) * 1000;
  const inputMs = Number(values['input-ms']);
  const names = values.only?.split(',') ?? Object.keys(fuzzTargets());
  const unknown = names.filter((n) => !(n in fuzzTargets()));
  if (![seed, runs, budgetMs, inputMs].every((n) => Number.isInteger(n) && n >= 0) || unknown.length > 0) {
    console.error(`usage: fuzz-parsers.ts [--seed S] [--runs N] [--budget SECONDS] [--input-ms MS] [--only ${Object.keys(fuzzTargets()).join(',')}]`);
    process.exit(2);
  }
  let failed = false;
  for (const target of names) {
    const outcome = await inWorker({ target, seed, runs, budgetMs, inputMs });
    const short = outcome.runs < runs ? ` (time budget reached before ${runs})` : '';
    console.log(
      `${target.padEnd(14)} ${String(outcome.runs).padStart(7)} inputs in ${outcome.seconds.toFixed(1)} s${short}${outcome.failure ? `\n  FAILED: ${outcome.failure}` : ''}`,
    );
    failed ||= outcome.failure !== undefined;
  }
  process.exit(failed ? 1 : 0);
} else {
  const job = workerData as Job;
  const target = fuzzTargets()[job.target] as FuzzTarget;
  parentPort?.postMessage(await fuzz(job, target));
}
