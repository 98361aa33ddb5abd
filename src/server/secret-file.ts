import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** A secret kept in a file (one trailing newline dropped); an error starts with `named` (where the file was set, and the file), never the value. */
export function readSecretFile(file: string, named: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new InputError(`${named}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text === '') throw new InputError(`${named} is empty`);
  return text;
}
