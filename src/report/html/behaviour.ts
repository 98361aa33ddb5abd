// The pages' one script for tables: filtering (text, severity, priority, KEV) and sorting by a
// column. Plain browser JavaScript kept as a string, as it is inlined into every page; the report and
// the dashboard both run it (the dashboard after each view it loads), and the Chromium tests drive it.
export const TABLE_SCRIPT = `
function plimsollTables(root) {
  for (const table of root.querySelectorAll('table[data-filterable]')) {
    const controls = root.querySelector('[data-controls="' + table.id + '"]');
    const shown = controls && controls.querySelector('[data-shown]');
    const apply = () => {
      const text = controls.querySelector('input[type=search]').value.trim().toLowerCase();
      const severity = controls.querySelector('select[name=severity]').value;
      const priority = controls.querySelector('select[name=priority]').value;
      const kevOnly = controls.querySelector('input[name=kev]').checked;
      let n = 0;
      for (const row of table.tBodies[0].rows) {
        const keep = (!text || row.dataset.search.includes(text)) && (!severity || row.dataset.severity === severity)
          && (!priority || row.dataset.priority === priority) && (!kevOnly || row.dataset.kev === '1');
        row.classList.toggle('hidden', !keep);
        if (keep) n++;
      }
      if (shown) shown.textContent = String(n);
    };
    if (controls) for (const input of controls.querySelectorAll('input, select')) input.addEventListener('input', apply);
  }
  for (const th of root.querySelectorAll('th[data-sortable]')) {
    th.addEventListener('click', () => {
      const table = th.closest('table');
      const index = Array.prototype.indexOf.call(th.parentElement.children, th);
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const other of th.parentElement.children) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const key = (row) => { const cell = row.cells[index]; return cell.dataset.value !== undefined ? Number(cell.dataset.value) : cell.textContent.trim().toLowerCase(); };
      const rows = Array.from(table.tBodies[0].rows);
      rows.sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1); });
      table.tBodies[0].append(...rows);
    });
  }
}
`;
