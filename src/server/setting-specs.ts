// Every `plimsoll server` setting, in one table: its flag (--NAME), its environment variable
// (PLIMSOLL_SERVER_NAME) and its key in the YAML config file (--config). Kept apart from their
// resolution (settings.ts), which loads the server, so that `plimsoll --help` stays light. Those
// marked `worker` are `plimsoll worker`'s too, so a worker reads the server's environment and file.

type Kind = 'string' | 'integer' | 'boolean' | 'list';

export interface SettingSpec {
  name: string;
  kind: Kind;
  argument?: string;
  description: string;
  /** As it would be written on the command line; absent: none. */
  default?: string;
  choices?: readonly string[];
  /** `plimsoll worker` takes it too (what running jobs needs). */
  worker?: true;
}

export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;

export const SETTINGS: readonly SettingSpec[] = [
  { name: 'listen', kind: 'string', argument: '<host>', description: 'address to listen on', default: '127.0.0.1' },
  { name: 'port', kind: 'integer', argument: '<port>', description: 'TCP port (0: any free one)', default: '8080' },
  { name: 'data-dir', kind: 'string', argument: '<dir>', description: 'where the server keeps its SQLite store (default $XDG_DATA_HOME/plimsoll/server)' },
  {
    name: 'database',
    kind: 'string',
    argument: '<url>',
    description:
      'keep the store and the job queue (pg-boss) in PostgreSQL instead of SQLite: postgres://user:password@host/db; `plimsoll worker` processes then share the jobs',
    worker: true,
  },
  {
    name: 'workers',
    kind: 'integer',
    argument: '<n>',
    description: 'jobs of each kind this process runs at once (server: 0 leaves them to `plimsoll worker` processes, PostgreSQL only)',
    default: '1',
    worker: true,
  },
  {
    name: 'db-dir',
    kind: 'string',
    argument: '<dir>',
    description: "the server's vulnerability database directory (default ~/.cache/plimsoll/db); built at start when missing",
    worker: true,
  },
  {
    name: 'mirror',
    kind: 'string',
    argument: '<dir|url>',
    description: 'read the feeds from a mirror laid out like ../shared/vulndata (or PLIMSOLL_DB_MIRROR)',
    worker: true,
  },
  { name: 'source', kind: 'list', argument: '<source>', description: 'also read a private feed: osv-dir:PATH; repeatable', worker: true },
  { name: 'offline', kind: 'boolean', description: 'never download feeds (use a directory --mirror, or a database already in --db-dir)', worker: true },
  {
    name: 'db-update-interval',
    kind: 'string',
    argument: '<interval>',
    description: 'rebuild the database this often (30m, 6h, 1d; 0: never), then match every stored image again',
    default: '1d',
  },
  { name: 'webhook', kind: 'list', argument: '<url>', description: 'POST finding events here as JSON { "events": [...] }; repeatable', worker: true },
  {
    name: 'slack-webhook',
    kind: 'list',
    argument: '<url>',
    description: 'POST finding events here in Slack incoming-webhook format { "text": ... }; repeatable',
    worker: true,
  },
  {
    name: 'registry',
    kind: 'list',
    argument: '<spec>',
    description:
      'scan a registry: name=N,url=https://HOST[:PORT],project=P[,username=U,password-file=F|password-env=VAR][,notify-token-file=F|notify-token-env=VAR][,insecure][,rescan-interval=1d]; repeatable (docs/server.md)',
    worker: true,
  },
  {
    name: 'tls-cert',
    kind: 'string',
    argument: '<file>',
    description: 'serve HTTPS with this PEM certificate (chain); needs tls-key. The Kubernetes API server calls admission webhooks only over HTTPS',
  },
  { name: 'tls-key', kind: 'string', argument: '<file>', description: 'the PEM private key of tls-cert' },
  {
    name: 'admission-policies',
    kind: 'string',
    argument: '<file>',
    description: 'named policies of the Kubernetes admission gate, POST /api/v1/projects/P/admission/NAME (YAML or JSON; docs/server.md)',
  },
  {
    name: 'metrics-token-file',
    kind: 'string',
    argument: '<file>',
    description: 'GET /metrics asks for the token in this file as a Bearer token (default: /metrics is open)',
  },
  { name: 'log-level', kind: 'string', argument: '<level>', description: 'request and job log on stdout', default: 'info', choices: LOG_LEVELS },
];

export function envName(name: string): string {
  return `PLIMSOLL_SERVER_${name.toUpperCase().replace(/-/g, '_')}`;
}
