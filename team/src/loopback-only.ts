import net from 'node:net';

/**
 * Loaded with `--import` into zero-cache and its workers: zero-cache binds `::` (every interface)
 * with no option to change it, and a team server on a laptop must not be reachable from the café
 * network. Every listen on a wildcard or unspecified host is moved to 127.0.0.1; a deployment puts
 * a TLS proxy in front instead (docs/team-mode.md).
 */
const wildcard = new Set([undefined, null, '', '::', '0.0.0.0', '::0']);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  const [first] = args;
  if (first && typeof first === 'object' && !('_handle' in first) && !('fd' in first)) {
    const opts = first as net.ListenOptions;
    if (opts.path === undefined && wildcard.has(opts.host)) args[0] = { ...opts, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string' || wildcard.has(args[1])) {
      const rest = typeof args[1] === 'string' ? args.slice(2) : args.slice(1);
      args = [Number(first), '127.0.0.1', ...rest];
    }
  }
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;
