// A page whose client component uses the package (nextjs.test.mjs copies this into the example).
import Probe from './probe';

export default function Page() {
  return <Probe />;
}
