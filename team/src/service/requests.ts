import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import {
  claimAnswerSchema,
  claimRequestSchema,
  releaseAnswerSchema,
  releaseRequestSchema,
  serviceErrorSchema,
  templateDeleteAnswerSchema,
  templateDeleteRequestSchema,
  templateSaveAnswerSchema,
  templateSaveRequestSchema,
} from '../../protocol/messages.ts';
import { isToken, keyOf, parseServiceSubject, serviceQueue, subjects } from '../../protocol/subjects.ts';
import { releaseClaim, takeClaim, type Caller } from './claims.ts';
import { keyedQueue } from './keyed-queue.ts';
import type { NameOf } from './operator-names.ts';
import { deleteTemplate, saveTemplate } from './templates.ts';

export interface RequestDeps {
  js: JetStreamClient;
  claims: KV;
  templates: KV;
  nameOf: NameOf;
}

const invalid = serviceErrorSchema.parse({ ok: false, error: 'invalid' });
const internal = serviceErrorSchema.parse({ ok: false, error: 'internal' });

function bodyOf(m: Msg): unknown {
  try {
    return m.json();
  } catch {
    return undefined;
  }
}

/**
 * Answers `svc.<operatorId>.<method>`. Who asks is the subject's operator token: the server's
 * permissions let a desktop publish only under its own id, so it is never read from the body. Every
 * body is parsed with the protocol's schema, and so is every answer before it leaves; a body that does
 * not parse is answered `invalid`, a failure `internal` (the desktop keeps its write and says so).
 * Requests on one chat or template are queued in the order they arrived before anything is awaited,
 * the operator's name included.
 */
async function answer(deps: RequestDeps, queue: ReturnType<typeof keyedQueue>, m: Msg): Promise<unknown> {
  const where = parseServiceSubject(m.subject);
  if (!where || !isToken(where.operatorId)) return invalid;
  const body = bodyOf(m);
  const me = async (): Promise<Caller> => ({ operatorId: where.operatorId, operatorName: await deps.nameOf(where.operatorId) });
  switch (where.method) {
    case 'claim': {
      const req = claimRequestSchema.safeParse(body);
      if (!req.success) return invalid;
      return queue(`claim:${keyOf(req.data.chat)}`, async () =>
        claimAnswerSchema.parse(await takeClaim(deps.js, deps.claims, await me(), req.data)),
      );
    }
    case 'release': {
      const req = releaseRequestSchema.safeParse(body);
      if (!req.success) return invalid;
      return queue(`claim:${keyOf(req.data.chat)}`, async () =>
        releaseAnswerSchema.parse(await releaseClaim(deps.js, deps.claims, await me(), req.data.chat)),
      );
    }
    case 'template-save': {
      const req = templateSaveRequestSchema.safeParse(body);
      if (!req.success) return invalid;
      return queue(`template:${req.data.id}`, async () =>
        templateSaveAnswerSchema.parse(await saveTemplate(deps.js, deps.templates, await me(), req.data)),
      );
    }
    case 'template-delete': {
      const req = templateDeleteRequestSchema.safeParse(body);
      if (!req.success) return invalid;
      return queue(`template:${req.data.id}`, async () =>
        templateDeleteAnswerSchema.parse(await deleteTemplate(deps.js, deps.templates, await me(), req.data)),
      );
    }
  }
}

/** Subscribes in the service's queue group; `stop` ends the subscription and waits for answers under way. */
export function serveRequests(nc: NatsConnection, deps: RequestDeps, log: (message: string) => void) {
  const queue = keyedQueue();
  const underWay = new Set<Promise<void>>();
  const sub = nc.subscribe(subjects.allService, {
    queue: serviceQueue,
    callback: (err, m) => {
      if (err) {
        log(`service subscription: ${err.message}`);
        return;
      }
      const work = answer(deps, queue, m)
        .catch((e: unknown) => {
          log(`${m.subject}: ${e instanceof Error ? e.message : String(e)}`);
          return internal;
        })
        .then((a) => {
          // A connection closing under the answer: the desktop's request times out and it retries.
          if (m.reply && !nc.isClosed()) m.respond(JSON.stringify(a));
        })
        .finally(() => underWay.delete(work));
      underWay.add(work);
    },
  });
  return {
    async stop() {
      sub.unsubscribe();
      await Promise.allSettled([...underWay]);
    },
  };
}
