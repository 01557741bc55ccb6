export interface Row {
  request: string;
  expected: string;
  express: string;
  fastify: string;
  ok: boolean;
}

/** A plain-text table that reads the same in a terminal and in a CI log (no colours, no box-drawing). */
export function printTable(rows: readonly Row[]): void {
  const header = { request: 'request', expected: 'expected', express: 'Express', fastify: 'Fastify', ok: '' };
  const columns = ['request', 'expected', 'express', 'fastify'] as const;
  const widths = columns.map((column) => Math.max(header[column].length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[], mark: string) =>
    `${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ')}  ${mark}`.trimEnd();
  process.stdout.write(
    `${line(
      columns.map((column) => header[column]),
      '',
    )}\n`,
  );
  process.stdout.write(`${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const row of rows)
    process.stdout.write(
      `${line(
        columns.map((column) => row[column]),
        row.ok ? 'ok' : 'FAIL',
      )}\n`,
    );
}
