/**
 * A small RFC 4180 CSV reader: quoted fields, `""` escapes, CRLF or LF line ends, embedded line
 * breaks inside quotes. One pass, no recursion, with a row cap so a hostile upload is refused
 * before it costs memory.
 */

/** Why a CSV body was refused, with the 1-based line where it went wrong. */
export class CsvError extends Error {
  constructor(message: string, readonly line: number, readonly kind: 'syntax' | 'too-many-rows' = 'syntax') {
    super(message);
    this.name = 'CsvError';
  }
}

/**
 * Parses CSV text with a header row into records keyed by header name. Empty cells become
 * absent keys (so "not given" and "empty" mean the same, as spreadsheets intend). Blank lines
 * are skipped. Throws CsvError for an unterminated quote, text after a closing quote, a row
 * with more cells than the header, duplicate header names, or more than `maxRows` data rows.
 */
export function parseCsv(text: string, maxRows: number): Record<string, string>[] {
  const rows = readRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, maxRows + 1);
  const header = rows.shift();
  if (!header) throw new CsvError('The CSV body has no header row.', 1);
  const names = header.cells.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw new CsvError('A CSV header cell is empty.', 1);
    if (seen.has(name)) throw new CsvError(`The CSV header names \`${name}\` twice.`, 1);
    seen.add(name);
  }
  return rows.map(({ cells, line }) => {
    if (cells.length > names.length) throw new CsvError(`Line ${line} has ${cells.length} cells but the header has ${names.length}.`, line);
    const record: Record<string, string> = {};
    cells.forEach((cell, i) => {
      if (cell !== '') record[names[i]!] = cell;
    });
    return record;
  });
}

interface Row {
  readonly cells: string[];
  readonly line: number;
}

function readRows(text: string, maxRows: number): Row[] {
  const rows: Row[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let afterQuote = false;
  let i = 0;
  const endRow = (): void => {
    cells.push(cell);
    // A line holding nothing at all is a blank line, not a row with one empty cell.
    if (!(cells.length === 1 && cells[0] === '' && !afterQuote)) {
      if (rows.length >= maxRows) throw new CsvError(`The CSV body has more than ${maxRows - 1} data rows.`, rowLine, 'too-many-rows');
      rows.push({ cells, line: rowLine });
    }
    cells = [];
    cell = '';
    afterQuote = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      afterQuote = false;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      rowLine = line;
    } else if (ch === '"' && cell === '' && !afterQuote) {
      quoted = true;
    } else if (afterQuote) {
      throw new CsvError(`Line ${line} has text after a closing quote.`, line);
    } else {
      cell += ch;
    }
    i++;
  }
  if (quoted) throw new CsvError(`A quoted cell starting on line ${rowLine} is never closed.`, rowLine);
  if (cell !== '' || cells.length > 0 || afterQuote) endRow();
  return rows;
}
