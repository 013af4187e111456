// What both bench pages share: where the API is (?api=, a loopback server make bench starts),
// and showing the result, then recording when it was in the DOM (ms since navigation start).
export const KEY = 'osapi_test_bench_page_0001';
export const API = new URLSearchParams(location.search).get('api');

export function show(connections) {
  const items = connections.map((c) => {
    const item = document.createElement('li');
    item.textContent = `${c.id} ${c.crm} ${c.organizationDomain ?? '—'}`;
    return item;
  });
  document.getElementById('connections').replaceChildren(...items);
  document.getElementById('status').textContent = `${connections.length} connections`;
  document.body.dataset.shownMs = String(performance.now());
}

export function fail(err) {
  document.getElementById('status').textContent = `failed: ${err?.message ?? err}`;
  document.body.dataset.failed = 'true';
}
