import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { buckets } from '../protocol/subjects.ts';
import { ensureTeam } from '../src/service/index.ts';

/**
 * A team's streams and buckets (ensureTeam) on an unrestricted connection, and what a test does as
 * the server would: publish any record, put any bucket value, count a stream's messages.
 */
export async function plainTeam(nc: NatsConnection) {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureTeam(jsm);
  const kvm = new Kvm(nc);
  const bucket: Record<keyof typeof buckets, KV> = {
    claims: await kvm.open(buckets.claims),
    templates: await kvm.open(buckets.templates),
    presence: await kvm.open(buckets.presence),
    operators: await kvm.open(buckets.operators),
  };
  return {
    bucket,
    publish: (subject: string, data: string, msgID?: string) => js.publish(subject, data, msgID ? { msgID } : {}),
    messagesIn: async (stream: string) => (await jsm.streams.info(stream)).state.messages,
  };
}
