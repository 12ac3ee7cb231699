import { buildBridge, type OperatorBridge } from '../../shared/bridge.ts';
import type { EventName, Reply } from '../../shared/contract.ts';
import type { FileHandle } from '../../shared/sends.ts';

/**
 * The browser harness's transport: the contract over the loopback bridge (`POST /rpc/<channel>`,
 * one event stream). The token came in the opened URL and now rides in an HttpOnly cookie;
 * the `x-operator` header keeps other sites' forms out.
 */
async function post<T>(path: string, body: BodyInit | undefined, contentType?: string): Promise<Reply<T>> {
  const headers: Record<string, string> = { 'x-operator': '1' };
  if (contentType) headers['content-type'] = contentType;
  try {
    const res = await fetch(path, { method: 'POST', headers, ...(body !== undefined ? { body } : {}), credentials: 'same-origin' });
    if (res.status === 401)
      return {
        ok: false,
        error: {
          kind: 'unauthorized',
          reason: 'harness_token',
          message: 'The harness token is missing; open the URL printed by npm run web.',
        },
      };
    return (await res.json()) as Reply<T>;
  } catch {
    return { ok: false, error: { kind: 'network', reason: 'host_unreachable', message: 'The app’s host is not answering.' } };
  }
}

export function createWebBridge(): OperatorBridge {
  const url = new URL(window.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
  }
  let source: EventSource | undefined;
  const stream = () => (source ??= new EventSource('./events'));
  return buildBridge(
    {
      call: (channel, input) =>
        post(`./rpc/${encodeURIComponent(channel)}`, input === undefined ? undefined : JSON.stringify(input), 'application/json'),
      subscribe: (event: EventName, listener) => {
        const handler = (e: MessageEvent<string>) => listener(JSON.parse(e.data) as unknown);
        stream().addEventListener(event, handler);
        return () => stream().removeEventListener(event, handler);
      },
    },
    (file: File) => post<FileHandle>(`./upload?name=${encodeURIComponent(file.name)}`, file, 'application/octet-stream'),
  );
}
