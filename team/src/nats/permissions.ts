import { buckets, desktopInbox, subjects } from '../../protocol/subjects.ts';
import { projectionConsumer } from '../service/projection.ts';

/**
 * What a desktop may do on NATS, signed into its user JWT. Everything not listed is refused by the
 * server (the desktop sees a permissions violation; its connection stays). Writes go only under the
 * operator's own id, so who published a send or asked for a claim is the server's fact, not the
 * desktop's claim; the streams and the claims/templates/operators buckets are written only by the
 * team server's service.
 */
export function desktopPublishAllow(operatorId: string): string[] {
  return [
    // Its own sends and their later statuses (stream SENDS): never another operator's subject.
    subjects.send(operatorId, '>'),
    // Requests to the service (claim, release, template save/delete) as itself: the service reads
    // the asker from the subject.
    `svc.${operatorId}.>`,
    // Its own presence beat: a KV put is a publish to `$KV.<bucket>.<key>`, one key only.
    `$KV.${buckets.presence}.${operatorId}`,
    // The JetStream client's account check when it starts.
    '$JS.API.INFO',
    // Reading a stream's or bucket's configuration (the KV client opens a bucket this way).
    '$JS.API.STREAM.INFO.*',
    // Ordered consumers and KV watches: create, pull the next batch, delete on close, ask for state.
    // Creating a consumer cannot change a stream; the stream's deny_delete/deny_purge stay.
    '$JS.API.CONSUMER.CREATE.>',
    '$JS.API.CONSUMER.MSG.NEXT.>',
    '$JS.API.CONSUMER.DELETE.>',
    '$JS.API.CONSUMER.INFO.>',
    // KV gets (direct get) and a single message by sequence or last-by-subject (a send's trail).
    '$JS.API.DIRECT.GET.>',
    '$JS.API.STREAM.MSG.GET.*',
    // Flow control replies of push consumers, and acks of what it consumed.
    '$JS.FC.>',
    '$JS.ACK.>',
  ];
}

/**
 * Taken back out of the consumer API allowed above: the service's durable projection consumer. A desktop
 * pulling (and acking) from it would take records before they reach PostgreSQL; deleting or redefining it
 * would stop the projection. Acks carry the consumer's name at the 4th token (`$JS.ACK.<stream>.<consumer>…`)
 * or, in the newer form with domain and account hash, at the 6th.
 */
export const desktopPublishDeny = [
  `$JS.API.CONSUMER.*.*.${projectionConsumer}`,
  `$JS.API.CONSUMER.*.*.${projectionConsumer}.>`,
  `$JS.API.CONSUMER.MSG.NEXT.*.${projectionConsumer}`,
  `$JS.ACK.*.${projectionConsumer}.>`,
  `$JS.ACK.*.*.*.${projectionConsumer}.>`,
];

/**
 * Replies to its own requests come on its inbox, deliveries of its consumers and KV watches too: under
 * the operator's own prefix only (the link connects with it as `inboxPrefix`; nats.js 3.4's request
 * mux, pull and ordered consumers, push consumers behind KV watches, direct gets and publish acks all
 * take it from the connection). With `_INBOX.>` one operator could read another's replies and deliveries.
 */
export const desktopSubscribeAllow = (operatorId: string) => [`${desktopInbox(operatorId)}.>`];
