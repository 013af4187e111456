// A page that makes the calls itself.
import { calls } from './calls.js';

window.probe = calls;
