import { unsupported, type Render } from '../reporter.js';
import { toSpdx } from '../spdx.js';

export const render: Render = (input) => {
  if (input.subject !== 'image') unsupported('spdx', input);
  return `${JSON.stringify(toSpdx(input.inventory), null, 2)}\n`;
};
