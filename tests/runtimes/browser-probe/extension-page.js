// A Chrome MV3 extension page: makes the calls itself, and asks the service worker to make them.
import { calls } from './calls.js';

window.probe = async (args) => ({ page: await calls(args), serviceWorker: await chrome.runtime.sendMessage(args) });
