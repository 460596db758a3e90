// Prints rows as one plain-text table (and as Markdown, for docs/performance.md).
import { describeTarget } from './target.mjs';

const COLUMNS = ['row', 'momento-chat', 'raw SDK', 'ratio', 'target', 'result'];

function number(value, unit) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

/** The cells of a row, as printed. */
export function cellsOf(row) {
  return [
    row.name,
    number(row.library, row.unit),
    number(row.raw, row.unit),
    row.ratio === undefined || !Number.isFinite(row.ratio) ? '—' : `${row.ratio.toFixed(2)}×`,
    row.target ? `${row.judged === 'ratio' ? 'ratio' : 'value'} ${describeTarget(row.target)}` : '—',
    row.verdict === 'info' ? '' : row.verdict,
  ];
}

/** @param {object[]} rows @returns {string} a table aligned for a terminal, one group per block */
export function formatTable(rows) {
  const lines = [COLUMNS, ...rows.map(cellsOf)];
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((cells) => cells[i].length)));
  const align = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [align(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  ')];
  let group;
  for (const row of rows) {
    if (group !== undefined && row.group !== group) out.push('');
    group = row.group;
    out.push(align(cellsOf(row)));
  }
  return out.join('\n');
}

/** @param {object[]} rows @returns {string} the same table in Markdown */
export function formatMarkdown(rows) {
  const out = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  // Markdown trims a cell's leading spaces: an indented (supporting) row gets a marker instead.
  for (const row of rows) out.push(`| ${cellsOf(row).map((c) => c.replace(/^  /, '↳ ').replaceAll('|', '\\|')).join(' | ')} |`);
  return out.join('\n');
}
