import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PachcaMessage } from '../../shared/messages/pachca.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { OpenApiSpec } from '../testing/openapi-spec.ts';
import { pachcaAdapter } from './pachca.ts';
import type { AdapterAccount, AdapterContext } from './types.ts';

/**
 * The adapter and the simulator held against Pachca's own OpenAPI (shared/specs/pachca): every
 * `POST /messages` body the adapter sends passes `MessageCreateRequest`, the simulator's upload
 * parameters pass `UploadParams`, and bodies the schema refuses, the simulator refuses too.
 */
const spec = new OpenApiSpec(new URL('../../../shared/specs/pachca/openapi.yaml', import.meta.url));
const messageSchema = spec.schema('MessageCreateRequest');
const uploadParams = spec.schema('UploadParams');

const TOKEN = 'pachca-conformance-token-77';

describe('Pachca conformance with the published OpenAPI', () => {
  const sim = new PachcaSimulator({ tokens: [TOKEN], botTokens: [TOKEN] });
  let account: AdapterAccount;
  let base = '';
  const ctx = (): AdapterContext => ({
    account,
    file: () => {
      throw new Error('no files');
    },
    idempotencyKey: '',
    timeoutMs: 2000,
    now: () => Date.now(),
  });
  beforeAll(async () => {
    base = await sim.start();
    account = { id: 'c', baseUrl: base, settings: { provider: 'pachca', isBot: true }, secrets: { token: TOKEN } };
  });
  afterAll(() => sim.stop());

  const messages: PachcaMessage[] = [
    { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'Просто текст' },
    {
      provider: 'pachca',
      entityType: 'thread',
      entityId: 5,
      content: 'В тред',
      skipInviteMentions: true,
      parentMessageId: 194270,
      linkPreview: true,
    },
    {
      provider: 'pachca',
      entityType: 'user',
      entityId: 12,
      content: 'Лично',
      displayName: 'Бот',
      displayAvatarUrl: 'https://example.com/a.png',
    },
    {
      provider: 'pachca',
      entityType: 'discussion',
      entityId: 334,
      content: 'С кнопками',
      buttons: [Array.from({ length: 8 }, (_, i) => ({ text: `b${i}`, data: `d${i}` })), [{ text: 'Ссылка', url: 'https://example.com' }]],
    },
    {
      provider: 'pachca',
      entityType: 'discussion',
      entityId: 334,
      content: 'Кнопка из 255 эмодзи: maxLength считает символы (code points)',
      buttons: [[{ text: '👍'.repeat(255), data: 'd'.repeat(255) }]],
    },
  ];

  it('sends only bodies the published MessageCreateRequest accepts', async () => {
    for (const m of messages) {
      const r = await pachcaAdapter.send(ctx(), m);
      expect(r.kind, JSON.stringify(r)).toBe('sent');
      const req = sim.server.received.at(-1)!;
      expect(spec.violations(req)).toEqual([]);
      expect(messageSchema(JSON.parse(req.body.toString())), JSON.stringify(messageSchema.errors)).toBe(true);
    }
  });

  it('hands out upload parameters of the published UploadParams shape', async () => {
    const res = await fetch(`${base}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(201);
    expect(uploadParams(await res.json()), JSON.stringify(uploadParams.errors)).toBe(true);
  });

  it('refuses every body the schema refuses', async () => {
    const refused: unknown[] = [
      {},
      { message: 'text' },
      { message: { content: 'no entity id' } },
      { message: { entity_id: 334 } },
      { message: { entity_id: '334', content: 'id as a string' } },
      { message: { entity_id: 334, content: 'x', entity_type: 'channel' } },
      { message: { entity_id: 334, content: 'x', buttons: [[{ url: 'https://example.com' }]] } },
      { message: { entity_id: 334, content: 'x', buttons: [[{ text: 'a'.repeat(256), data: 'd' }]] } },
      { message: { entity_id: 334, content: 'x', buttons: [[{ text: 't', data: 'd'.repeat(256) }]] } },
      { message: { entity_id: 334, content: 'x', buttons: [[{ text: '👍'.repeat(256), data: 'd' }]] } },
      { message: { entity_id: 334, content: 'x', display_name: 'n'.repeat(256) } },
      { message: { entity_id: 334, content: 'x', files: [{ key: 'k', name: 'n' }] } },
      { message: { entity_id: 334, content: 'x', skip_invite_mentions: 'yes' } },
      { message: { entity_id: 334, content: 'x' }, link_preview: 'true' },
      { message: { entity_id: 2 ** 31, content: 'beyond int32' } },
    ];
    for (const body of refused) {
      expect(messageSchema(body), `schema should refuse ${JSON.stringify(body)}`).toBe(false);
      const res = await fetch(`${base}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
