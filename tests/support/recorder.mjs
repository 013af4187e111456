// A logger for the `logger` option that keeps every line it is given.
export const LEVELS = ['debug', 'info', 'warn', 'error'];

/** `{ logger, lines, at, text }`: `lines` holds `[level, line]` in the order written, `at(level)`
 * that level's lines, `text()` every line, one a line. */
export function recorder() {
  const lines = [];
  const logger = Object.fromEntries(LEVELS.map((level) => [level, (line) => { lines.push([level, String(line)]); }]));
  const at = (level) => lines.filter(([l]) => l === level).map(([, line]) => line);
  return { logger, lines, at, text: () => lines.map(([, line]) => line).join('\n') };
}
