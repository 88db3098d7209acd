// Renders metrics as a markdown table, each figure beside its target.
import type { Metric } from './metrics';

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function formatValue(value: number | null): string {
  if (value === null) return 'n/a';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(value);
}

export function markdownTable(metrics: readonly Metric[]): string {
  const rows = metrics.map(
    (m) =>
      `| ${cell(m.name)} | ${formatValue(m.value)} | ${cell(m.unit)} | ${cell(m.target)} | ${m.ok ? 'yes' : '**no**'} |`,
  );
  return ['| metric | value | unit | target | ok |', '|---|---:|---|---|---|', ...rows].join('\n');
}
