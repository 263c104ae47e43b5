// The native wire codec on its own: no socket, no root. Golden bytes are what
// iproute2 6.1 sent for the same commands (shared/reference, section 10).
import assert from 'node:assert/strict';

import { addon } from '../../lib/native';

const { codec } = addon;
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const REQUEST_ACK = 0x01 | 0x04;
const CREATE_EXCL = 0x400 | 0x200;

describe('wire codec: rules', () => {
  it('encodes `ip rule add from 10.1.0.0/24 table 100` byte for byte', () => {
    const bytes = codec.encodeRule('add', REQUEST_ACK | CREATE_EXCL, 0, {
      family: 2,
      src: '10.1.0.0',
      srcLen: 24,
      table: 100,
      action: 1,
    });
    assert.deepEqual(bytes, hex('24000000 2000 0506 00000000 00000000 02 00 18 00 64 00 00 01 00000000 0800 0200 0a010000'));
  });

  it('encodes the many-selector example, table 1000 going into FRA_TABLE', () => {
    const bytes = codec.encodeRule('add', REQUEST_ACK | CREATE_EXCL, 0, {
      family: 2,
      priority: 200,
      invert: true,
      src: '10.1.0.0',
      srcLen: 24,
      dst: '192.168.0.0',
      dstLen: 16,
      tos: 0x10,
      fwmark: 0x10,
      fwmask: 0xff,
      iifname: 'v0',
      table: 1000,
      action: 1,
    });
    assert.deepEqual(
      bytes,
      hex(`54000000 2000 0506 00000000 00000000 02 10 18 10 00 00 00 01 02000000
      0800 0600 c8000000 0800 0200 0a010000 0800 0100 c0a80000 0800 0a00 10000000 0800 1000 ff000000
      0700 0300 76300000 0800 0f00 e8030000`),
    );
  });

  it('encodes deletes with only the fields given (action 0 is the wildcard)', () => {
    assert.deepEqual(
      codec.encodeRule('delete', REQUEST_ACK, 0, { family: 2, priority: 200 }),
      hex('24000000 2100 0500 00000000 00000000 02 00 00 00 00 00 00 00 00000000 0800 0600 c8000000'),
    );
    assert.deepEqual(
      codec.encodeRule('delete', REQUEST_ACK, 0, { family: 2, src: '10.1.0.0', srcLen: 24, table: 100 }),
      hex('24000000 2100 0500 00000000 00000000 02 00 18 00 64 00 00 00 00000000 0800 0200 0a010000'),
    );
  });

  it('encodes the dump request `ip -6 rule show` sends', () => {
    assert.deepEqual(codec.encodeRuleDump(10, 0), hex('1c000000 2200 0103 00000000 00000000 0a 00 00 00 00 00 00 00 00000000'));
  });

  it('decodes what it encodes, for every field', () => {
    const record = {
      family: 10,
      src: '2001:db8::',
      srcLen: 32,
      dst: '2001:db8:1::',
      dstLen: 48,
      tos: 0,
      action: 1,
      priority: 7,
      table: 70000,
      fwmark: 1,
      fwmask: 3,
      iifname: 'eth0',
      oifname: 'eth1',
      flow: 0x30004,
      suppressPrefixlen: 0,
      suppressIfgroup: 5,
      tunId: 2n ** 63n + 5n,
      protocol: 4,
      ipProto: 6,
      sport: [1, 2] as [number, number],
      dport: [80, 80] as [number, number],
      uidRange: [1000, 2000] as [number, number],
      dscp: 46,
      flowlabel: 0xabcde,
      flowlabelMask: 0xfffff,
    };
    const [decoded] = codec.decodeRules(codec.encodeRule('add', 0, 1, record));
    assert.ok(decoded);
    const { flags, ...rest } = decoded;
    assert.equal(flags, 0);
    assert.deepEqual(rest, record);
  });

  it('decodes a rule without FRA_PRIORITY as priority 0, and a large table from FRA_TABLE', () => {
    const bytes = hex('24000000 2000 0200 00000000 00000000 02 00 00 00 fc 00 00 01 00000000 0800 0f00 e8030000');
    const [rule] = codec.decodeRules(bytes);
    assert.equal(rule?.priority, 0);
    assert.equal(rule?.table, 1000);
  });

  it('refuses malformed messages instead of reading past them', () => {
    const good = codec.encodeRule('add', 0, 1, { family: 2, priority: 1, table: 5, action: 1 });
    // An attribute claiming more bytes than the message has.
    const lying = Buffer.from(good);
    lying.writeUInt16LE(200, 28);
    assert.deepEqual(codec.decodeRules(lying), [null]);
    // A message header claiming more bytes than the datagram: iteration just stops.
    const short = Buffer.from(good);
    short.writeUInt32LE(4096, 0);
    assert.deepEqual(codec.decodeRules(short), []);
    // Multicast-routing families (128/129) from AF_UNSPEC dumps are skipped.
    const ipmr = Buffer.from(good);
    ipmr[16] = 128;
    assert.deepEqual(codec.decodeRules(ipmr), [null]);
    // Random bytes never crash the decoder.
    for (let i = 0; i < 2000; i++) {
      const noise = Buffer.alloc(16 + (i % 80));
      for (let j = 0; j < noise.length; j++) noise[j] = (Math.random() * 256) | 0;
      noise.writeUInt32LE(noise.length, 0);
      noise.writeUInt16LE(32, 4);
      codec.decodeRules(noise);
    }
  });

  it('matches rules against filters the way list() does', () => {
    const rule = { family: 2, src: '10.0.0.5', srcLen: 32, priority: 32768, table: 16, action: 1, iifname: 'qr-1' };
    assert.equal(codec.ruleMatches(rule, { table: 16 }), true);
    assert.equal(codec.ruleMatches(rule, { table: 17 }), false);
    assert.equal(codec.ruleMatches(rule, { src: '10.0.0.5', srcLen: 32 }), true);
    assert.equal(codec.ruleMatches(rule, { src: '10.0.0.5', srcLen: 24 }), false);
    assert.equal(codec.ruleMatches(rule, { srcLen: 0 }), false, '"from all" matches only rules without a source');
    assert.equal(codec.ruleMatches(rule, { family: 10 }), false);
    assert.equal(codec.ruleMatches(rule, { iifname: 'qr-1' }), true);
    assert.equal(codec.ruleMatches(rule, { oifname: 'qr-1' }), false, 'a rule without oif does not match an oif filter');
  });
});

