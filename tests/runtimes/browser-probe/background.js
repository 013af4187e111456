// A Chrome MV3 extension's service worker: answers a message from the extension page with `calls`.
import { calls } from './calls.js';

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  calls(message).then(reply);
  return true; // reply comes later
});
