// The baseline: the hand-written function from the OutboundSync docs ("Get account and
// connections"), with the same status checks the package makes for 401, 403 and 429.
// `init` (a signal, redirect) is not in the docs' version; baselineWithTimeout passes one.
export async function baseline(apiKey, fetchImpl = fetch, url = 'https://app.outboundsync.com/api/v1/me', init = undefined) {
  const response = await fetchImpl(url, { ...init, headers: { Authorization: `Bearer ${apiKey}` } });
  if (response.status === 401) throw new Error('OutboundSync rejected the API key');
  if (response.status === 403) throw new Error('API access is not enabled for this account');
  if (response.status === 429) throw new Error('OutboundSync rate limit exceeded');
  if (!response.ok) throw new Error(`OutboundSync API request failed: ${response.status}`);
  const data = await response.json();
  return data.connections;
}

// The fair peer for real-network figures: the same function as a careful user would write it,
// with a per-request timeout through an AbortController, and redirects refused as the package
// refuses them (`redirect: 'manual'`: the 3xx, or a browser's opaque redirect, fails `ok`).
export async function baselineWithTimeout(apiKey, fetchImpl = fetch, url = undefined, timeoutMs = 30_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await baseline(apiKey, fetchImpl, url, { signal: controller.signal, redirect: 'manual' });
  } finally {
    clearTimeout(timer);
  }
}
