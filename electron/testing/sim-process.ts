import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';

/**
 * The simulators in a process of their own, so a measurement of the host's memory does not
 * count the simulator's buffers. Prints one line `SIMS {json urls}` and runs until killed, or until
 * its parent is gone (the end of its stdin): a benchmark killed half-way leaves no simulator behind.
 */
const token = process.env.SIM_TOKEN ?? 'bench-token-0000';
const green = new GreenApiV1Simulator({ tokens: [token] });
const pachca = new PachcaSimulator({ tokens: [token], botTokens: [token] });
// The bench's directory refresh pages through SIM_MARKET_CHATS chats (issue 14: 10 000).
const market = new MarketSimulator({ tokens: [token], read: { chats: Number(process.env.SIM_MARKET_CHATS ?? 60) } });
const diadoc = new DiadocSimulator({ tokens: [token] });
const urls = { greenapi: await green.start(), pachca: await pachca.start(), market: await market.start(), diadoc: await diadoc.start() };
console.log(`SIMS ${JSON.stringify(urls)}`);
// Records would grow without bound over thousands of bench sends; the bench reads none of them.
setInterval(() => {
  for (const s of [green.server, pachca.server, market.server, diadoc.server]) {
    s.received.length = 0;
    s.faultsMet.length = 0;
  }
  green.messages.length = 0;
  market.messages.length = 0;
  market.files.length = 0;
  diadoc.messages.length = 0;
}, 1000).unref();
process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0));
process.stdin.resume();
