import { renderHtmlReport } from '../html/report.js';
import { unsupported, type Render } from '../reporter.js';

export const render: Render = (input) => {
  if (input.subject !== 'image') unsupported('html', input);
  return renderHtmlReport(input.report);
};
