import type { SimResponse } from './server.ts';

/**
 * diadoc.md §12 intro: the read methods (GetCounteragents V3, GetMessage V6, GetDocumentTypes,
 * GetDocuments …) take `boxId` / `myBoxId` "в формате GUID", and proto/Box.rst names `BoxIdGuid`
 * as the value for query parameters; `BoxId` is the older `<32 hex>@diadoc.ru` form (§10). How the
 * server answers the older form is not in the sheet, so the sandbox refuses it with 400 and a
 * plain-text reason in the §6 error form (text body, `X-Diadoc-ErrorCode`).
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The refusal of a box parameter that is not a GUID, or undefined when it is one. */
export function notGuidBox(param: string, value: string): SimResponse | undefined {
  if (GUID.test(value)) return undefined;
  return {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'X-Diadoc-ErrorCode': 'Http.BadRequest' },
    body: `${param} must be a box id in GUID form (BoxIdGuid from GetMyOrganizations), not ${JSON.stringify(value)}`,
  };
}
