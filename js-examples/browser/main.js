// A key checker for a browser page, bundled by Vite or webpack. Each person types their own key,
// so the page passes dangerouslyAllowBrowser: a key built into a page is readable by everyone
// who opens it. The key comes only from the password field, never from the URL. Everything the
// server sends is shown with textContent, never parsed as HTML.
import { getOutboundSyncMe, OutboundSyncError } from 'outboundsync';

const $ = (id) => document.getElementById(id);
const form = $('check');
const button = $('submit');
const status = $('status');
const result = $('result');
const failure = $('failure');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  setBusy(true);
  try {
    const me = await getOutboundSyncMe({
      apiKey: $('api-key').value,
      baseUrl: $('base-url').value.trim() || undefined, // empty: https://app.outboundsync.com
      dangerouslyAllowBrowser: true,
    });
    showResult(me);
  } catch (err) {
    showFailure(err);
  } finally {
    setBusy(false);
  }
});

function setBusy(busy) {
  button.disabled = busy;
  form.setAttribute('aria-busy', String(busy));
  status.textContent = busy ? 'Checking the key…' : '';
  if (busy) result.hidden = failure.hidden = true;
}

function showResult({ account, apiKey, connections }) {
  $('account').textContent = account.email ? `${account.id} (${account.email})` : String(account.id);
  $('key-name').textContent = apiKey.name;
  const reach = apiKey.connectionScope === 'account' ? 'account-wide (every API-enabled connection)' : 'one connection';
  $('key-scope').textContent = `${reach}; scopes: ${apiKey.scopes.join(', ') || 'none'}`;
  $('connection-count').textContent = String(connections.length);
  const rows = connections.map((c) => {
    const row = document.createElement('tr');
    for (const text of [c.id, c.crm, c.organizationDomain ?? '—', c.organizationId ?? '—']) {
      row.insertCell().textContent = String(text);
    }
    return row;
  });
  $('connections').tBodies[0].replaceChildren(...rows);
  $('connections').hidden = connections.length === 0;
  result.hidden = false;
}

// An OutboundSyncError's message names the cause and the fix; the request id is what
// OutboundSync support asks for. Anything else (the .wasm failing to load, say) is a bug or a
// deployment problem, shown as it is.
function showFailure(err) {
  const known = err instanceof OutboundSyncError;
  $('failure-message').textContent = known ? err.message : `Unexpected error: ${err?.message ?? err}`;
  $('failure-code').textContent = known ? err.code : 'unexpected';
  $('failure-request-id').textContent = (known && err.requestId) || 'none';
  failure.hidden = false;
  if (!known) console.error(err);
}
