import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import segmentEvent, { normaliseSegmentEvent } from '../../nodes/integrations/segment-event';
import { sampleSegmentEvents, sendSegmentEvents } from '../../examples/services';
import { nodeContext } from '../http/node-context';

const run = (input: unknown, config: Record<string, unknown> = {}, evaluated?: Record<string, unknown>) =>
  segmentEvent.run(nodeContext(segmentEvent, config, { input, evaluated }));

describe('segment.event', () => {
  it('maps page, "Order Completed" and identify to page, purchase and signup', async () => {
    const [page, order, identify] = sampleSegmentEvents('user-8', 'ada@example.com');
    expect(await run(page)).toEqual({
      output: expect.objectContaining({ eventType: 'page', type: 'page', name: 'Pricing', userId: 'user-8', properties: page.properties }),
    });
    expect(await run(order)).toEqual({
      output: expect.objectContaining({ eventType: 'purchase', type: 'track', event: 'Order Completed', properties: order.properties, messageId: order.messageId }),
    });
    const signup = (await run(identify)) as { output: Record<string, unknown> };
    expect(signup.output).toMatchObject({ eventType: 'signup', email: 'ada@example.com', traits: { plan: 'pro' }, timestamp: identify.timestamp });
  });

  it('reads the email from context.traits on non-identify calls, and maps other events as configured', async () => {
    const event = { type: 'track', event: 'Cart Viewed', anonymousId: 'a-1', context: { traits: { email: 'x@example.com' } } };
    expect(await run(event)).toMatchObject({ output: { eventType: 'track', userId: null, anonymousId: 'a-1', email: 'x@example.com' } });
    expect(await run(event, { mapping: { 'Cart Viewed': 'browse' } })).toMatchObject({ output: { eventType: 'browse' } });
    expect(await run({ type: 'screen', name: 'Home', userId: 'u' })).toMatchObject({ output: { eventType: 'page', name: 'Home' } });
    expect(await run({ type: 'identify', userId: 'u' }, { mapping: { identify: 'profile' } })).toMatchObject({ output: { eventType: 'profile' } });
  });

  it('gives one bundle per event of a batch', async () => {
    const result = (await run({ batch: sampleSegmentEvents('user-2') })) as Array<{ output: { eventType: string } }>;
    expect(result.map((r) => r.output.eventType)).toEqual(['page', 'purchase', 'signup']);
  });

  it('reads the event from config.event when given', async () => {
    const result = await run({ wrapper: true }, { event: 'input.payload' }, { event: { type: 'page', userId: 'u-1' } });
    expect(result).toMatchObject({ output: { eventType: 'page', userId: 'u-1' } });
    expect(() => run({ type: 'page', userId: 'u-2' }, { event: 'input.payload' }, { event: undefined })).toThrow(
      'segment.event: not a Segment event: config.event is undefined, expected an object with a "type" field',
    );
  });

  it('names what is missing when the bundle is not a Segment event', () => {
    expect(() => normaliseSegmentEvent({ userId: 'u' })).toThrow('segment.event: not a Segment event: input.type is missing (expected one of page, track, identify, screen, group, alias)');
    expect(() => normaliseSegmentEvent({ type: 'click', userId: 'u' })).toThrow(/input\.type is "click", expected one of/);
    expect(() => normaliseSegmentEvent({ type: 'page' })).toThrow(/input\.userId and input\.anonymousId are both missing/);
    expect(() => normaliseSegmentEvent({ type: 'track', userId: 'u' })).toThrow(/input\.event is missing/);
    expect(() => normaliseSegmentEvent({ type: 'group', userId: 'u' })).toThrow(/input\.groupId is missing/);
    expect(() => normaliseSegmentEvent({ type: 'page', userId: 'u', properties: 'x' })).toThrow(/input\.properties must be an object/);
    expect(() => normaliseSegmentEvent('hello')).toThrow(/input is string, expected an object/);
    expect(() => normaliseSegmentEvent({ batch: [{ type: 'page' }] } as never)).toThrow(/input\.type is missing/);
  });
});

describe('Segment sender', () => {
  it('POSTs page, track and identify events signed with HMAC-SHA1 of the raw body', async () => {
    const received: Array<{ raw: string; signature: string | undefined }> = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ raw, signature: req.headers['x-signature'] as string | undefined });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"runId":"r1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/segment`;
      const answers = await sendSegmentEvents({ url, secret: 'shh', userId: 'user-5' });
      expect(answers.map((a) => [a.type, a.status])).toEqual([
        ['page', 202],
        ['track Order Completed', 202],
        ['identify', 202],
      ]);
      for (const { raw, signature } of received) {
        expect(signature).toBe(createHmac('sha1', 'shh').update(raw).digest('hex'));
        expect(JSON.parse(raw).userId).toBe('user-5');
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
