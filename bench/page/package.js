// The page's one call, made with the package (built by Vite as users build it).
import { getOutboundSyncConnections } from 'outboundsync';
import { KEY, API, show, fail } from './show.js';

getOutboundSyncConnections({ apiKey: KEY, baseUrl: API, dangerouslyAllowBrowser: true }).then(show, fail);
