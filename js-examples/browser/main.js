// A browser page (bundled by Vite, webpack or esbuild): each user enters their own key, so the
// page passes dangerouslyAllowBrowser. `?key=...&baseUrl=...` fills the form (the tests use it).
import { getOutboundSyncConnections, OutboundSyncAuthenticationError } from 'outboundsync';

const form = document.getElementById('form');
const keyInput = document.getElementById('key');
const result = document.getElementById('result');
const params = new URLSearchParams(location.search);

async function list() {
  try {
    const connections = await getOutboundSyncConnections({
      apiKey: keyInput.value,
      baseUrl: params.get('baseUrl') || undefined,
      dangerouslyAllowBrowser: true,
    });
    result.textContent = connections.map((c) => `${c.id} ${c.crm} ${c.organizationDomain ?? '-'}`).join('\n');
    window.__outboundsync = { connections };
  } catch (err) {
    const rejected = err instanceof OutboundSyncAuthenticationError;
    result.textContent = rejected ? `The key was rejected: ${err.message}` : err.message;
    window.__outboundsync = { error: err.name, code: err.code, authError: rejected };
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  list();
});
if (params.has('key')) {
  keyInput.value = params.get('key');
  list();
}
