// An environment variable for every flag, as Trivy has TRIVY_SEVERITY for --severity: the long
// option name upper-cased, dashes as underscores, after PLIMSOLL_ (`--fail-on` → PLIMSOLL_FAIL_ON).
// A flag on the command line wins (commander's Option.env, which must be set before the option is
// added, hence this subclass that every command is made from). A boolean flag's variable set to
// `false`, `0` or nothing is as if unset, so PLIMSOLL_INSECURE=false never turns TLS checks off.
import { Command as BaseCommand, type Option } from 'commander';

export function envName(long: string): string {
  return `PLIMSOLL_${long.replace(/^--/, '').toUpperCase().replace(/-/g, '_')}`;
}

export class Command extends BaseCommand {
  override createCommand(name?: string): Command {
    return new Command(name);
  }

  override addOption(option: Option): this {
    if (option.long && option.long !== '--version') {
      const name = envName(option.long);
      const boolean = !option.required && !option.optional;
      if (!(boolean && /^(false|0)?$/i.test(process.env[name] ?? 'unset'))) option.env(name);
    }
    return super.addOption(option);
  }
}
