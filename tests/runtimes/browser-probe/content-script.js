// A Chrome MV3 content script: reads the calls' arguments from the visited page, makes the calls
// and writes what they gave into the page, where the test reads it.
import { calls } from './calls.js';

const args = JSON.parse(document.getElementById('probe-args').textContent);
calls(args).then((result) => {
  document.documentElement.dataset.probeResult = JSON.stringify(result);
});
