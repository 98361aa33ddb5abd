// The pipeline rebuild's guard (issue 14, "Done when"): on every testbed image through every
// transport, the built CLI's JSON report gives the same package counts by type, vulnerability
// counts by severity, finding counts by id and OS as recorded in test/fixtures/pipeline-counts.json
// (recorded at the commit its provenance names). Which layer each package is attributed to is a
// separate check, so a deliberate change of attribution shows apart from the counts.
// Re-record with scripts/record-pipeline-counts.mjs only for an intended change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI, buildDatabase, differences, measure, readRecorded, targets, type Recorded } from '../helpers/pipeline-counts.js';
import { needRegistry } from '../helpers/testbed.js';

function report(section: string, lines: string[], recorded: Recorded): string {
  const shown = lines.slice(0, 60);
  const more = lines.length > shown.length ? [`... and ${lines.length - shown.length} more`] : [];
  return [`${section} differ from the record of ${recorded.provenance.commit} (${recorded.provenance.date}):`, ...shown.map((l) => `  ${l}`), ...more].join(
    '\n',
  );
}

describe('pipeline counts on every testbed image and transport equal the recorded ones', { skip: needRegistry() }, () => {
  const recorded = readRecorded();
  let measured: Pick<Recorded, 'counts' | 'layers'>;
  let db: Awaited<ReturnType<typeof buildDatabase>> | undefined;
  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} missing: npm run build first`);
    db = await buildDatabase();
    measured = await measure(targets(), db.dbDir);
  });
  after(() => db?.remove());

  it('packages by type, vulnerabilities by severity, findings by id and OS', () => {
    const lines = differences(recorded.counts, measured.counts);
    assert.ok(lines.length === 0, report('Counts', lines, recorded));
  });

  it('the layer each package is attributed to', () => {
    const lines = differences(recorded.layers, measured.layers);
    assert.ok(lines.length === 0, report('Layer attributions', lines, recorded));
  });
});
