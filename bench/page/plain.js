// The same page's one call, made by hand (bench/baseline.mjs: fetch, an AbortController
// timeout, redirect 'manual', the same status checks).
import { baselineWithTimeout } from './baseline.mjs';
import { KEY, API, show, fail } from './show.js';

baselineWithTimeout(KEY, fetch, `${API}/api/v1/me`).then(show, fail);
