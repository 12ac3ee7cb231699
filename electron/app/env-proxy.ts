import { setGlobalProxyFromEnv } from 'node:http';

/**
 * Outside Electron (the browser harness, tests) provider calls use Node's fetch, which ignores
 * HTTP_PROXY/HTTPS_PROXY/NO_PROXY unless told. This applies them as given (NO_PROXY included) to
 * every later fetch; it returns the function that undoes it. Without a proxy variable it does nothing.
 */
export function useProxyFromEnv(env: NodeJS.ProcessEnv = process.env): () => void {
  const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'];
  if (!names.some((n) => env[n])) return () => {};
  return setGlobalProxyFromEnv(env);
}
