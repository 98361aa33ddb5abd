import { renderFindingsTable } from '../findings-table.js';
import type { Render } from '../reporter.js';
import { renderReportTable } from '../table.js';

export const render: Render = (input, options) =>
  input.subject === 'image' ? renderReportTable(input.report, options) : renderFindingsTable(input.findings, options);
