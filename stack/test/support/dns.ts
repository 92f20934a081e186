/**
 * A minimal authoritative DNS server over UDP on 127.0.0.1: answers A queries for one name with a
 * fixed list of IPv4 addresses, and every other question with an empty answer (NOERROR) or, for
 * other names, NXDOMAIN. It plays the cluster DNS of a headless Service in the scale-out test, so
 * that a real collector's gRPC client resolves one name to several gateways.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { HOST } from './process';

export interface DnsServer {
  /** host:port, for a `dns://host:port/name:port` gRPC target. */
  address: string;
  /** Questions seen, as `TYPE name` (e.g. `A gateways.test`). */
  questions: string[];
  stop(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_NAMES: Record<number, string> = { 1: 'A', 28: 'AAAA', 16: 'TXT', 33: 'SRV' };

/** Reads the question's name; returns it with the offset just after the name. */
function readName(msg: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  for (;;) {
    const len = msg[offset]!;
    if (len === 0) return [labels.join('.'), offset + 1];
    labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
    offset += 1 + len;
  }
}

export function answer(query: Buffer, name: string, addresses: readonly string[]): { reply: Buffer; question: string } {
  const [qname, end] = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const known = qname.toLowerCase().replace(/\.$/, '') === name.toLowerCase();
  const answers = known && qtype === TYPE_A ? addresses : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  // QR, opcode 0, AA, RD copied, RA; rcode NXDOMAIN (3) for names we do not serve
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((ip) => {
    const r = Buffer.alloc(16);
    r.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    r.writeUInt16BE(TYPE_A, 2);
    r.writeUInt16BE(1, 4); // IN
    r.writeUInt32BE(5, 6); // TTL 5 s
    r.writeUInt16BE(4, 10);
    ip.split('.').forEach((o, i) => r.writeUInt8(Number(o), 12 + i));
    return r;
  });
  return { reply: Buffer.concat([header, question, ...records]), question: `${TYPE_NAMES[qtype] ?? qtype} ${qname}` };
}

export async function startDnsServer(name: string, addresses: readonly string[]): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (msg, rinfo) => {
    try {
      const { reply, question } = answer(msg, name, addresses);
      questions.push(question);
      socket.send(reply, rinfo.port, rinfo.address);
    } catch {
      /* a malformed query gets no answer */
    }
  });
  await new Promise<void>((r) => socket.bind(0, HOST, r));
  const { port } = socket.address() as AddressInfo;
  return { address: `${HOST}:${port}`, questions, stop: () => new Promise<void>((r) => socket.close(() => r())) };
}
