// `plimsoll server` settings: flag > PLIMSOLL_SERVER_* environment > --config YAML file > default,
// every setting documented in --help with its variable, and a bad value from any source one line
// naming that source, exit 2. Runs the built CLI (npm run build).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SETTINGS, envName } from '../../src/server/setting-specs.js';
import { jobRunnerOptions, resolveSettings, serverOptions } from '../../src/server/settings.js';
import { BUILT_CLI, assertOneLineError, type CliRun } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'plimsoll-settings-'));
after(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** The environment without any PLIMSOLL_SERVER_* of the caller's. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PLIMSOLL_SERVER_'))), ...extra };
}

function cli(command: string, args: string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [BUILT_CLI, command, ...args], { encoding: 'utf8', env: cleanEnv(env), timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const server = (args: string[], env: Record<string, string> = {}): CliRun => cli('server', args, env);

describe('server settings precedence', () => {
  const config = file(
    'server.yaml',
    'listen: 0.0.0.0\nport: 9001\nlog-level: error\ndb-update-interval: 6h\nwebhook: [https://hooks.example/file]\noffline: true\n',
  );

  it('a flag wins over the environment, the environment over the file, the file over the default', () => {
    const env = {
      PLIMSOLL_SERVER_PORT: '9002',
      PLIMSOLL_SERVER_LOG_LEVEL: 'warn',
      PLIMSOLL_SERVER_WEBHOOK: 'https://hooks.example/a; https://hooks.example/b',
    };
    const settings = resolveSettings({ config, port: '9003' }, cleanEnv(env));
    assert.deepEqual(settings.get('port'), { value: '9003', where: '--port' });
    assert.deepEqual(settings.get('log-level'), { value: 'warn', where: 'PLIMSOLL_SERVER_LOG_LEVEL' });
    assert.deepEqual(settings.get('listen'), { value: '0.0.0.0', where: `${config}: listen` });
    assert.deepEqual(settings.get('db-update-interval'), { value: '6h', where: `${config}: db-update-interval` });
    const options = serverOptions(settings);
    assert.equal(options.port, 9003);
    assert.equal(options.host, '0.0.0.0');
    assert.equal(options.dbUpdateIntervalMs, 6 * 3_600_000);
    assert.equal(options.db.offline, true);
    // A list comes whole from one source: the environment's two, not the file's one.
    assert.deepEqual(
      options.webhooks.map((w) => w.url),
      ['https://hooks.example/a', 'https://hooks.example/b'],
    );
    const defaults = serverOptions(resolveSettings({}, cleanEnv()));
    assert.deepEqual(
      [defaults.host, defaults.port, defaults.dbUpdateIntervalMs, defaults.logLevel, defaults.webhooks],
      ['127.0.0.1', 8080, 86_400_000, 'info', []],
    );
  });

  it("plimsoll worker reads the server's settings for running jobs: the same variables and file", () => {
    const yaml = file('worker.yaml', 'database: postgres://plimsoll@db.internal/plimsoll\nworkers: 3\nport: 9001\noffline: true\n');
    const options = jobRunnerOptions(resolveSettings({ config: yaml }, cleanEnv({ PLIMSOLL_SERVER_WORKERS: '4' })));
    assert.deepEqual([options.database, options.workers, options.db.offline], ['postgres://plimsoll@db.internal/plimsoll', 4, true]);
    assert.deepEqual(
      SETTINGS.filter((s) => s.worker).map((s) => s.name),
      ['database', 'workers', 'db-dir', 'mirror', 'source', 'offline', 'webhook', 'slack-webhook', 'registry'],
    );
  });

  it('the config file comes from --config or PLIMSOLL_SERVER_CONFIG', () => {
    assert.equal(resolveSettings({}, cleanEnv({ PLIMSOLL_SERVER_CONFIG: config })).get('port')?.value, '9001');
  });

  it('registries: as a mapping in the file, as key=value specs in the flag and the environment; secrets from files and variables', () => {
    const password = file('password', 'hunter2\n');
    const yaml = file(
      'registries.yaml',
      `registry:\n  - name: internal\n    url: https://registry.internal:5000\n    project: payments\n    username: scanner\n    password-file: ${password}\n    notify-token-env: PLIMSOLL_TEST_NOTIFY\n    rescan-interval: 1d\n`,
    );
    // Secrets are read from the process's own environment.
    process.env.PLIMSOLL_TEST_NOTIFY = 'tok';
    const [fromFile] = serverOptions(resolveSettings({ config: yaml }, cleanEnv())).registries ?? [];
    assert.deepEqual(fromFile, {
      name: 'internal',
      host: 'registry.internal:5000',
      insecure: false,
      project: 'payments',
      username: 'scanner',
      password: 'hunter2',
      notifyToken: 'tok',
      rescanIntervalMs: 86_400_000,
    });
    const fromEnv = serverOptions(
      resolveSettings({}, cleanEnv({ PLIMSOLL_SERVER_REGISTRY: 'name=a,url=http://127.0.0.1:5000,project=p; name=b,url=http://lab:5000,project=p,insecure' })),
    ).registries;
    assert.deepEqual(
      fromEnv?.map((r) => [r.name, r.host, r.insecure]),
      [
        ['a', '127.0.0.1:5000', false],
        ['b', 'lab:5000', true],
      ],
    );
  });
});

describe('plimsoll server: bad settings are one line naming their source, exit 2', () => {
  it('a bad flag', () => assertOneLineError(server(['--port', 'eighty']), '--port: not a port number: "eighty"'));
  it('a database that is not a postgres:// URL', () =>
    assertOneLineError(server([], { PLIMSOLL_SERVER_DATABASE: 'mysql://db/x' }), 'PLIMSOLL_SERVER_DATABASE: "mysql://db/x" is not a postgres:// URL'));
  it('no workers without PostgreSQL', () => assertOneLineError(server(['--workers', '0']), '--workers: 0 needs --database'));
  it('a number of workers out of range', () => assertOneLineError(server(['--workers', '65']), '--workers: "65" is not a number of jobs from 0 to 64'));
  it('a worker without a database', () => assertOneLineError(cli('worker', ['--offline']), 'plimsoll worker needs --database'));
  it('a bad environment variable', () =>
    assertOneLineError(
      server([], { PLIMSOLL_SERVER_DB_UPDATE_INTERVAL: 'weekly' }),
      /^plimsoll: PLIMSOLL_SERVER_DB_UPDATE_INTERVAL: "weekly" is not an interval/,
    ));
  it('a bad log level from the environment', () =>
    assertOneLineError(server([], { PLIMSOLL_SERVER_LOG_LEVEL: 'loud' }), 'PLIMSOLL_SERVER_LOG_LEVEL: "loud" is not a log level'));
  it('a bad boolean from the environment', () =>
    assertOneLineError(server([], { PLIMSOLL_SERVER_OFFLINE: 'maybe' }), 'PLIMSOLL_SERVER_OFFLINE: "maybe" is not true or false'));
  it('a bad value in the file', () =>
    assertOneLineError(server(['--config', file('bad-port.yaml', 'port: 70000\n')]), /bad-port\.yaml: port: not a port number: "70000"/));
  it('an unknown key in the file', () => assertOneLineError(server(['--config', file('unknown.yaml', 'prot: 1\n')]), /unknown\.yaml: unknown setting "prot"/));
  it('a file that is not YAML', () => assertOneLineError(server(['--config', file('broken.yaml', 'port: [1\n')]), /broken\.yaml: not valid YAML/));
  it('a missing file', () => assertOneLineError(server(['--config', join(work, 'absent.yaml')]), /absent\.yaml: cannot read it \(ENOENT\)/));
  it('a registry without its project', () =>
    assertOneLineError(server(['--registry', 'name=r,url=https://r.example']), '--registry[0] (r): project: "" is not a project name'));
  it('a registry password variable that is not set, named but never printed', () =>
    assertOneLineError(
      server(['--registry', 'name=r,url=https://r.example,project=p,username=u,password-env=PLIMSOLL_TEST_UNSET']),
      'password-env: the environment variable PLIMSOLL_TEST_UNSET is not set',
    ));
  it('plain HTTP to a registry that is not loopback needs insecure', () =>
    assertOneLineError(
      server([], { PLIMSOLL_SERVER_REGISTRY: 'name=r,url=http://r.example,project=p' }),
      'PLIMSOLL_SERVER_REGISTRY[0] (r): url: plain HTTP to r.example needs insecure: true',
    ));
});

describe('plimsoll server --help', () => {
  it('documents every setting with its environment variable, and the config file', () => {
    const r = server(['--help']);
    assert.equal(r.status, 0, r.stderr);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const spec of SETTINGS) {
      assert.match(help, new RegExp(`--${spec.name}\\b`), spec.name);
      assert.ok(help.includes(`env ${envName(spec.name)}`), `${spec.name}: ${envName(spec.name)}`);
    }
    assert.match(help, /--config <file>/);
    assert.match(help, /PLIMSOLL_SERVER_CONFIG/);
  });
});

describe('plimsoll server started from a config file, the environment and a flag', () => {
  it('listens where the settings say and logs at the level the environment says', async () => {
    const config = file(
      'start.yaml',
      `listen: 127.0.0.1\nport: 9\ndata-dir: ${join(work, 'data')}\ndb-dir: ${join(work, 'db')}\noffline: true\ndb-update-interval: "0"\n`,
    );
    const child = spawn(process.execPath, [BUILT_CLI, 'server', '--config', config, '--port', '0'], {
      env: cleanEnv({ PLIMSOLL_SERVER_LOG_LEVEL: 'silent' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line in 20 s: ${stderr}`)), 20_000);
        child.stderr.on('data', () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] as string);
          }
        });
      });
      // The flag's port 0 won over the file's 9 (a port it could not have bound).
      assert.notEqual(new URL(url).port, '9');
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.equal(stdout, '', 'log level silent, from the environment: no request log');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
