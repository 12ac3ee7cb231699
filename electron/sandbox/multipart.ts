/** multipart/form-data (RFC 7578) as the simulators read it: parsed from the buffered body with the boundary of the content type. */

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** A header parameter value: a quoted string (backslash escapes allowed) or a token. */
function paramOf(headerValue: string, param: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const m = re.exec(headerValue);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

export function boundaryOf(contentType: string): string | undefined {
  const b = paramOf(contentType, 'boundary');
  return b && b.length <= 70 ? b : undefined;
}

/** Where the next `CRLF--boundary` that really ends a part starts (followed by `--`, blanks or CRLF). */
function nextDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  const needle = Buffer.concat([Buffer.from('\r\n'), delimiter]);
  for (let at = body.indexOf(needle, from); at >= 0; at = body.indexOf(needle, at + 1)) {
    const after = at + needle.length;
    const c = body[after];
    if (c === 13 || c === 32 || c === 9 || (c === 45 && body[after + 1] === 45)) return at;
  }
  return -1;
}

/** The parts of a multipart body, or why it cannot be read. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | { error: string } {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return { error: 'Missing initial multi part boundary' };
  // A delimiter other than the first must start a line.
  if (pos > 0 && !(pos >= 2 && body[pos - 2] === 13 && body[pos - 1] === 10)) return { error: 'Missing initial multi part boundary' };
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 45 && body[pos + 1] === 45) return parts;
    while (body[pos] === 32 || body[pos] === 9) pos++;
    if (body[pos] !== 13 || body[pos + 1] !== 10) return { error: 'Malformed multi part boundary line' };
    pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) return { error: 'Unexpected end of content' };
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headEnd).toString('utf8').split('\r\n')) {
      if (!line) continue;
      const colon = line.indexOf(':');
      if (colon <= 0) return { error: `Malformed part header: ${line.slice(0, 80)}` };
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const next = nextDelimiter(body, delimiter, headEnd + 4);
    if (next < 0) return { error: 'Unexpected end of content' };
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\s*(;|$)/i.test(disposition)) return { error: 'Part has no form-data Content-Disposition' };
    const name = paramOf(disposition, 'name');
    if (name === undefined) return { error: 'Part has no name' };
    const starred = paramOf(disposition, 'filename\\*');
    let filename = paramOf(disposition, 'filename');
    if (starred) {
      const m = /^UTF-8''(.*)$/i.exec(starred);
      if (m) filename = decodeURIComponent(m[1]!);
    }
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(headers.has('content-type') ? { contentType: headers.get('content-type')! } : {}),
      data: body.subarray(headEnd + 4, next),
    });
    pos = next + 2;
  }
}
