import type { Exchange } from '../../shared/sends.ts';

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * "Copy as cURL" of a recorded exchange. Exchanges are redacted when recorded, so the token is
 * already a placeholder here; the operator pastes their own to replay it.
 */
export function curlOf(ex: Exchange): string {
  const lines = [`curl -X ${ex.method} ${q(ex.url)}`];
  for (const [k, v] of Object.entries(ex.requestHeaders)) {
    if (k === 'content-length' || k === 'host') continue;
    lines.push(`  -H ${q(`${k}: ${v.replace('‹redacted›', '$TOKEN')}`)}`);
  }
  if (ex.requestBody) lines.push(`  --data-raw ${q(ex.requestBody)}`);
  return lines.join(' \\\n');
}