describe('wire codec: kernel answers', () => {
  it('reads errno, the request sequence and extended-ACK text and offset from NLMSG_ERROR', () => {
    // nlmsghdr(ERROR, CAPPED|ACK_TLVS) + error -22 + the request's header + MSG + OFFS TLVs
    const msg = Buffer.concat([
      hex('00000000 0200 0003 07000000 00000000'),
      hex('eaffffff'),
      hex('24000000 2000 0506 2a000000 00000000'),
      Buffer.concat([hex('1200 0100'), Buffer.from('Invalid table\0'), hex('0000')]),
      hex('0800 0200 24000000'),
    ]);
    msg.writeUInt32LE(msg.length, 0);
    assert.deepEqual(codec.parseStatus(msg), { error: 22, seq: 42, message: 'Invalid table', offset: 36 });
  });

  it('reads an error carried by NLMSG_DONE at the end of a dump', () => {
    const msg = Buffer.concat([hex('00000000 0300 0202 09000000 00000000'), hex('feffffff')]);
    msg.writeUInt32LE(msg.length, 0);
    assert.deepEqual(codec.parseStatus(msg), { error: 2, seq: 9 });
  });

  it('reads an error field that is not 0 or a negative errno as EPROTO, INT32_MIN included', () => {
    for (const wire of [-0x80000000, 5, 0x7fffffff, -4096]) {
      const msg = Buffer.concat([
        hex('24000000 0200 0001 05000000 00000000'),
        Buffer.alloc(4),
        hex('24000000 2000 0506 05000000 00000000'),
      ]);
      msg.writeInt32LE(wire, 16);
      const status = codec.parseStatus(msg);
      assert.equal(status?.error, 71, `error field ${wire}`); // EPROTO
      assert.match(status?.message ?? '', /not 0 or a negative errno/);
    }
    const done = Buffer.concat([hex('14000000 0300 0202 09000000 00000000'), Buffer.alloc(4)]);
    done.writeInt32LE(-0x80000000, 16);
    assert.equal(codec.parseStatus(done)?.error, 71);
  });

  it('treats a success ACK as error 0', () => {
    const msg = Buffer.concat([hex('24000000 0200 0001 05000000 00000000'), hex('00000000'), hex('24000000 2000 0506 05000000 00000000')]);
    assert.deepEqual(codec.parseStatus(msg), { error: 0, seq: 5 });
  });
});
