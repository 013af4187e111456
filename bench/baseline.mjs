// The baseline: the hand-written function from the OutboundSync docs ("Get account and
// connections"), with the same status checks the package makes for 401, 403 and 429.
// `signal` is not in the docs' version; baselineWithTimeout passes one.
export async function baseline(apiKey, fetchImpl = fetch, url = 'https://app.outboundsync.com/api/v1/me', signal = undefined) {
  const response = await fetchImpl(url, { headers: { Authorization: `Bearer ${apiKey}` }, signal });
  if (response.status === 401) throw new Error('OutboundSync rejected the API key');
  if (response.status === 403) throw new Error('API access is not enabled for this account');
  if (response.status === 429) throw new Error('OutboundSync rate limit exceeded');
  if (!response.ok) throw new Error(`OutboundSync API request failed: ${response.status}`);
  const data = await response.json();
  return data.connections;
}

// The fair peer for real-network figures: the same function as a careful user would write it,
// with a per-request timeout through an AbortController.
export async function baselineWithTimeout(apiKey, fetchImpl = fetch, url = undefined, timeoutMs = 30_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await baseline(apiKey, fetchImpl, url, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
