// A page that loads the package only when it is used (a dynamic import: no preload).
window.probe = async ({ good, baseUrl }) => {
  const { getOutboundSyncConnections } = await import('outboundsync');
  return (await getOutboundSyncConnections({ apiKey: good, baseUrl, dangerouslyAllowBrowser: true })).map((c) => c.id);
};
