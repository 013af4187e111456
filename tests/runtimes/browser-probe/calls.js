// What every browser build below does with the package, wherever it runs (a page, a worker, an
// extension's service worker): one call for a result and one for a typed 401. Failures come
// back as data, so the test reads the message a user would.
import { getOutboundSyncConnections, OutboundSyncAuthenticationError } from 'outboundsync';

export async function calls({ good, bad, baseUrl }) {
  const options = (apiKey) => ({ apiKey, baseUrl, dangerouslyAllowBrowser: true });
  const failure = (err) => ({ name: err?.name, code: err?.code, message: err?.message, typed: err instanceof OutboundSyncAuthenticationError });
  const result = {};
  try {
    result.ids = (await getOutboundSyncConnections(options(good))).map((c) => c.id);
  } catch (err) {
    result.ids = failure(err);
  }
  try {
    await getOutboundSyncConnections(options(bad));
    result.rejected = 'resolved';
  } catch (err) {
    result.rejected = failure(err);
  }
  return result;
}

/** Runs `calls` in `worker` (whose script answers one message), or says how the worker failed. */
export function inWorker(worker, args) {
  return new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve({ workerError: event.message ?? 'error' });
    worker.postMessage(args);
  });
}
