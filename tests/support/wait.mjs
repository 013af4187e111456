// Waiting in tests: on a condition (a count, an event that set a flag), never on a clock bound.
// `until`'s limit only turns a hang into a failure that names the condition.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check()` is true (it may return a promise), polling; rejects after `ms`. */
export async function until(check, ms = 30_000, what = 'condition') {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(5);
  }
}
