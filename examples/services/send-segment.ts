/**
 * CLI: sends sample signed Segment events (page, track "Order Completed", identify) to a webhook.
 *
 *   node --import tsx examples/services/send-segment.ts --url http://127.0.0.1:3000/hooks/segment --secret shh [--user user-8]
 */
import { parseArgs } from 'node:util';
import { sendSegmentEvents } from './segment-sender';

const { values } = parseArgs({
  options: { url: { type: 'string' }, secret: { type: 'string' }, user: { type: 'string' } },
});
if (!values.url) {
  console.error('Usage: send-segment --url <webhook URL> [--secret <shared secret>] [--user <userId>]');
  process.exit(2);
}
const answers = await sendSegmentEvents({ url: values.url, secret: values.secret, userId: values.user });
for (const answer of answers) console.log(`${answer.type}: ${answer.status} ${JSON.stringify(answer.body)}`);
process.exit(answers.every((a) => a.status < 300) ? 0 : 1);
