import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPermissionTable } from '../src/service/access/roles.ts';

/** A Markdown table's cells, row by row, without padding or the separator row (prettier pads). */
function cells(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .filter((line) => !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

describe('docs/access.md', () => {
  it('shows the permission table exactly as the code defines it', () => {
    const doc = readFileSync(new URL('../docs/access.md', import.meta.url), 'utf8');
    const match = /<!-- permissions:begin -->\n([\s\S]*?)\n<!-- permissions:end -->/.exec(doc);
    expect(match, 'docs/access.md lacks the permissions markers').not.toBeNull();
    expect(cells(match![1]!)).toEqual(cells(renderPermissionTable()));
  });
});
