// The package's bench page built as the README says, with outboundsync/vite (issue 29).
import outboundsync from 'outboundsync/vite';

export default { plugins: [outboundsync()] };
