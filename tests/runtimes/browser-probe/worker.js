// A worker (classic or module, as the build makes it) that answers one message with `calls`.
import { calls } from './calls.js';

self.onmessage = async (event) => self.postMessage(await calls(event.data));
