// A page's entry that imports the package: `window.probe` makes one call (browsers.test.mjs).
import { getOutboundSyncConnections } from 'outboundsync';

window.probe = async ({ good, baseUrl }) => (await getOutboundSyncConnections({ apiKey: good, baseUrl, dangerouslyAllowBrowser: true })).map((c) => c.id);
