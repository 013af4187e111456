// `import outboundsync from 'outboundsync/vite'`: the plugin (vite.cjs).
import outboundsync from './vite.cjs';

export default outboundsync;
