import { describe, expect, it } from 'vitest';
import { classifyAddress, createAllowList, embeddedIPv4, splitAllowHosts } from '../../engine/http';

// Pure classification: nothing here opens a connection.
describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.5', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.2', 'loopback'],
    ['::ffff:7f00:2', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['2001:db8::1', 'documentation'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });

  it('refuses to classify text that is not an address', () => {
    expect(() => classifyAddress('example.com')).toThrow(/not an IP address/);
  });

  it('finds the IPv4 address inside mapped and 6to4 forms', () => {
    expect(embeddedIPv4('::ffff:192.168.0.1')).toBe('192.168.0.1');
    expect(embeddedIPv4('2002:0a00:0001::')).toBe('10.0.0.1');
    expect(embeddedIPv4('2606:4700::1111')).toBeUndefined();
  });
});

describe('allowlist', () => {
  it('reads comma-separated hosts, IPs and CIDRs of both families', () => {
    const list = createAllowList(splitAllowHosts(' ml.internal , 10.0.0.0/8,[::1], fd00::/8, *.corp.example'));
    expect(list.allows('ml.internal', '10.9.9.9')).toBe(true);
    expect(list.allows('other', '10.9.9.9')).toBe(true);
    expect(list.allows('other', '11.0.0.1')).toBe(false);
    expect(list.allows('other', '::1')).toBe(true);
    expect(list.allows('other', 'fd00::5')).toBe(true);
    expect(list.allows('other', 'fe80::5')).toBe(false);
    expect(list.allows('api.corp.example', '192.168.0.1')).toBe(true);
    expect(list.allows('corp.example.evil', '192.168.0.1')).toBe(false);
  });

  it('names an entry it cannot read', () => {
    expect(() => createAllowList(['10.0.0.0/33'])).toThrow(/"10.0.0.0\/33"/);
    expect(() => createAllowList(['http://x'])).toThrow(/SWITCHYARD_ALLOW_HOSTS: "http:\/\/x"/);
  });
});
